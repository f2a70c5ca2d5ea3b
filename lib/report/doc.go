// Package report builds the weekly research-highlights report: markdown
// tables shared by the notebooks (number formatting is lib/num's, forwarded
// here as F, Pct, PlusMinus and MeanPM), one Section per notebook, the
// assembly of reports/<date>/highlights.md, and its rendering as one
// self-contained reports/<date>/highlights.html to share.
//
// # Layout
//
// Each notebook writes its section to reports/<YYYY-MM-DD>/<section>.md
// (WriteSection or Section.Write) and its figures to
// assets/<section>/plot_MMDDYY_<slug>.png (lib/plot.Save). Figure links in a
// section are relative to the report directory (../../assets/...), so they
// resolve from the section file and from highlights.md alike, and keep
// working when the repository moves. Assemble joins the section files in a
// fixed order, robustness, transitivity, probe, positivity, then any other
// sections alphabetically, under a title, the date and a table of contents;
// a fixed section with no file is listed as "not run".
//
// A Section keeps the first error of its adding methods (a figure file that
// does not exist, a bad date): Err returns it, and Write returns it instead
// of writing, so a notebook cell that ignores Figure's error still fails.
//
// # The HTML report
//
// AssembleHTML renders highlights.md with goldmark (GitHub tables, GitHub
// heading anchors) into one file that needs nothing else to be read:
// figures are inlined as data: URIs (regular files from the report
// directory or assets/, at most MaxFigureBytes each), $...$ and $$...$$
// become MathML, which browsers draw natively (lib/mathml converts the TeX
// subset the notebooks use, and an unknown command is an error, not a wrong
// formula), no raw HTML of a section reaches the page (it is shown as text),
// bidirectional control characters are shown as [U+202E], and a
// Content-Security-Policy forbids any fetch. FigureLinks and ResolveFigure
// let tests check that every figure link resolves.
//
// # Key numbers
//
// A Section's key numbers (Section.Number) are written as a small table
// between the markers <!-- key-numbers --> and <!-- /key-numbers -->;
// Assemble gathers those tables into one summary at the top of the report.
//
// # Numbers
//
// F formats with a fixed number of decimals, Pct a fraction as a
// percentage, PlusMinus a mean with its standard error, and MeanPM the mean
// ± standard error of a sample (lib/stats.MeanSE). Non-finite values print as "–" (NaN), "∞" and "-∞", so
// a table never shows Go's "NaN" or "+Inf".
package report

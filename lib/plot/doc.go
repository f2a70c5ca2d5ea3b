// Package plot draws prefscope's figures in one style on gonum/plot, saves
// them where the report finds them and shows them inline in GoNB notebooks.
//
// # Style
//
// Every figure is meant to be read in a notebook and in the weekly report:
// Liberation Sans, a 14 pt bold title, 12 pt axis labels, 11 pt tick labels
// and legend, a light grey grid, and series colours from the Okabe–Ito
// palette (safe for the common colour-vision deficiencies), paired with
// distinct marker shapes so that groups stay apart in greyscale too. The
// default size is 7 × 4.5 in rendered at 150 dpi (1050 × 675 px). Heatmaps
// use a viridis-like sequential map, or a blue–white–red diverging map (the
// ColorBrewer RdBu end points) centred on zero.
//
// # Builders
//
// Scatter, Bars, Heatmap, Curves and Histogram each take their data and a
// plain options struct; a nil options pointer or a zero field gives the
// documented default. Each returns a *Figure whose Plot field is the
// underlying gonum plot, so a notebook can adjust it further. Wrap turns any
// gonum plot into a Figure in this style.
//
// Axis labels should carry units and n, and figures with error bars should
// say in a label or the title what the bars are (for example "mean ± 1 s.e.,
// n = 5 runs"); the builders draw what they are given and cannot know.
//
// # Files and notebooks
//
// Save writes a figure to assets/<section>/plot_MMDDYY_<slug>.png under the
// repository root (lib/repo), with the date from PREFSCOPE_DATE or today, and
// a snake_case slug naming the content (alpha_sweep, utility_scatter). Show
// displays the figure inline when the program runs inside a GoNB cell and
// does nothing elsewhere; it goes through GoNB's own gonbui package (the
// gonb version that GoMLX already requires, and the one tools/go.mod pins
// for the kernel) and waits for the kernel's acknowledgement, so that a cell
// that exits right after Show still shows the figure. Publish does both.
//
// The same inputs always draw the same pixels; the golden-image tests in
// this package (go test ./lib/plot -regen rewrites testdata/*_golden.png)
// check each builder.
package plot

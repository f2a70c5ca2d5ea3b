// Package mathml converts TeX math to MathML for the self-contained HTML
// report: browsers render MathML Core themselves, so the page needs no
// script, font or network to show a formula. The converter covers the
// math-mode TeX that the notebooks write (letters, numbers, operators,
// Greek, sub- and superscripts, \frac, \sqrt, \left…\right, accents, \text,
// \operatorname, font commands, big operators, spacing, matrices and
// cases); anything else is an error naming the formula and the command,
// never a silently wrong formula.
package mathml

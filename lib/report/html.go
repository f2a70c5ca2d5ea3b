package report

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"github.com/prefscope/prefscope/lib/repo"
)

// AssembleHTML writes reports/<date>/highlights.html from the assembled
// reports/<date>/highlights.md (run Assemble first) and returns its path.
// The page is one self-contained file to share: see HTML.
func AssembleHTML(date string) (string, error) {
	dir, err := repo.ReportDir(date)
	if err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	mdPath := filepath.Join(dir, highlightsName+".md")
	md, err := os.ReadFile(mdPath)
	if err != nil {
		return "", fmt.Errorf("report: %w (run Assemble first)", err)
	}
	title := fmt.Sprintf("%s, %s", Title, date)
	page, err := HTML(md, dir, title)
	if err != nil {
		return "", fmt.Errorf("report: %s: %w", mdPath, err)
	}
	path := filepath.Join(dir, highlightsName+".html")
	if err := writeFile(path, page); err != nil {
		return "", err
	}
	return path, nil
}

// HTML renders the markdown md as one self-contained HTML page titled
// title, which shows the same with no network access when viewed:
//
//   - every image link is read relative to dir and inlined as a data: URI;
//     a link that does not resolve to a regular PNG, JPEG, GIF or WebP file
//     of at most MaxFigureBytes inside dir or the repository's assets/ is
//     an error naming it, and so is a remote one (see ResolveFigure);
//   - $...$ and $$...$$ become MathML, which browsers render themselves
//     (see lib/mathml); a formula the converter does not know is an error;
//   - tables follow GitHub's syntax, and headings get GitHub's anchors, so
//     the links of Assemble's table of contents work;
//   - no raw HTML of the markdown reaches the page: it is shown as text
//     (the key-number markers Assemble reads are left out, and a <br> in a
//     table cell, which Table writes, becomes the page's own line break),
//     so nothing in a section can load, navigate or submit anything; the
//     page's Content-Security-Policy forbids every fetch as a second guard;
//   - bidirectional control characters (U+202E and the like) are shown
//     escaped, as [U+202E], so text cannot be made to read backwards.
func HTML(md []byte, dir, title string) ([]byte, error) {
	gm := newMarkdown()
	ctx := parser.NewContext(parser.WithIDs(&headingIDs{anchors: anchorSet{}}))
	doc := gm.Parser().Parse(text.NewReader(md), parser.WithContext(ctx))
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		img, ok := n.(*ast.Image)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		uri, err := inlineImage(string(img.Destination), dir)
		if err != nil {
			return ast.WalkStop, err
		}
		img.Destination = []byte(uri)
		return ast.WalkContinue, nil
	})
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	if err := gm.Renderer().Render(&body, md, doc); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">` + "\n")
	b.WriteString(`<meta name="viewport" content="width=device-width, initial-scale=1">` + "\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", escapeBidi(html.EscapeString(title)), pageCSS)
	b.WriteString(escapeBidi(body.String()))
	b.WriteString("</main>\n</body>\n</html>\n")
	return b.Bytes(), nil
}

// FigureLinks returns the destinations of the image links in md, in order,
// as written (relative to the report directory).
func FigureLinks(md []byte) []string {
	doc := newMarkdown().Parser().Parse(text.NewReader(md))
	var links []string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering {
			links = append(links, string(img.Destination))
		}
		return ast.WalkContinue, nil
	})
	return links
}

func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, mathExtension{}, rawHTMLExtension{}),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	)
}

// headingIDs gives headings the anchors GitHub gives them, the ones
// Assemble links to from the table of contents.
type headingIDs struct{ anchors anchorSet }

func (h *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	return []byte(h.anchors.add(string(value)))
}

func (h *headingIDs) Put(value []byte) { h.anchors[string(value)]++ }

// pageCSS is the page's whole style: system fonts, readable width, tables
// and figures sized for a laptop screen and for print.
const pageCSS = `body { margin: 0; background: #fff; color: #1f2328;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", "Liberation Sans", Arial, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; }
h1 { font-size: 1.9rem; border-bottom: 1px solid #d1d9e0; padding-bottom: .3rem; }
h2 { font-size: 1.45rem; border-bottom: 1px solid #d1d9e0; padding-bottom: .25rem; margin-top: 2.2rem; }
h3 { font-size: 1.15rem; margin-top: 1.6rem; }
a { color: #0969da; }
code { font-family: ui-monospace, "Liberation Mono", monospace; font-size: .9em; background: #f2f4f6; padding: .1em .3em; border-radius: 4px; }
table { border-collapse: collapse; margin: 1rem 0; display: block; overflow-x: auto; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d1d9e0; padding: .3rem .7rem; }
th { background: #f6f8fa; }
tr:nth-child(even) td { background: #fafbfc; }
img { display: block; max-width: 100%; height: auto; margin: 1.2rem auto .3rem; }
p:has(> img) + p > em:only-child { display: block; text-align: center; color: #59636e; font-size: .93em; }
math { font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math", "DejaVu Math TeX Gyre", math; }
math[display="block"] { margin: .8rem 0; font-size: 1.08em; }
@media print { main { max-width: none; } img { break-inside: avoid; } }
`

package report

// goldmark extensions of the HTML report: TeX math as MathML, and raw HTML
// shown as text (see rawHTMLRenderer).

import (
	"bytes"
	"html"
	"regexp"
	"unicode"

	"github.com/prefscope/prefscope/lib/mathml"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

var kindMath = ast.NewNodeKind("Math")

// mathNode is a formula: $TeX$ inline, $$TeX$$ displayed.
type mathNode struct {
	ast.BaseInline
	TeX     string
	Display bool
}

func (n *mathNode) Kind() ast.NodeKind { return kindMath }

func (n *mathNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"TeX": n.TeX}, nil)
}

// mathParser finds formulas with pandoc's rules for $: the opening $ is
// not followed by a space, the closing $ not preceded by one nor followed
// by a digit, so "$5 and $10" stays text. $$...$$ may span lines of a
// paragraph. \$ is a literal dollar, inside a formula too.
type mathParser struct{}

func (mathParser) Trigger() []byte { return []byte{'$'} }

func (mathParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, _ := block.PeekLine()
	display := len(line) > 1 && line[1] == '$'
	open := 1
	if display {
		open = 2
	}
	if !display && (len(line) < 2 || unicode.IsSpace(rune(line[1]))) {
		return nil
	}
	l, pos := block.Position()
	block.Advance(open)
	var tex []byte
	for {
		line, _ := block.PeekLine()
		if line == nil {
			block.SetPosition(l, pos)
			return nil
		}
		if i := closingDollar(line, display); i >= 0 {
			tex = append(tex, line[:i]...)
			block.Advance(i + open)
			if len(bytes.TrimSpace(tex)) == 0 {
				block.SetPosition(l, pos)
				return nil
			}
			return &mathNode{TeX: string(bytes.TrimSpace(tex)), Display: display}
		}
		if !display {
			block.SetPosition(l, pos)
			return nil
		}
		tex = append(tex, line...)
		block.AdvanceLine()
	}
}

// closingDollar returns the index of the closing delimiter in line, or -1.
func closingDollar(line []byte, display bool) int {
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\':
			i++ // \$ and \\ are not delimiters
		case line[i] != '$':
		case display:
			if i+1 < len(line) && line[i+1] == '$' {
				return i
			}
		case i > 0 && !unicode.IsSpace(rune(line[i-1])) && (i+1 >= len(line) || !unicode.IsDigit(rune(line[i+1]))):
			return i
		}
	}
	return -1
}

type mathRenderer struct{}

func (mathRenderer) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(kindMath, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		m := n.(*mathNode)
		s, err := mathml.FromTeX(m.TeX, m.Display)
		if err != nil {
			return ast.WalkStop, err
		}
		_, _ = w.WriteString(s)
		return ast.WalkSkipChildren, nil
	})
}

type mathExtension struct{}

func (mathExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(mathParser{}, 150)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(mathRenderer{}, 150)))
}

// rawHTMLRenderer lets no raw HTML of the markdown through: it is shown as
// text. Two things sections need are rendered by the page itself: the
// key-number markers (which Assemble reads, and a reader need not see) are
// left out, and a <br> that Table writes inside a cell becomes the page's
// own <br>. Anything else, comments included (a browser closes "<!-->" at
// once, so what follows it would be live), is escaped.
type rawHTMLRenderer struct{}

var lineBreakHTML = regexp.MustCompile(`(?i)^<br\s*/?>$`)

// isMarker reports whether raw is exactly one of the key-number markers.
func isMarker(raw []byte) bool {
	t := string(bytes.TrimSpace(raw))
	return t == keyNumbersStart || t == keyNumbersEnd
}

func (rawHTMLRenderer) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(ast.KindRawHTML, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			var raw []byte
			segs := n.(*ast.RawHTML).Segments
			for i := 0; i < segs.Len(); i++ {
				seg := segs.At(i)
				raw = append(raw, seg.Value(source)...)
			}
			switch {
			case isMarker(raw):
			case lineBreakHTML.Match(bytes.TrimSpace(raw)):
				_, _ = w.WriteString("<br>")
			default:
				_, _ = w.WriteString(html.EscapeString(string(raw)))
			}
		}
		return ast.WalkSkipChildren, nil
	})
	r.Register(ast.KindHTMLBlock, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		b := n.(*ast.HTMLBlock)
		var raw []byte
		for i := 0; i < b.Lines().Len(); i++ {
			seg := b.Lines().At(i)
			raw = append(raw, seg.Value(source)...)
		}
		if b.HasClosure() {
			raw = append(raw, b.ClosureLine.Value(source)...)
		}
		if !isMarker(raw) {
			_, _ = w.WriteString("<p>" + html.EscapeString(string(raw)) + "</p>\n")
		}
		return ast.WalkSkipChildren, nil
	})
}

type rawHTMLExtension struct{}

func (rawHTMLExtension) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(rawHTMLRenderer{}, 100)))
}

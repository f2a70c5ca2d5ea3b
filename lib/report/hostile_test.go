package report

import (
	"bytes"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/prefscope/prefscope/lib/repo"
)

// The page's own elements: everything else in a rendered page came from the
// markdown and must be the markup markdown itself makes.
var pageMeta = 3 // charset, Content-Security-Policy, viewport

// No raw HTML of a section reaches the page as markup: the "<!-->" comment
// trick (a browser closes the comment at once, so what follows is live),
// forms, overlays, meta refreshes, in a block, inline, or in a figure
// caption with blank lines, all come out as visible text.
func TestHTMLPassesNoRawHTML(t *testing.T) {
	root := setupRoot(t)
	fig := writePNG(t, root, "robustness", "plot_030926_a.png", color.RGBA{255, 0, 0, 255})
	refresh := `<!--><meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">-->`
	hostile := []string{
		refresh,
		"Inline " + refresh + " in a sentence.",
		`<form action="http://127.0.0.1:9/"><input name="q"><button>go</button></form>`,
		`<div style="position:fixed;inset:0;background:#fff">overlay</div>`,
		`<!-- a plain comment with <iframe src="x"> inside -->`,
		`<iframe srcdoc="<b>x</b>"></iframe>`,
		"<svg><a xlink:href=\"#x\"><text>svg</text></a></svg>",
	}
	s := NewSection("robustness", "Hostile")
	for _, h := range hostile {
		s.Text(h)
	}
	if err := s.Figure(fig, "A caption\n\n"+refresh+"\n\n<form><input></form>"); err != nil {
		t.Fatal(err)
	}
	s.Table([]string{"field", "note"}, [][]string{{"task_order", "two\nlines"}})
	s.Number("mean r", "0.75", "")
	dir, _ := repo.ReportDir("2026-03-09")
	page, err := HTML([]byte(s.Markdown()), dir, "t")
	if err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, page)
	for _, tag := range []string{"form", "input", "button", "div", "iframe", "svg", "script"} {
		if p.tags[tag] > 0 {
			t.Errorf("the page has %d <%s> elements from the section", p.tags[tag], tag)
		}
	}
	if p.tags["meta"] != pageMeta {
		t.Errorf("the page has %d <meta> elements, want only its own %d", p.tags["meta"], pageMeta)
	}
	if bytes.Contains(page, []byte("<!-->")) || bytes.Contains(page, []byte("<!--")) {
		t.Error("a raw comment reached the page")
	}
	text := strings.Join(p.text, "")
	if !strings.Contains(text, `<meta http-equiv="refresh"`) || !strings.Contains(text, `<form action=`) {
		t.Errorf("the hostile markup is not shown as text:\n%s", text)
	}
	if strings.Contains(text, "key-numbers") {
		t.Error("the key-number markers are shown")
	}
	if p.tags["br"] != 1 {
		t.Errorf("%d <br>, want the one Table writes for the cell's line break", p.tags["br"])
	}
	if !bytes.Contains(page, []byte("Content-Security-Policy")) {
		t.Error("the page lost its Content-Security-Policy")
	}
}

// Inlined figures: only regular files inside the report directory or the
// repository's assets, of bounded size. /dev/zero, a link to it, a FIFO,
// files elsewhere and oversized files are errors naming the link.
func TestHTMLFigureFilesBounded(t *testing.T) {
	root := setupRoot(t)
	dir, _ := repo.ReportDir("2026-03-09")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	assets := filepath.Join(root, "assets", "robustness")
	writePNG(t, root, "robustness", "ok.png", color.RGBA{0, 0, 255, 255})
	outside := filepath.Join(t.TempDir(), "secret.png")
	if err := os.WriteFile(outside, []byte("\x89PNG\r\n\x1a\nsecret"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustDo := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	mustDo(os.Symlink("/dev/zero", filepath.Join(assets, "zero.png")))
	mustDo(os.Symlink(outside, filepath.Join(assets, "leak.png")))
	mustDo(syscall.Mkfifo(filepath.Join(assets, "fifo.png"), 0o644))
	big, err := os.Create(filepath.Join(assets, "big.png"))
	mustDo(err)
	mustDo(big.Truncate(MaxFigureBytes + 1))
	mustDo(big.Close())

	cases := []struct{ link, want string }{
		{"/dev/zero", "outside"},
		{"../../../../../../../../dev/zero", "outside"},
		{"../../assets/robustness/zero.png", "outside"},
		{outside, "outside"},
		{"../../assets/robustness/leak.png", "outside"},
		{"../../assets/robustness/fifo.png", "not a regular file"},
		{"../../assets/robustness/big.png", "larger than the limit"},
		{"http://127.0.0.1:9/x.png", "only local files"},
	}
	for _, c := range cases {
		t.Run(c.link, func(t *testing.T) {
			_, err := HTML([]byte("![x](<"+c.link+">)\n"), dir, "t")
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.link) {
				t.Errorf("error %v, want one naming %q and %q", err, c.link, c.want)
			}
		})
	}
	if _, err := HTML([]byte("![x](../../assets/robustness/ok.png)\n"), dir, "t"); err != nil {
		t.Errorf("a figure in assets: %v", err)
	}
}

// Bidirectional control characters in task text are shown as their code,
// never passed to the browser to reorder the text around them.
func TestHTMLEscapesBidiControls(t *testing.T) {
	setupRoot(t)
	controls := []rune{0x202E, 0x202A, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C}
	var md strings.Builder
	md.WriteString("# Title \u202Eevil\n\n")
	for _, r := range controls {
		md.WriteString("task text " + string(r) + "reversed\n\n")
	}
	md.WriteString("`code \u202E span` and ![alt \u202E](x.png \"t\") | a |\n")
	dir := t.TempDir()
	writePNG(t, dir, "", "x.png", color.RGBA{1, 2, 3, 255})
	if err := os.Rename(filepath.Join(dir, "assets", "x.png"), filepath.Join(dir, "x.png")); err != nil {
		t.Fatal(err)
	}
	page, err := HTML([]byte(md.String()), dir, "title \u2067x")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range controls {
		if bytes.ContainsRune(page, r) {
			t.Errorf("U+%04X reaches the page unescaped", r)
		}
	}
	for _, want := range []string{"[U+202E]evil", "[U+2066]reversed", "[U+200F]reversed", "code [U+202E] span", "<title>title [U+2067]x</title>", `alt="alt [U+202E]"`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// markdownTags are the elements goldmark makes from markdown (no math):
// anything else in a page came from raw HTML.
var markdownTags = map[string]bool{
	"html": true, "head": true, "body": true, "main": true, "title": true, "style": true, "meta": true,
	"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "em": true, "strong": true,
	"code": true, "pre": true, "a": true, "img": true, "table": true, "thead": true, "tbody": true, "tr": true,
	"th": true, "td": true, "ul": true, "ol": true, "li": true, "blockquote": true, "hr": true, "br": true, "del": true,
	"input": true, // never made: checked below
}

// FuzzHTMLNoRawHTML: whatever a section says (math aside), the page holds
// only elements markdown makes, no event handler, and only its own <meta>.
func FuzzHTMLNoRawHTML(f *testing.F) {
	f.Add(`<!--><meta http-equiv="refresh" content="0;url=http://x/">-->`)
	f.Add("a <form><input></form> b\n\n<div onclick=x>y</div>")
	f.Add("<!---->\n<!-- a -- b -->\n<![CDATA[<script>]]>\n<?php ?>\n<!DOCTYPE x>")
	f.Add("| a | b |\n|---|---|\n| <br> | <img src=x onerror=y> |")
	f.Add("* <details open><summary>x</summary></details>\n> <textarea>")
	f.Fuzz(func(t *testing.T, md string) {
		if strings.ContainsAny(md, "$!") { // math needs its own tags; images need files
			return
		}
		page, err := HTML([]byte(md), t.TempDir(), "t")
		if err != nil {
			return
		}
		root, err := xhtml.Parse(bytes.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		metas := 0
		var walk func(n *xhtml.Node)
		walk = func(n *xhtml.Node) {
			if n.Type == xhtml.ElementNode {
				if !markdownTags[n.Data] || n.Data == "input" {
					t.Fatalf("<%s> from %q", n.Data, md)
				}
				if n.Data == "meta" {
					metas++
				}
				for _, a := range n.Attr {
					if strings.HasPrefix(strings.ToLower(a.Key), "on") {
						t.Fatalf("attribute %s from %q", a.Key, md)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(root)
		if metas != pageMeta {
			t.Fatalf("%d <meta> from %q", metas, md)
		}
	})
}

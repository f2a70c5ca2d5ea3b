package report

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/prefscope/prefscope/lib/repo"
)

// writePNG writes a small real PNG (its colour makes each file distinct).
func writePNG(t *testing.T, root, section, name string, c color.Color) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	img.Set(1, 1, c)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, "assets", section, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// page is a parsed HTML page with what the tests look at.
type page struct {
	imgs, hrefs, ids, h2, text []string
	tags                       map[string]int
	blockMath                  int
	annotations                []string
}

func parsePage(t *testing.T, data []byte) *page {
	t.Helper()
	root, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p := &page{tags: map[string]int{}}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			p.text = append(p.text, n.Data)
		}
		if n.Type == html.ElementNode {
			p.tags[n.Data]++
			for _, a := range n.Attr {
				switch {
				case a.Key == "src" && n.Data == "img":
					p.imgs = append(p.imgs, a.Val)
				case a.Key == "src" || a.Key == "href" && !strings.HasPrefix(a.Val, "#"):
					t.Errorf("<%s %s=%q>: the page must load nothing", n.Data, a.Key, a.Val)
				case a.Key == "href":
					p.hrefs = append(p.hrefs, a.Val[1:])
				case a.Key == "id":
					p.ids = append(p.ids, a.Val)
				case a.Key == "display" && n.Data == "math" && a.Val == "block":
					p.blockMath++
				}
			}
			if n.Data == "h2" && n.FirstChild != nil {
				p.h2 = append(p.h2, n.FirstChild.Data)
			}
			if n.Data == "annotation" && n.FirstChild != nil {
				p.annotations = append(p.annotations, n.FirstChild.Data)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return p
}

func TestAssembleHTML(t *testing.T) {
	root := setupRoot(t)
	date := "2026-03-09"
	figA := writePNG(t, root, "robustness", "plot_030926_a.png", color.RGBA{255, 0, 0, 255})
	figB := writePNG(t, root, "probe", "plot_030926_b.png", color.RGBA{0, 0, 255, 255})
	rob := NewSection("robustness", "Preferences are fairly robust")
	rob.Number("mean r", "0.75", "")
	rob.Text(`Task $i$ has utility $\mu_i$; a pair is chosen with`)
	rob.Text(`$$P(i \succ j) = \Phi\!\left(\frac{\mu_i - \mu_j}{\sqrt{\sigma_i^2 + \sigma_j^2}}\right)$$`)
	rob.Table([]string{"field", "β"}, [][]string{{"task_order\nfixed", "0.03"}, {"a | b", "0.01"}})
	_ = rob.Figure(figA, "First figure.")
	probe := NewSection("probe", "")
	_ = probe.Figure(figB, "Second figure.")
	probe.Text(`It costs $5 and $10, and \$x\$ is not math; <script>alert(1)</script> <img src="http://localhost/x.png">`)
	for _, s := range []*Section{rob, probe} {
		if _, err := s.Write(); err != nil {
			t.Fatal(err)
		}
	}
	mdPath, err := Assemble(date)
	if err != nil {
		t.Fatal(err)
	}
	path, err := AssembleHTML(date)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "reports", date, "highlights.html"); path != want {
		t.Fatalf("path %q, want %q", path, want)
	}
	md, _ := os.ReadFile(mdPath)
	data, _ := os.ReadFile(path)
	p := parsePage(t, data)

	t.Run("figures inlined in order", func(t *testing.T) {
		links := FigureLinks(md)
		if len(links) != 2 || len(p.imgs) != len(links) {
			t.Fatalf("%d figure links in the markdown, %d <img> in the page; want 2 and 2", len(links), len(p.imgs))
		}
		for i, link := range links {
			file, err := ResolveFigure(link, filepath.Dir(mdPath))
			if err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(file)
			enc, ok := strings.CutPrefix(p.imgs[i], "data:image/png;base64,")
			got, derr := base64.StdEncoding.DecodeString(enc)
			if !ok || derr != nil || !bytes.Equal(got, want) {
				t.Fatalf("<img> %d is not %s as a PNG data URI", i, file)
			}
		}
		if f, _ := ResolveFigure(links[0], filepath.Dir(mdPath)); f != figA {
			t.Fatalf("first figure resolves to %s, want %s", f, figA)
		}
	})
	t.Run("sections in report order with placeholders", func(t *testing.T) {
		want := []string{"Contents", "Key numbers", "Preferences are fairly robust", "Transitivity", "Probe", "Positivity"}
		if strings.Join(p.h2, "|") != strings.Join(want, "|") {
			t.Fatalf("h2 headings %q, want %q", p.h2, want)
		}
		all := strings.Join(p.text, "")
		for _, s := range []string{"Not run: no transitivity.md", "Not run: no positivity.md"} {
			if !strings.Contains(all, s) {
				t.Errorf("page lacks the placeholder %q", s)
			}
		}
	})
	t.Run("contents links resolve", func(t *testing.T) {
		ids := map[string]bool{}
		for _, id := range p.ids {
			ids[id] = true
		}
		if len(p.hrefs) < 3 {
			t.Fatalf("only %d anchor links", len(p.hrefs))
		}
		for _, h := range p.hrefs {
			if !ids[h] {
				t.Errorf("link #%s has no target; ids %v", h, p.ids)
			}
		}
	})
	t.Run("tables", func(t *testing.T) {
		// summary, the section's key numbers, the field table.
		if p.tags["table"] != 3 || p.tags["br"] != 1 {
			t.Fatalf("%d tables and %d <br>, want 3 and 1 (the line break in a cell)", p.tags["table"], p.tags["br"])
		}
		if all := strings.Join(p.text, ""); !strings.Contains(all, "a | b") {
			t.Fatal("escaped pipe not rendered as a pipe")
		}
	})
	t.Run("math as MathML", func(t *testing.T) {
		if p.tags["math"] != 3 || p.blockMath != 1 {
			t.Fatalf("%d <math>, %d displayed; want 3 and 1", p.tags["math"], p.blockMath)
		}
		want := []string{"i", `\mu_i`, `P(i \succ j) = \Phi\!\left(\frac{\mu_i - \mu_j}{\sqrt{\sigma_i^2 + \sigma_j^2}}\right)`}
		if strings.Join(p.annotations, "|") != strings.Join(want, "|") {
			t.Fatalf("TeX annotations %q, want %q", p.annotations, want)
		}
	})
	t.Run("raw HTML shown as text, dollars kept", func(t *testing.T) {
		if p.tags["script"] != 0 {
			t.Fatal("a <script> element reached the page")
		}
		all := strings.Join(p.text, "")
		for _, s := range []string{"It costs $5 and $10, and $x$ is not math;", "<script>alert(1)</script>", `<img src="http://localhost/x.png">`} {
			if !strings.Contains(all, s) {
				t.Errorf("page text lacks %q", s)
			}
		}
	})
}

func TestHTMLErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.png"), []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, md, want string }{
		{"missing figure", "![x](../../assets/nope.png)", "../../assets/nope.png"},
		{"remote figure", "![x](http://localhost/a.png)", "only local files"},
		{"not an image", "![x](notes.png)", "is not a PNG"},
		{"unknown TeX", `text $\foo x$`, `unknown command \foo`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := HTML([]byte(tc.md), dir, "t")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("HTML(%q) error = %v, want one containing %q", tc.md, err, tc.want)
			}
		})
	}
	t.Setenv(repo.EnvRoot, t.TempDir())
	if _, err := AssembleHTML("2026-03-09"); err == nil || !strings.Contains(err.Error(), "run Assemble first") {
		t.Fatalf("AssembleHTML without highlights.md: %v", err)
	}
}

// Every committed report: each figure link of each markdown file resolves,
// and the HTML rendering inlines every image.
func TestCommittedReports(t *testing.T) {
	root, err := repo.Root()
	if err != nil {
		t.Skipf("no repository root: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "reports", "*", "*.md"))
	if len(files) == 0 {
		t.Skip("no committed reports")
	}
	for _, f := range files {
		md, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		links := FigureLinks(md)
		for _, link := range links {
			if _, err := ResolveFigure(link, filepath.Dir(f)); err != nil {
				t.Errorf("%s: %v", rel, err)
			}
		}
		page, err := HTML(md, filepath.Dir(f), rel)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		p := parsePage(t, page)
		if len(p.imgs) != len(links) {
			t.Errorf("%s: %d figure links but %d <img> in the HTML", rel, len(links), len(p.imgs))
		}
		for _, src := range p.imgs {
			if !strings.HasPrefix(src, "data:image/") {
				t.Errorf("%s: <img src=%.40q> is not a data: URI", rel, src)
			}
		}
	}
}

// A figure whose path holds spaces and parentheses is linked as <...> by
// Section.Figure, and still resolves and inlines.
func TestHTMLFigureWithSpaces(t *testing.T) {
	root := setupRoot(t)
	fig := writePNG(t, root, "probe", "plot 030926 (draft).png", color.RGBA{0, 128, 0, 255})
	s := NewSection("probe", "")
	if err := s.Figure(fig, "Draft."); err != nil {
		t.Fatal(err)
	}
	dir, _ := repo.ReportDir("2026-03-09")
	md := []byte(s.Markdown())
	links := FigureLinks(md)
	if len(links) != 1 || links[0] != "../../assets/probe/plot 030926 (draft).png" {
		t.Fatalf("links %q from %q", links, md)
	}
	page, err := HTML(md, dir, "t")
	if err != nil {
		t.Fatal(err)
	}
	if p := parsePage(t, page); len(p.imgs) != 1 || !strings.HasPrefix(p.imgs[0], "data:image/png;base64,") {
		t.Fatalf("images %.60q", p.imgs)
	}
}

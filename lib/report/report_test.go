package report

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"

	"github.com/prefscope/prefscope/lib/repo"
)

func TestTable(t *testing.T) {
	cases := []struct {
		name   string
		header []string
		rows   [][]string
		want   string
	}{
		{
			name:   "numeric column right-aligned",
			header: []string{"field", "r"},
			rows:   [][]string{{"task_order", "0.62"}, {"phrasing", "-0.10"}},
			want:   "| field | r |\n| --- | ---: |\n| task_order | 0.62 |\n| phrasing | -0.10 |\n",
		},
		{
			name:   "pipes and newlines escaped",
			header: []string{"prompt"},
			rows:   [][]string{{"a|b\nc"}},
			want:   "| prompt |\n| --- |\n| a\\|b<br>c |\n",
		},
		{
			name:   "short row padded, long row widens",
			header: []string{"a", "b"},
			rows:   [][]string{{"x"}, {"1", "2", "3"}},
			want:   "| a | b |  |\n| --- | ---: | ---: |\n| x |  |  |\n| 1 | 2 | 3 |\n",
		},
		{
			name:   "formatted numbers count as numbers",
			header: []string{"k", "v"},
			rows:   [][]string{{"a", "12.5%"}, {"b", "0.62 ± 0.03"}, {"c", "–"}},
			want:   "| k | v |\n| --- | ---: |\n| a | 12.5% |\n| b | 0.62 ± 0.03 |\n| c | – |\n",
		},
		{name: "empty", want: ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Table(tc.header, tc.rows); got != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestDataFrame(t *testing.T) {
	df := dataframe.New(
		series.New([]string{"MATH", "Alpaca"}, series.String, "origin"),
		series.New([]float64{0.12345, math.NaN()}, series.Float, "mu"),
		series.New([]int{40, 41}, series.Int, "n"),
	)
	got, err := DataFrame(df, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := "| origin | mu | n |\n| --- | ---: | ---: |\n| MATH | 0.12 | 40 |\n| Alpaca | – | 41 |\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	bad := df.Select([]string{"nope"})
	if _, err := DataFrame(bad, 2); err == nil {
		t.Fatal("DataFrame of a dataframe carrying an error: want an error")
	}
}

// setupRoot points the repository root at a temporary directory and fixes
// the date.
func setupRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	t.Setenv(repo.EnvRoot, root)
	t.Setenv(repo.EnvDate, "2026-03-09")
	return root
}

// writeAsset creates an empty figure file at assets/<section>/<name>.
func writeAsset(t *testing.T, root, section, name string) string {
	t.Helper()
	p := filepath.Join(root, "assets", section, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("png"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSectionMarkdown(t *testing.T) {
	root := setupRoot(t)
	fig := writeAsset(t, root, "probe", "plot_030926_alpha_sweep.png")
	s := NewSection("probe", "Linear probes")
	s.Number("best R² (layer 16)", "0.78", "planted 0.80")
	s.Text("Ridge probes on layer activations.")
	if err := s.Figure(fig, "Held-out R² against α [5 folds]"); err != nil {
		t.Fatal(err)
	}
	s.Table([]string{"layer", "R²"}, [][]string{{"8", "0.55"}})
	want := "## Linear probes\n\n" +
		keyNumbersStart + "\n| key number | value | note |\n| --- | ---: | --- |\n| best R² (layer 16) | 0.78 | planted 0.80 |\n" + keyNumbersEnd + "\n\n" +
		"Ridge probes on layer activations.\n\n" +
		"![Held-out R² against α (5 folds)](../../assets/probe/plot_030926_alpha_sweep.png)\n\n*Held-out R² against α [5 folds]*\n\n" +
		"| layer | R² |\n| ---: | ---: |\n| 8 | 0.55 |\n"
	if got := s.Markdown(); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if err := s.Figure(filepath.Join(root, "assets", "probe", "missing.png"), "x"); err == nil {
		t.Fatal("Figure of a missing file: want an error")
	}
}

func TestWriteSection(t *testing.T) {
	cases := []struct {
		name, date, section string
		wantErr             bool
	}{
		{"ok", "2026-03-09", "robustness", false},
		{"bad date", "2026-3-9", "robustness", true},
		{"bad name", "2026-03-09", "Robustness", true},
		{"path escape", "2026-03-09", "../x", true},
		{"reserved", "2026-03-09", "highlights", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := setupRoot(t)
			path, err := WriteSection(tc.date, tc.section, "## R\n")
			if tc.wantErr {
				if err == nil {
					t.Fatalf("WriteSection = %q, want error", path)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(root, "reports", tc.date, tc.section+".md"); path != want {
				t.Fatalf("path %q, want %q", path, want)
			}
			if data, _ := os.ReadFile(path); string(data) != "## R\n" {
				t.Fatalf("content %q", data)
			}
		})
	}
}

var imageLink = regexp.MustCompile(`!\[[^\]]*\]\(<?([^)>]+)>?\)`)

func TestAssemble(t *testing.T) {
	root := setupRoot(t)
	date := "2026-03-09"
	// Sections: two of the fixed four (probe, robustness), one extra
	// (zeta_extra) and one extra without a heading (alpha_extra);
	// transitivity and positivity are missing.
	figs := []string{
		writeAsset(t, root, "robustness", "plot_030926_utility_scatter.png"),
		writeAsset(t, root, "probe", "plot_030926_alpha_sweep.png"),
	}
	rob := NewSection("robustness", "Robustness")
	rob.Number("mean Pearson r", "0.83", "planted 0.85")
	if err := rob.Figure(figs[0], "Utilities, run A against run B"); err != nil {
		t.Fatal(err)
	}
	probe := NewSection("probe", "Probe")
	probe.Number("best R²", "0.78", "")
	if err := probe.Figure(figs[1], "R² against α"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Section{probe, rob, NewSection("zeta_extra", "")} {
		if _, err := s.Write(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := WriteSection(date, "alpha_extra", "Just text."); err != nil {
		t.Fatal(err)
	}
	// A stray non-section file is ignored.
	if err := os.WriteFile(filepath.Join(root, "reports", date, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}

	path, err := Assemble(date)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "reports", date, "highlights.md"); path != want {
		t.Fatalf("path %q, want %q", path, want)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	md := string(data)

	t.Run("title and date", func(t *testing.T) {
		if !strings.HasPrefix(md, "# prefscope research highlights, 2026-03-09\n") {
			t.Fatalf("report starts %q", md[:60])
		}
		if !strings.Contains(md, "Sections run: 4 of 6.") {
			t.Fatal("missing run count")
		}
	})
	t.Run("table of contents", func(t *testing.T) {
		wantTOC := "## Contents\n\n" +
			"- [Key numbers](#key-numbers)\n" +
			"- [Robustness](#robustness)\n" +
			"- Transitivity: not run\n" +
			"- [Probe](#probe)\n" +
			"- Positivity: not run\n" +
			"- [Alpha extra](#alpha-extra)\n" +
			"- [Zeta extra](#zeta-extra)\n"
		if !strings.Contains(md, wantTOC) {
			t.Fatalf("table of contents not found; report:\n%s", md)
		}
	})
	t.Run("section order", func(t *testing.T) {
		var order []string
		for _, line := range strings.Split(md, "\n") {
			if h, ok := strings.CutPrefix(line, "## "); ok {
				order = append(order, h)
			}
		}
		want := "Contents|Key numbers|Robustness|Transitivity|Probe|Positivity|Alpha extra|Zeta extra"
		if got := strings.Join(order, "|"); got != want {
			t.Fatalf("headings %s, want %s", got, want)
		}
	})
	t.Run("not run sections", func(t *testing.T) {
		for _, s := range []string{"transitivity", "positivity"} {
			if !strings.Contains(md, "*Not run: no "+s+".md in this report's directory.*") {
				t.Errorf("no not-run note for %s", s)
			}
		}
	})
	t.Run("key numbers summary", func(t *testing.T) {
		want := "| section | key number | value | note |\n| --- | --- | ---: | --- |\n" +
			"| Robustness | mean Pearson r | 0.83 | planted 0.85 |\n" +
			"| Probe | best R² | 0.78 |  |\n"
		if !strings.Contains(md, want) {
			t.Fatalf("summary table not found; report:\n%s", md)
		}
	})
	t.Run("figure links resolve from the report directory", func(t *testing.T) {
		links := imageLink.FindAllStringSubmatch(md, -1)
		if len(links) != 2 {
			t.Fatalf("%d image links, want 2", len(links))
		}
		for _, l := range links {
			if filepath.IsAbs(l[1]) {
				t.Errorf("link %q is absolute", l[1])
			}
			p := filepath.Join(filepath.Dir(path), filepath.FromSlash(l[1]))
			if _, err := os.Stat(p); err != nil {
				t.Errorf("link %q does not resolve: %v", l[1], err)
			}
		}
		// The same links resolve from the section file, which sits in the
		// same directory.
		sec, _ := os.ReadFile(filepath.Join(root, "reports", date, "probe.md"))
		for _, l := range imageLink.FindAllStringSubmatch(string(sec), -1) {
			if _, err := os.Stat(filepath.Join(root, "reports", date, filepath.FromSlash(l[1]))); err != nil {
				t.Errorf("section link %q does not resolve: %v", l[1], err)
			}
		}
	})
	t.Run("idempotent", func(t *testing.T) {
		if _, err := Assemble(date); err != nil {
			t.Fatal(err)
		}
		again, _ := os.ReadFile(path)
		if string(again) != md {
			t.Fatal("second Assemble differs: highlights.md was read back as a section")
		}
	})
}

func TestAssembleEmptyAndBroken(t *testing.T) {
	root := setupRoot(t)
	path, err := Assemble("2026-03-09")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, s := range []string{"Robustness", "Transitivity", "Probe", "Positivity"} {
		if !strings.Contains(string(data), "- "+s+": not run\n") {
			t.Errorf("empty report lacks %q as not run", s)
		}
	}
	if strings.Contains(string(data), "Key numbers") {
		t.Error("empty report has a key-number summary")
	}
	// An unterminated key-number block names the file.
	if _, err := WriteSection("2026-03-09", "probe", "## Probe\n\n"+keyNumbersStart+"\n| a |\n"); err != nil {
		t.Fatal(err)
	}
	_, err = Assemble("2026-03-09")
	if err == nil || !strings.Contains(err.Error(), "probe.md") {
		t.Fatalf("Assemble = %v, want an error naming probe.md", err)
	}
	_ = root
	if _, err := Assemble("09-03-2026"); err == nil {
		t.Fatal("Assemble with a malformed date: want an error")
	}
}

func TestAnchors(t *testing.T) {
	a := anchorSet{}
	cases := []struct{ heading, want string }{
		{"Robustness", "robustness"},
		{"Linear probes: R² by layer", "linear-probes-r-by-layer"}, // ² is not a decimal digit: GitHub drops it,
		{"Held-out (MATH)", "held-out-math"},
		{"Robustness", "robustness-1"},
		{"snake_case name", "snake_case-name"},
	}
	for _, tc := range cases {
		if got := a.add(tc.heading); got != tc.want {
			t.Errorf("anchor(%q) = %q, want %q", tc.heading, got, tc.want)
		}
	}
}

func TestSplitRow(t *testing.T) {
	got := splitRow(`| a | b\|c |  |`)
	if strings.Join(got, "/") != "a/b|c/" || len(got) != 3 {
		t.Fatalf("splitRow = %q", got)
	}
}

// The provenance line stands under the title, before the contents, and an
// empty one adds nothing.
func TestAssembleForSource(t *testing.T) {
	setupRoot(t)
	src := "Study `default`; models: `synth:2026` (simulated)."
	path, err := AssembleFor("2026-03-09", src)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	md := string(data)
	i, j := strings.Index(md, src), strings.Index(md, "## Contents")
	if i < 0 || j < 0 || i > j {
		t.Fatalf("source line at %d, contents at %d in:\n%s", i, j, md)
	}
	path, err = AssembleFor("2026-03-09", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(path)
	if !strings.Contains(string(data), "Sections run: 0 of 4.\n\n## Contents") {
		t.Fatalf("blank source changed the report:\n%s", data)
	}
}

package plot

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/janpfeifer/gonb/gonbui/protocol"
	"github.com/prefscope/prefscope/lib/repo"
)

func TestBuilderErrors(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name string
		call func() (*Figure, error)
		want string // substring of the error
	}{
		{"scatter lengths", func() (*Figure, error) { return Scatter([]float64{1, 2}, []float64{1}, nil) }, "len(x) = 2, len(y) = 1"},
		{"scatter empty", func() (*Figure, error) { return Scatter(nil, nil, nil) }, "no points"},
		{"scatter groups", func() (*Figure, error) {
			return Scatter([]float64{1, 2}, []float64{1, 2}, &ScatterOptions{Groups: []string{"a"}})
		}, "len(Groups) = 1"},
		{"scatter NaN", func() (*Figure, error) { return Scatter([]float64{1, nan}, []float64{1, 2}, nil) }, "x[1] = NaN"},
		{"scatter log", func() (*Figure, error) {
			return Scatter([]float64{1, 0}, []float64{1, 2}, &ScatterOptions{Options: Options{LogX: true}})
		}, "x[1] = 0, want > 0"},
		{"bars no series", func() (*Figure, error) { return Bars([]string{"a"}, nil, nil) }, "at least one"},
		{"bars lengths", func() (*Figure, error) {
			return Bars([]string{"a", "b"}, []BarSeries{{Name: "s", Values: []float64{1}}}, nil)
		}, `series 0 "s": 1 values for 2 categories`},
		{"bars err lengths", func() (*Figure, error) {
			return Bars([]string{"a"}, []BarSeries{{Name: "s", Values: []float64{1}, Err: []float64{1, 2}}}, nil)
		}, "2 errors for 1 categories"},
		{"bars inf", func() (*Figure, error) {
			return Bars([]string{"a"}, []BarSeries{{Values: []float64{math.Inf(1)}}}, nil)
		}, "want a finite value"},
		{"heatmap empty", func() (*Figure, error) { return Heatmap(nil, nil, nil, nil) }, "empty matrix"},
		{"heatmap ragged", func() (*Figure, error) {
			return Heatmap([][]float64{{1, 2}, {3}}, []string{"a", "b"}, []string{"x", "y"}, nil)
		}, "row 1 has 1 columns"},
		{"heatmap labels", func() (*Figure, error) {
			return Heatmap([][]float64{{1, 2}}, []string{"a"}, []string{"x"}, nil)
		}, "1 row and 1 column labels for a 1×2 matrix"},
		{"heatmap cell labels rows", func() (*Figure, error) {
			return Heatmap([][]float64{{1, 2}}, []string{"a"}, []string{"x", "y"}, &HeatmapOptions{Labels: [][]string{{"p"}, {"q"}}})
		}, "2 rows of labels for 1 rows"},
		{"heatmap cell labels columns", func() (*Figure, error) {
			return Heatmap([][]float64{{1, 2}}, []string{"a"}, []string{"x", "y"}, &HeatmapOptions{Labels: [][]string{{"p"}}})
		}, "label row 0 has 1 entries, want 2"},
		{"curves none", func() (*Figure, error) { return Curves(nil, nil) }, "no curves"},
		{"curves lengths", func() (*Figure, error) {
			return Curves([]Curve{{Name: "c", X: []float64{1, 2}, Y: []float64{1}}}, nil)
		}, "len(X) = 2, len(Y) = 1"},
		{"curves band half", func() (*Figure, error) {
			return Curves([]Curve{{Name: "c", X: []float64{1}, Y: []float64{1}, Low: []float64{0}}}, nil)
		}, "Low and High must be given together"},
		{"curves log", func() (*Figure, error) {
			return Curves([]Curve{{Name: "c", X: []float64{0, 1}, Y: []float64{1, 1}}}, &CurvesOptions{Options: Options{LogX: true}})
		}, "x[0] = 0"},
		{"histogram empty", func() (*Figure, error) { return Histogram([]Group{{Name: "a"}}, nil) }, "no values"},
		{"histogram range", func() (*Figure, error) {
			return Histogram([]Group{{Values: []float64{1}}}, &HistogramOptions{Range: [2]float64{2, 1}})
		}, "want min < max"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := tc.call()
			if err == nil {
				t.Fatalf("got a figure %v, want an error containing %q", f, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

// TestDegenerateInputs checks inputs that are legal but easy to get wrong:
// they must draw without panicking and keep the default size.
func TestDegenerateInputs(t *testing.T) {
	cases := []struct {
		name string
		call func() (*Figure, error)
	}{
		{"scatter one point with identity", func() (*Figure, error) {
			return Scatter([]float64{1}, []float64{1}, &ScatterOptions{Identity: true})
		}},
		{"heatmap constant", func() (*Figure, error) {
			return Heatmap([][]float64{{2, 2}, {2, 2}}, []string{"a", "b"}, []string{"x", "y"}, nil)
		}},
		{"heatmap all NaN diverging", func() (*Figure, error) {
			return Heatmap([][]float64{{math.NaN()}}, []string{"a"}, []string{"x"}, &HeatmapOptions{Diverging: true})
		}},
		{"heatmap 30x30 labels shrink", func() (*Figure, error) {
			m := make([][]float64, 30)
			labels := make([]string, 30)
			for i := range m {
				m[i] = make([]float64, 30)
				for j := range m[i] {
					m[i][j] = float64(i*j) / 900
				}
				labels[i] = "task_" + string(rune('a'+i%26))
			}
			return Heatmap(m, labels, labels, nil)
		}},
		{"histogram one value", func() (*Figure, error) { return Histogram([]Group{{Values: []float64{3}}}, nil) }},
		{"histogram values outside range", func() (*Figure, error) {
			return Histogram([]Group{{Name: "a", Values: []float64{5}}, {Name: "b", Values: []float64{0.5}}}, &HistogramOptions{Range: [2]float64{0, 1}})
		}},
		{"bars negative values", func() (*Figure, error) {
			return Bars([]string{"a", "b"}, []BarSeries{{Values: []float64{-1, 2}, Err: []float64{0.5, 0.5}}}, nil)
		}},
		{"curve single point", func() (*Figure, error) {
			return Curves([]Curve{{X: []float64{1}, Y: []float64{1}}}, &CurvesOptions{Points: true})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := tc.call()
			if err != nil {
				t.Fatal(err)
			}
			data, err := f.PNG()
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != 1050 || b.Dy() != 675 {
				t.Fatalf("size %v, want 1050×675 (7 × 4.5 in at 150 dpi)", b)
			}
		})
	}
}

func TestWrapWords(t *testing.T) {
	cases := []struct {
		in    string
		limit int
		want  string
	}{
		{"instruction position", 12, "instruction\nposition"},
		{"a b c d", 3, "a b\nc d"},
		{"situating context", 40, "situating context"},
		{"supercalifragilistic word", 5, "supercalifragilistic\nword"},
		{"  spaced   out  ", 20, "spaced out"},
	}
	for _, tc := range cases {
		if got := wrapWords(tc.in, tc.limit); got != tc.want {
			t.Errorf("wrapWords(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
		}
	}
}

// TestFitTickLabels checks the three outcomes of label fitting on the
// 11 pt tick font: labels that fit stay, labels with spaces wrap, and long
// single words rotate.
func TestFitTickLabels(t *testing.T) {
	cases := []struct {
		name    string
		labels  []string
		slot    float64 // points
		wrapped bool
		rotated bool
	}{
		{"short labels fit", []string{"A", "B"}, 60, false, false},
		{"wrap at spaces", []string{"instruction position", "task order"}, 70, true, false},
		{"rotate single words", []string{"instruction_position", "task_order"}, 50, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newPlot(&Options{}, gridNone)
			p.X.Tick.Marker = nominalTicks(tc.labels)
			fitTickLabels(&p.X, tc.labels, vgPoints(tc.slot))
			ticks := p.X.Tick.Marker.Ticks(0, 1)
			hasNL := false
			for _, tk := range ticks {
				hasNL = hasNL || strings.Contains(tk.Label, "\n")
			}
			if hasNL != tc.wrapped {
				t.Errorf("wrapped = %v, want %v (%v)", hasNL, tc.wrapped, ticks)
			}
			if rot := p.X.Tick.Label.Rotation != 0; rot != tc.rotated {
				t.Errorf("rotated = %v, want %v", rot, tc.rotated)
			}
		})
	}
}

func TestReadableTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		want   []string // labels, in order
	}{
		{0, 20, []string{"0", "5", "10", "15", "20"}},
		{-2.16, 2.16, []string{"-2", "-1", "0", "1", "2"}},
		{0, 1, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{-1, 1, []string{"-1.0", "-0.5", "0.0", "0.5", "1.0"}},
		{0.3, 0.82, []string{"0.3", "0.4", "0.5", "0.6", "0.7", "0.8"}},
		{1000, 1010, []string{"1000", "1002", "1004", "1006", "1008", "1010"}},
	}
	for _, tc := range cases {
		var got []string
		for _, tk := range (readableTicks{}).Ticks(tc.lo, tc.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("ticks(%v, %v) = %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestFileName(t *testing.T) {
	cases := []struct {
		date, slug, want string
	}{
		{"2026-03-09", "alpha_sweep", "plot_030926_alpha_sweep.png"},
		{"2026-11-27", "r2_by_layer", "plot_112726_r2_by_layer.png"},
		{"2026-03-09", "Alpha", ""},
		{"2026-03-09", "alpha-sweep", ""},
		{"2026-03-09", "", ""},
		{"2026-03-09", "../x", ""},
		{"03/09/2026", "alpha", ""},
	}
	for _, tc := range cases {
		got, err := FileName(tc.date, tc.slug)
		if tc.want == "" {
			if err == nil {
				t.Errorf("FileName(%q, %q) = %q, want error", tc.date, tc.slug, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("FileName(%q, %q) = %q, %v; want %q", tc.date, tc.slug, got, err, tc.want)
		}
	}
}

func TestSave(t *testing.T) {
	f, err := Scatter([]float64{0, 1}, []float64{0, 1}, &ScatterOptions{Options: Options{Title: "t"}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, date, section, slug string
		want                      string // relative to root; "" for an error
	}{
		{"ok", "2026-03-09", "probe", "alpha_sweep", "assets/probe/plot_030926_alpha_sweep.png"},
		{"other section", "2026-12-31", "robustness", "utility_scatter", "assets/robustness/plot_123126_utility_scatter.png"},
		{"bad slug", "2026-03-09", "probe", "Alpha Sweep", ""},
		{"bad section", "2026-03-09", "../probe", "alpha", ""},
		{"bad date", "2026-3-9", "probe", "alpha", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			t.Setenv(repo.EnvRoot, root)
			t.Setenv(repo.EnvDate, tc.date)
			path, err := Save(f, tc.section, tc.slug)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("Save = %q, want error", path)
				}
				if ents, _ := os.ReadDir(filepath.Join(root, "assets")); len(ents) != 0 {
					t.Fatalf("Save failed but created %v", ents)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(root, filepath.FromSlash(tc.want)); path != want {
				t.Fatalf("path %q, want %q", path, want)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("saved file is not a PNG: %v", err)
			}
			if b := img.Bounds(); b.Dx() != 1050 || b.Dy() != 675 {
				t.Fatalf("size %v, want 1050×675", b)
			}
			ents, _ := os.ReadDir(filepath.Dir(path))
			if len(ents) != 1 {
				t.Fatalf("directory holds %d entries, want only the figure (no temporary file)", len(ents))
			}
		})
	}
}

func TestShowOutsideNotebook(t *testing.T) {
	setNotebook(t, false)
	sendDisplay = func(*protocol.DisplayData) { t.Fatal("Show sent a display outside a notebook") }
	if InNotebook() {
		t.Fatal("InNotebook() outside a notebook")
	}
	f, err := Scatter([]float64{0}, []float64{0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := Show(f); err != nil {
		t.Fatalf("Show outside a notebook = %v, want nil", err)
	}
}

func TestShorten(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"task_1", 32, "task_1"},
		{"abcdef", 4, "abc…"},
		{"μμμμμ", 5, "μμμμμ"},
		{"μμμμμμ", 5, "μμμμ…"},
	}
	for _, tc := range cases {
		if got := shorten(tc.in, tc.n); got != tc.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// Custom cell labels replace the values: a labelled heatmap draws other
// pixels than the same heatmap with value labels, and the same pixels as
// one whose labels spell the values.
func TestHeatmapCellLabels(t *testing.T) {
	m := [][]float64{{0.25, 0.5}, {0.75, 1}}
	draw := func(labels [][]string) []byte {
		t.Helper()
		f, err := Heatmap(m, []string{"a", "b"}, []string{"x", "y"}, &HeatmapOptions{Labels: labels})
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.PNG()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	values := draw(nil)
	if !bytes.Equal(values, draw([][]string{{"0.25", "0.50"}, {"0.75", "1.00"}})) {
		t.Error("labels spelling the values draw differently from the value labels")
	}
	if bytes.Equal(values, draw([][]string{{"25%\n3 unparsed", "50%"}, {"75%", "100%"}})) {
		t.Error("custom labels draw the same pixels as the value labels")
	}
}

// A reference line is drawn across the bars, named in the legend, and kept
// inside the y range even when every bar is below it.
func TestBarsRefLines(t *testing.T) {
	f, err := Bars([]string{"a", "b"}, []BarSeries{{Name: "ratio", Values: []float64{0.4, 0.6}}},
		&BarsOptions{RefLines: []RefLine{{Y: 1, Label: "calibrated (1)"}}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Plot.Y.Max < 1 {
		t.Errorf("y axis ends at %v, below the reference line at 1", f.Plot.Y.Max)
	}
	if f.nLegend != 2 {
		t.Errorf("%d legend entries, want the series and the line", f.nLegend)
	}
	if _, err := f.PNG(); err != nil {
		t.Fatal(err)
	}
	if _, err := Bars([]string{"a"}, []BarSeries{{Values: []float64{1}}}, &BarsOptions{RefLines: []RefLine{{Y: math.NaN(), Label: "x"}}}); err == nil {
		t.Error("a NaN reference line: want an error")
	}
}

// Asymmetric intervals are drawn as given; a value outside its interval, or
// Err together with bounds, is an error.
func TestBarsIntervals(t *testing.T) {
	f, err := Bars([]string{"a", "b"}, []BarSeries{{Name: "rate", Values: []float64{0.06, 0.03}, Low: []float64{0.04, 0.029}, High: []float64{0.09, 0.031}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.Plot.Y.Max < 0.09 {
		t.Errorf("y axis ends at %v, below the upper bound 0.09", f.Plot.Y.Max)
	}
	bad := []BarSeries{
		{Values: []float64{0.5}, Low: []float64{0.6}, High: []float64{0.7}},
		{Values: []float64{0.5}, Err: []float64{0.1}, Low: []float64{0.4}, High: []float64{0.6}},
		{Values: []float64{0.5}, Low: []float64{0.4}},
	}
	for i, s := range bad {
		if _, err := Bars([]string{"a"}, []BarSeries{s}, nil); err == nil {
			t.Errorf("bad series %d: want an error", i)
		}
	}
}

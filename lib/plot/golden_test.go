package plot

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var regen = flag.Bool("regen", false, "rewrite testdata/*_golden.png from the current output")

// Pixel tolerance of the golden comparison: a pixel differs when one of its
// channels differs by more than pixelTol (of 255), and a figure matches when
// at most maxDiffFrac of its pixels differ. This absorbs anti-aliasing
// noise between platforms but not a moved label or a changed colour.
const (
	pixelTol    = 8
	maxDiffFrac = 0.001
)

// fixture inputs: deterministic formulas, no random numbers.

func scatterFixture() (x, y []float64, groups []string) {
	origins := []string{"MATH", "Alpaca", "WildChat"}
	for i := 0; i < 30; i++ {
		u := -2 + 4*float64(i)/29
		x = append(x, u)
		y = append(y, 0.8*u+0.35*math.Sin(float64(7*i)))
		groups = append(groups, origins[i%3])
	}
	return
}

func goldenFigures(t *testing.T) map[string]*Figure {
	t.Helper()
	figs := map[string]*Figure{}
	must := func(name string, f *Figure, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		figs[name] = f
	}

	x, y, g := scatterFixture()
	f, err := Scatter(x, y, &ScatterOptions{
		Options: Options{
			Title:  "Utilities agree across two template runs",
			XLabel: "utility μ, run A (n = 30 tasks)",
			YLabel: "utility μ, run B",
		},
		Groups:   g,
		Identity: true,
	})
	must("scatter", f, err)

	f, err = Bars(
		[]string{"task order", "instruction position", "response format", "phrasing", "situating context"},
		[]BarSeries{
			{Name: "planted", Values: []float64{0.30, 0.12, 0.08, 0.20, 0.05}},
			{Name: "estimated", Values: []float64{0.27, 0.15, 0.06, 0.22, 0.07}, Err: []float64{0.03, 0.02, 0.02, 0.04, 0.02}},
		},
		&BarsOptions{Options: Options{
			Title:  "Sensitivity by template field",
			YLabel: "drop in utility correlation (mean ± 1 s.e., 5 runs)",
		}})
	must("bars", f, err)

	f, err = Bars(
		[]string{"instruction_position", "response_format", "situating_context", "instruction_xml", "punctuation", "task_labels", "task_order", "language"},
		[]BarSeries{{Values: []float64{0.1, 0.05, 0.07, 0.02, 0.03, 0.04, 0.3, 0.12}, Err: []float64{0.01, 0.01, 0.02, 0.01, 0.01, 0.01, 0.03, 0.02}}},
		&BarsOptions{Options: Options{
			Title:  "Long single-word labels are rotated",
			YLabel: "sensitivity (± 1 s.e.)",
		}})
	must("bars_rotated", f, err)

	names := []string{"canonical", "reversed", "xml", "tool_call", "fr"}
	corr := [][]float64{
		{1, 0.62, 0.91, 0.88, 0.79},
		{0.62, 1, 0.60, 0.58, 0.51},
		{0.91, 0.60, 1, 0.93, 0.80},
		{0.88, 0.58, 0.93, 1, 0.77},
		{0.79, 0.51, 0.80, 0.77, 1},
	}
	f, err = Heatmap(corr, names, names, &HeatmapOptions{
		Options:       Options{Title: "Pearson r of utilities between runs (n = 120 tasks)"},
		Diverging:     true,
		Min:           -1,
		Max:           1,
		ColorBarLabel: "Pearson r",
	})
	must("heatmap_diverging", f, err)

	f, err = Heatmap(
		[][]float64{{0.1, 0.4, 0.35, 0.8, math.NaN(), 0.2}, {0.5, 0.55, 0.6, 0.1, 0.0, 0.9}, {0.05, 0.3, 0.7, 0.95, 0.4, 0.45}},
		[]string{"neutral", "you will enjoy this", "this may be tedious"},
		[]string{"good/neutral/bad", "yes/somewhat/no", "1-5", "1-10", "like/dislike", "A/B"},
		&HeatmapOptions{Options: Options{Title: "Positive share by option set", XLabel: "option set", YLabel: "framing"}, ColorBarLabel: "share rated positive"})
	must("heatmap_sequential", f, err)

	dense := make([][]float64, 30)
	denseLabels := make([]string, 30)
	for i := range dense {
		dense[i] = make([]float64, 30)
		for j := range dense[i] {
			dense[i][j] = math.Cos(float64(i-j) / 6)
		}
		denseLabels[i] = "task_" + strconv.Itoa(i)
	}
	f, err = Heatmap(dense, denseLabels, denseLabels, &HeatmapOptions{
		Options:       Options{Title: "30 × 30: labels shrink, turn and thin out; cell values hidden"},
		Diverging:     true,
		ColorBarLabel: "cos((i − j)/6)",
	})
	must("heatmap_dense", f, err)

	alphas := []float64{0.01, 0.1, 1, 10, 100, 1000, 10000}
	var r2a, r2b, lo, hi, ea []float64
	for i, a := range alphas {
		l := math.Log10(a)
		r2a = append(r2a, 0.78-0.02*(l-1.5)*(l-1.5))
		r2b = append(r2b, 0.55-0.03*(l-2)*(l-2)+0.01*float64(i%2))
		lo = append(lo, r2a[i]-0.05)
		hi = append(hi, r2a[i]+0.04)
		ea = append(ea, 0.02+0.005*float64(i))
	}
	f, err = Curves([]Curve{
		{Name: "layer 16 (5-fold CV, min–max band)", X: alphas, Y: r2a, Low: lo, High: hi},
		{Name: "layer 8 (mean ± 1 s.e.)", X: alphas, Y: r2b, Err: ea},
		{Name: "noise baseline", X: alphas, Y: []float64{0, 0, 0, 0, 0, 0, 0}, Dashed: true, NoPoint: true},
	}, &CurvesOptions{
		Options: Options{Title: "Ridge probe: held-out R² against α", XLabel: "ridge penalty α (log scale)", YLabel: "held-out R²", LogX: true, Legend: LegendBottomRight},
		Points:  true,
	})
	must("curves", f, err)

	var ga, gb []float64
	for i := 0; i < 200; i++ {
		ga = append(ga, math.Sin(float64(i)*1.3)+0.4*math.Cos(float64(i)*0.7))
		gb = append(gb, 0.8+0.7*math.Sin(float64(i)*2.1))
	}
	f, err = Histogram([]Group{{Name: "MATH", Values: ga}, {Name: "WildChat", Values: gb}},
		&HistogramOptions{Options: Options{Title: "Utility by origin", XLabel: "utility μ"}, Bins: 16, Density: true})
	must("histogram_grouped", f, err)

	f, err = Histogram([]Group{{Values: ga}},
		&HistogramOptions{Options: Options{Title: "Utility, all tasks", XLabel: "utility μ (n = 200 tasks)", Width: 5 * 72, Height: 3.5 * 72}})
	must("histogram_single", f, err)
	return figs
}

func TestGolden(t *testing.T) {
	for name, f := range goldenFigures(t) {
		t.Run(name, func(t *testing.T) {
			got, err := f.PNG()
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+"_golden.png")
			if *regen {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./lib/plot -regen to create it)", err)
			}
			frac, err := pixelDiff(got, want)
			if err != nil || frac > maxDiffFrac {
				out := filepath.Join(t.TempDir(), name+".png")
				_ = os.WriteFile(out, got, 0o644)
				t.Fatalf("%s differs from %s: %.4f of pixels (max %.4f), err %v; output kept in %s", name, golden, frac, maxDiffFrac, err, out)
			}
		})
	}
}

// pixelDiff returns the fraction of pixels of two PNGs that differ by more
// than pixelTol in some channel; images of different sizes are an error.
func pixelDiff(a, b []byte) (float64, error) {
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		return 1, err
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return 1, err
	}
	if ia.Bounds() != ib.Bounds() {
		return 1, errSize{ia.Bounds(), ib.Bounds()}
	}
	r := ia.Bounds()
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := ia.At(x, y).RGBA()
			r2, g2, b2, a2 := ib.At(x, y).RGBA()
			for _, d := range [][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}, {a1, a2}} {
				if absDiff(d[0]>>8, d[1]>>8) > pixelTol {
					n++
					break
				}
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy()), nil
}

type errSize struct{ a, b image.Rectangle }

func (e errSize) Error() string { return "sizes differ: " + e.a.String() + " vs " + e.b.String() }

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

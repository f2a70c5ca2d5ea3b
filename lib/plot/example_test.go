package plot_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/prefscope/prefscope/lib/plot"
	"github.com/prefscope/prefscope/lib/repo"
)

func ExampleFileName() {
	name, err := plot.FileName("2026-03-09", "alpha_sweep")
	fmt.Println(name, err)
	_, err = plot.FileName("2026-03-09", "Alpha Sweep")
	fmt.Println(err)
	// Output:
	// plot_030926_alpha_sweep.png <nil>
	// plot: slug: name "Alpha Sweep" is not snake_case ([a-z][a-z0-9]* words joined by _)
}

func ExampleScatter() {
	mu := []float64{-1.2, -0.4, 0.1, 0.9, 1.6}  // run A
	muB := []float64{-1.0, -0.5, 0.3, 0.7, 1.8} // run B
	origin := []string{"MATH", "MATH", "Alpaca", "Alpaca", "MATH"}
	f, err := plot.Scatter(mu, muB, &plot.ScatterOptions{
		Options:  plot.Options{Title: "Run A against run B", XLabel: "μ, run A (n = 5)", YLabel: "μ, run B"},
		Groups:   origin,
		Identity: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	img, _ := f.Image()
	fmt.Println(img.Bounds().Dx(), "x", img.Bounds().Dy(), "px")
	// Output: 1050 x 675 px
}

func ExampleSave() {
	root, _ := os.MkdirTemp("", "prefscope")
	defer os.RemoveAll(root)
	os.Setenv(repo.EnvRoot, root)
	os.Setenv(repo.EnvDate, "2026-03-09")
	defer os.Unsetenv(repo.EnvRoot)
	defer os.Unsetenv(repo.EnvDate)

	f, _ := plot.Bars([]string{"task_order", "phrasing"},
		[]plot.BarSeries{{Name: "sensitivity", Values: []float64{0.3, 0.2}, Err: []float64{0.03, 0.02}}},
		&plot.BarsOptions{Options: plot.Options{YLabel: "drop in Pearson r (± 1 s.e.)"}})
	path, err := plot.Save(f, "robustness", "field_sensitivity")
	rel, _ := filepath.Rel(root, path)
	fmt.Println(filepath.ToSlash(rel), err)
	// Output: assets/robustness/plot_030926_field_sensitivity.png <nil>
}

// size prints a figure's pixel size, or the error.
func size(f *plot.Figure, err error) {
	if err != nil {
		fmt.Println(err)
		return
	}
	img, err := f.Image()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(img.Bounds().Dx(), "x", img.Bounds().Dy(), "px")
}

func ExampleBars() {
	size(plot.Bars(
		[]string{"task order", "instruction position", "phrasing"},
		[]plot.BarSeries{
			{Name: "planted", Values: []float64{0.30, 0.12, 0.20}},
			{Name: "estimated", Values: []float64{0.27, 0.15, 0.22}, Err: []float64{0.03, 0.02, 0.04}},
		},
		&plot.BarsOptions{Options: plot.Options{
			Title:  "Sensitivity by template field",
			YLabel: "drop in Pearson r (mean ± 1 s.e., 5 runs)",
		}}))
	// Output: 1050 x 675 px
}

func ExampleHeatmap() {
	names := []string{"canonical", "reversed", "xml"}
	size(plot.Heatmap(
		[][]float64{{1, 0.62, 0.91}, {0.62, 1, 0.60}, {0.91, 0.60, 1}},
		names, names,
		&plot.HeatmapOptions{
			Options:       plot.Options{Title: "Pearson r between runs (n = 120 tasks)"},
			Diverging:     true,
			Min:           -1,
			Max:           1,
			ColorBarLabel: "Pearson r",
		}))
	// A ragged matrix is an error, not a panic.
	size(plot.Heatmap([][]float64{{1, 2}, {3}}, []string{"a", "b"}, []string{"x", "y"}, nil))
	// Output:
	// 1050 x 675 px
	// plot: heatmap: row 1 has 1 columns, row 0 has 2
}

func ExampleCurves() {
	alpha := []float64{0.1, 1, 10, 100}
	size(plot.Curves([]plot.Curve{
		{Name: "layer 16 (mean ± 1 s.e., 5 folds)", X: alpha, Y: []float64{0.61, 0.74, 0.78, 0.70}, Err: []float64{0.03, 0.02, 0.02, 0.03}},
		{Name: "noise baseline", X: alpha, Y: []float64{0, 0, 0, 0}, Dashed: true},
	}, &plot.CurvesOptions{
		Options: plot.Options{XLabel: "ridge penalty α", YLabel: "held-out R²", LogX: true},
		Points:  true,
	}))
	// Output: 1050 x 675 px
}

func ExampleHistogram() {
	size(plot.Histogram([]plot.Group{
		{Name: "MATH", Values: []float64{-1.2, -0.8, -0.5, -0.1, 0.2}},
		{Name: "WildChat", Values: []float64{0.1, 0.4, 0.5, 0.9, 1.3}},
	}, &plot.HistogramOptions{
		Options: plot.Options{XLabel: "utility μ", Width: 5 * 72, Height: 3 * 72},
		Bins:    8,
		Density: true,
	}))
	// Output: 750 x 450 px
}

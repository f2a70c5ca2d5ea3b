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

package robustness_test

import (
	"fmt"

	"github.com/prefscope/prefscope/lib/robustness"
	"gonum.org/v1/gonum/mat"
)

// Two identical indicator columns: the minimum-norm solution splits the
// effect equally between them.
func ExampleMinNormLeastSquares() {
	x := mat.NewDense(4, 3, []float64{
		1, 0, 0,
		1, 1, 1,
		1, 0, 0,
		1, 1, 1,
	})
	r, _ := robustness.MinNormLeastSquares(x, []float64{0.5, 0.9, 0.5, 0.9})
	fmt.Printf("rank %d beta %.2f R2 %.2f\n", r.Rank, r.Beta, r.R2)
	// Output: rank 2 beta [0.50 0.20 0.20] R2 1.00
}

// Three runs over twelve tasks: the run that differs in task_order
// correlates less with the others, so runs sharing task_order correlate
// more on average.
func ExampleCorrelate() {
	base := map[string]float64{}
	reordered := map[string]float64{}
	rephrased := map[string]float64{}
	for i := 0; i < 12; i++ {
		id := fmt.Sprintf("task_%02d", i)
		u := float64(i)
		base[id] = u
		rephrased[id] = u + 0.5*float64(i%2) // small perturbation
		reordered[id] = u + 4*float64(i%3)   // large perturbation
	}
	runs := []robustness.RunUtilities{
		{ID: "r1", Fields: map[string]string{"task_order": "canonical", "phrasing": "p1"}, Utilities: base},
		{ID: "r2", Fields: map[string]string{"task_order": "canonical", "phrasing": "p2"}, Utilities: rephrased},
		{ID: "r3", Fields: map[string]string{"task_order": "reversed", "phrasing": "p1"}, Utilities: reordered},
	}
	c, _ := robustness.Correlate(runs, 0)
	for _, p := range c.Pairs {
		fmt.Printf("%s-%s r=%.3f\n", p.A, p.B, p.Pearson)
	}
	for _, a := range c.Averaging() {
		fmt.Printf("%s: same %.3f different %.3f\n", a.Field, a.MeanSame, a.MeanDiff)
	}
	// Output:
	// r1-r2 r=0.997
	// r1-r3 r=0.800
	// r2-r3 r=0.796
	// phrasing: same 0.800 different 0.897
	// task_order: same 0.997 different 0.798
}

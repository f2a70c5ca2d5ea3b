package probe_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/prefscope/prefscope/lib/probe"
)

// A probe on 200 tasks with 5 features, of which the target reads two:
// y = 2·x₀ - x₁ + noise (SD 1), so the population R² is 5/6.
func ExampleCrossValidate() {
	r := rand.New(rand.NewPCG(1, 2))
	const n, d = 200, 5
	x := make([]float64, n*d)
	y := make([]float64, n)
	for i := range n {
		for j := range d {
			x[i*d+j] = r.NormFloat64()
		}
		y[i] = 2*x[i*d] - x[i*d+1] + r.NormFloat64()
	}
	ds, _ := probe.NewDataset(x, d, y, nil)
	sw, _ := probe.CrossValidate(ds, nil) // logspace(-4, 4, 17), 5 unshuffled folds
	r2, se := sw.Metric(sw.Best, func(s probe.Scores) float64 { return s.R2 })
	fmt.Printf("best alpha %.3g: CV R² %.2f ± %.2f (%s form)\n", sw.BestAlpha(), r2, se, sw.Form)
	p, _ := probe.Fit(ds, sw.BestAlpha(), nil)
	for j := range p.W {
		p.W[j] = math.Round(10*p.W[j])/10 + 0 // + 0 turns -0 into 0
	}
	fmt.Printf("w = %v, b = %.1f\n", p.W, math.Round(10*p.Intercept)/10+0)
	// Output:
	// best alpha 0.316: CV R² 0.86 ± 0.01 (primal form)
	// w = [2 -1 0 0 -0.1], b = 0.0
}

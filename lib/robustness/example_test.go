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

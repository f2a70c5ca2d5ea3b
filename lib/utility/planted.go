package utility

import (
	"gonum.org/v1/gonum/stat"
)

// Standardize returns the standard scores (x_i - mean) / sd of x, with the
// sample standard deviation (n-1 in the denominator), as gonum's
// stat.MeanStdDev and stat.StdScore compute them. Fits fix μ only up to
// location and scale, so scores are what two fits can be plotted against.
func Standardize(x []float64) []float64 {
	mean, sd := stat.MeanStdDev(x, nil)
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = stat.StdScore(v, mean, sd)
	}
	return out
}

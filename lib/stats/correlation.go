package stats

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// Pearson returns the Pearson correlation of x and y. It returns an error
// for slices of unequal length or shorter than 2; NaN when one is constant.
func Pearson(x, y []float64) (float64, error) {
	if len(x) != len(y) {
		return math.NaN(), fmt.Errorf("stats: pearson: lengths %d and %d differ", len(x), len(y))
	}
	if len(x) < 2 {
		return math.NaN(), fmt.Errorf("stats: pearson: need at least 2 values, have %d", len(x))
	}
	return stat.Correlation(x, y, nil), nil
}

// Spearman returns the Spearman rank correlation of x and y: the Pearson
// correlation of their ranks, ties given their average rank.
func Spearman(x, y []float64) (float64, error) {
	if len(x) != len(y) {
		return math.NaN(), fmt.Errorf("stats: spearman: lengths %d and %d differ", len(x), len(y))
	}
	return Pearson(Ranks(x), Ranks(y))
}

// Ranks returns the 1-based ranks of x, ties sharing their average rank. A
// NaN has no rank: its entry is NaN and the other values are ranked among
// themselves (so a Spearman correlation over it is NaN, not a number made
// up from an arbitrary order).
func Ranks(x []float64) []float64 {
	r := make([]float64, len(x))
	idx := make([]int, 0, len(x))
	for i, v := range x {
		if math.IsNaN(v) {
			r[i] = math.NaN()
			continue
		}
		idx = append(idx, i)
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	for a := 0; a < len(idx); {
		b := a
		for b+1 < len(idx) && x[idx[b+1]] == x[idx[a]] {
			b++
		}
		avg := float64(a+b)/2 + 1
		for k := a; k <= b; k++ {
			r[idx[k]] = avg
		}
		a = b + 1
	}
	return r
}

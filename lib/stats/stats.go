// Package stats owns the statistics every analysis shares: one Interval
// type, the mean and its standard error (plain and clustered), percentile
// and Wilson intervals, the percentile bootstrap with one options type, and
// Pearson and Spearman correlations. gonum's stat does the arithmetic where
// it has the function; this package fixes the conventions (n−1 standard
// deviations, empirical quantiles, NaN for too little data) once.
package stats

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// Z95 is the standard-normal quantile of a two-sided 95% interval.
const Z95 = 1.959963984540054

// Interval is a confidence interval [Low, High].
type Interval struct{ Low, High float64 }

// NaNInterval is the interval of too little data.
func NaNInterval() Interval { return Interval{math.NaN(), math.NaN()} }

// Contains reports whether x lies in [Low, High].
func (iv Interval) Contains(x float64) bool { return x >= iv.Low && x <= iv.High }

// Width is High − Low.
func (iv Interval) Width() float64 { return iv.High - iv.Low }

// Normal is the interval est ± z·se for coverage level (0.95 when level is
// outside (0, 1)).
func Normal(est, se, level float64) Interval {
	z := ZFor(level)
	return Interval{est - z*se, est + z*se}
}

// ZFor is the standard-normal quantile of a two-sided interval of coverage
// level; 1.96 for 0.95 (and for a level outside (0, 1)).
func ZFor(level float64) float64 {
	if level <= 0 || level >= 1 || level == 0.95 {
		return Z95
	}
	// Inverse of Φ via erfinv: z = √2 · erfinv(level).
	return math.Sqrt2 * math.Erfinv(level)
}

// MeanSE returns the mean of xs and the standard error of the mean, s/√n
// with s the sample standard deviation (n−1 in the denominator). With fewer
// than two values the standard error is NaN; with none, both are NaN.
func MeanSE(xs []float64) (mean, se float64) {
	switch len(xs) {
	case 0:
		return math.NaN(), math.NaN()
	case 1:
		return xs[0], math.NaN()
	}
	mean, sd := stat.MeanStdDev(xs, nil)
	return mean, sd / math.Sqrt(float64(len(xs)))
}

// ClusteredSE is the standard error of the mean of xs when the values fall
// into clusters (tasks, pairs): the cluster-robust (sandwich) form with the
// G/(G−1) small-sample factor, SE² = G/(G−1) · Σ_g (Σ_{i∈g} (x_i − mean))² / n².
// cluster[i] names x[i]'s cluster. It returns the mean and NaN for the SE
// below two clusters; an error when the lengths differ. Clusters are summed
// in the order they first appear, so the result is the same on every call
// (not subject to map order in the last bits).
func ClusteredSE(xs []float64, cluster []string) (mean, se float64, err error) {
	if len(xs) != len(cluster) {
		return math.NaN(), math.NaN(), fmt.Errorf("stats: clustered SE: %d values and %d cluster labels", len(xs), len(cluster))
	}
	if len(xs) == 0 {
		return math.NaN(), math.NaN(), nil
	}
	mean = stat.Mean(xs, nil)
	index := map[string]int{}
	var sums []float64
	for i, x := range xs {
		k, ok := index[cluster[i]]
		if !ok {
			k = len(sums)
			index[cluster[i]] = k
			sums = append(sums, 0)
		}
		sums[k] += x - mean
	}
	g := float64(len(sums))
	if g < 2 {
		return mean, math.NaN(), nil
	}
	var ss float64
	for _, s := range sums {
		ss += s * s
	}
	n := float64(len(xs))
	return mean, math.Sqrt(g / (g - 1) * ss / (n * n)), nil
}

// Percentile returns the (1−level)/2 and (1+level)/2 empirical quantiles of
// x (x is not modified): the empirical (inverted-CDF) quantile, the
// smallest value whose share of values at or below it reaches the
// probability (numpy's method="inverted_cdf"). A level outside (0, 1) means
// 0.95. It is NaN for no values and for values holding a NaN.
func Percentile(x []float64, level float64) Interval {
	if len(x) == 0 || slices.ContainsFunc(x, math.IsNaN) {
		return NaNInterval()
	}
	if !(level > 0 && level < 1) { // NaN too
		level = 0.95
	}
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	q := (1 - level) / 2
	return Interval{stat.Quantile(q, stat.Empirical, s, nil), stat.Quantile(1-q, stat.Empirical, s, nil)}
}

// Wilson returns the share x/n and its Wilson score 95% interval (Wilson,
// 1927), clipped to [0, 1]; all are NaN when n is 0 or x is outside 0..n.
func Wilson(x, n int) (p float64, iv Interval) {
	if n <= 0 || x < 0 || x > n {
		return math.NaN(), NaNInterval()
	}
	nf := float64(n)
	p = float64(x) / nf
	z2 := Z95 * Z95
	den := 1 + z2/nf
	center := (p + z2/(2*nf)) / den
	half := Z95 / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return p, Interval{math.Max(0, center-half), math.Min(1, center+half)}
}

package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// BootstrapOptions are the settings of every percentile bootstrap in
// prefscope. The zero value uses 2,000 replicates, a 95% interval and seed 0.
type BootstrapOptions struct {
	Replicates int
	// Level is the coverage of the intervals, in (0, 1).
	Level float64
	Seed  uint64
}

// WithDefaults returns o (nil is the zero value) with zero fields filled:
// 2,000 replicates, 95% intervals.
func (o *BootstrapOptions) WithDefaults() BootstrapOptions {
	out := BootstrapOptions{}
	if o != nil {
		out = *o
	}
	if out.Replicates <= 0 {
		out.Replicates = 2000
	}
	if !(out.Level > 0 && out.Level < 1) { // NaN too
		out.Level = 0.95
	}
	return out
}

// Rand is the random source of the bootstrap with this seed (PCG, the same
// stream on every platform).
func (o BootstrapOptions) Rand() *rand.Rand { return rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15)) }

// Bootstrap resamples n units (tasks, pairs, runs) with replacement
// Replicates times; for each replicate it calls statistic with the drawn
// unit indices (repeats allowed) and collects the value. Replicates whose
// statistic is NaN are skipped (and counted in Skipped): a resample can lose
// all variation. The interval is the percentile interval of the rest.
func Bootstrap(n int, o *BootstrapOptions, statistic func(draw []int) float64) (BootstrapResult, error) {
	opt := o.WithDefaults()
	if n < 2 {
		return BootstrapResult{Interval: NaNInterval(), SE: math.NaN()}, fmt.Errorf("stats: bootstrap needs at least 2 units, have %d", n)
	}
	rng := opt.Rand()
	draw := make([]int, n)
	vals := make([]float64, 0, opt.Replicates)
	res := BootstrapResult{}
	for r := 0; r < opt.Replicates; r++ {
		for i := range draw {
			draw[i] = rng.IntN(n)
		}
		v := statistic(draw)
		if math.IsNaN(v) {
			res.Skipped++
			continue
		}
		vals = append(vals, v)
	}
	res.Replicates = vals
	res.Interval = Percentile(vals, opt.Level)
	if len(vals) > 1 {
		res.SE = stat.StdDev(vals, nil)
	} else {
		res.SE = math.NaN()
	}
	return res, nil
}

// BootstrapResult is a bootstrap's percentile interval, the standard
// deviation of its replicates (SE), the replicate values and the number of
// replicates skipped as NaN.
type BootstrapResult struct {
	Interval   Interval
	SE         float64
	Replicates []float64
	Skipped    int
}

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

// Ranks returns the 1-based ranks of x, ties sharing their average rank.
func Ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	r := make([]float64, len(x))
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

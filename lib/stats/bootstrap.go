package stats

import (
	"fmt"
	"math"
	"math/rand/v2"

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
// all variation. The interval is the percentile interval of the rest (NaN
// when every replicate was skipped). draw is one slice reused between
// calls: a statistic that keeps it must copy it.
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

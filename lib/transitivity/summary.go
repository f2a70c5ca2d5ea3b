package transitivity

import (
	"errors"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// Summary is the transitivity of a set of triads.
type Summary struct {
	Triads, HardCycles int
	// HardCycleRate is HardCycles / Triads, with a percentile bootstrap
	// interval over triads [RateLow, RateHigh].
	HardCycleRate, RateLow, RateHigh float64
	// MeanCycleProbability and SDCycleProbability describe the triads'
	// cycle probabilities (sample standard deviation).
	MeanCycleProbability, SDCycleProbability float64
}

// BootstrapOptions are the settings of a percentile bootstrap. The zero
// value uses 2000 replicates, a 95% interval and seed 0.
type BootstrapOptions struct {
	Replicates int
	// Level is the coverage of the interval, in (0, 1).
	Level float64
	Seed  uint64
}

func (o *BootstrapOptions) withDefaults() BootstrapOptions {
	out := BootstrapOptions{}
	if o != nil {
		out = *o
	}
	if out.Replicates <= 0 {
		out.Replicates = 2000
	}
	if out.Level <= 0 || out.Level >= 1 {
		out.Level = 0.95
	}
	return out
}

// Summarize counts hard cycles and averages cycle probabilities. The
// interval resamples triads with replacement; triads sharing a pair are not
// independent, so it is a lower bound on the uncertainty when many triads
// share pairs (Predict's replicates redraw whole pairs instead). It returns
// an error for no triads.
func Summarize(triads []Triad, o *BootstrapOptions) (Summary, error) {
	if len(triads) == 0 {
		return Summary{}, errors.New("transitivity: summarize: no triads")
	}
	b := o.withDefaults()
	hard := make([]bool, len(triads))
	s := Summary{Triads: len(triads)}
	cp := CycleProbabilities(triads)
	for k, t := range triads {
		hard[k] = t.Hard()
		if hard[k] {
			s.HardCycles++
		}
	}
	s.HardCycleRate = float64(s.HardCycles) / float64(len(triads))
	s.MeanCycleProbability, s.SDCycleProbability = stat.MeanStdDev(cp, nil)
	if len(triads) == 1 {
		s.SDCycleProbability = 0
	}
	rng := rand.New(rand.NewPCG(b.Seed, 0xb007))
	rates := make([]float64, b.Replicates)
	n := len(triads)
	for r := range rates {
		c := 0
		for range n {
			if hard[rng.IntN(n)] {
				c++
			}
		}
		rates[r] = float64(c) / float64(n)
	}
	s.RateLow, s.RateHigh = percentileInterval(rates, b.Level)
	return s, nil
}

// CycleProbabilities returns each triad's cycle probability.
func CycleProbabilities(triads []Triad) []float64 {
	out := make([]float64, len(triads))
	for k, t := range triads {
		out[k] = t.CycleProbability()
	}
	return out
}

// ByRun splits triads by their Run index (0 .. runs-1).
func ByRun(triads []Triad, runs int) [][]Triad {
	out := make([][]Triad, runs)
	for _, t := range triads {
		if t.Run >= 0 && t.Run < runs {
			out[t.Run] = append(out[t.Run], t)
		}
	}
	return out
}

// percentileInterval returns the (1-level)/2 and (1+level)/2 empirical
// quantiles of x (x is sorted in place).
func percentileInterval(x []float64, level float64) (lo, hi float64) {
	sort.Float64s(x)
	a := (1 - level) / 2
	return stat.Quantile(a, stat.Empirical, x, nil), stat.Quantile(1-a, stat.Empirical, x, nil)
}

package transitivity

import (
	"errors"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat"

	"github.com/prefscope/prefscope/lib/stats"
)

// Summary is the transitivity of a set of triads.
type Summary struct {
	Triads, HardCycles int
	// HardCycleRate is HardCycles / Triads, RateCI its percentile bootstrap
	// interval over triads.
	HardCycleRate float64
	RateCI        stats.Interval
	// MeanCycleProbability and SDCycleProbability describe the triads'
	// cycle probabilities (sample standard deviation).
	MeanCycleProbability, SDCycleProbability float64
}

// Summarize counts hard cycles and averages cycle probabilities. The
// interval resamples triads with replacement; triads sharing a pair are not
// independent, so it is a lower bound on the uncertainty when many triads
// share pairs (Predict's replicates redraw whole pairs instead). It returns
// an error for no triads.
func Summarize(triads []Triad, o *stats.BootstrapOptions) (Summary, error) {
	if len(triads) == 0 {
		return Summary{}, errors.New("transitivity: summarize: no triads")
	}
	b := o.WithDefaults()
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
	s.RateCI = stats.Percentile(rates, b.Level)
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

package utility

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/prefscope/prefscope/lib/stats"
)

// SimOptions describes a simulated study with planted Thurstonian utilities.
type SimOptions struct {
	// N is the number of tasks (at least 2).
	N int
	// PairsPerTask is the average number of distinct pairs each task is in:
	// round(N·PairsPerTask/2) distinct pairs drawn uniformly. Zero, or a
	// value reaching N-1, means every pair (a dense study).
	PairsPerTask float64
	// SamplesPerPair is the number of comparisons of each pair. Zero means 1.
	SamplesPerPair int
	// HeteroSigma draws each σᵢ log-uniformly in [1/2, 2]; otherwise σᵢ = 1.
	HeteroSigma bool
	// HoldOut is the share of distinct pairs (with all their samples) held
	// out for testing. Zero means 0.1; negative means none.
	HoldOut float64
	// Seed seeds the generator (PCG); equal options give equal studies.
	Seed uint64
}

// Comparison is one comparison: A was shown first, B second, and WinsA is 1 when
// A was preferred, 0 when B was (1/2 for a tie).
type Comparison struct {
	A, B  int
	WinsA float64
}

// Simulation is a simulated study: the planted truth, every comparison, and its
// train/test split.
type Simulation struct {
	Truth PlantedModel
	// Train and Test pool the training and held-out comparisons.
	Train, Test *Data
	// TrainSamples lists the training comparisons one by one, in the order
	// drawn; Replay answers queries from them.
	TrainSamples []Comparison
}

// Simulate draws a study: μᵢ ~ N(0, 1), σᵢ per SimOptions, distinct pairs
// uniformly, each sample shown in a random order and won by A with
// probability Φ((μ_A-μ_B)/√(σ_A²+σ_B²)).
func Simulate(o SimOptions) (*Simulation, error) {
	if o.N < 2 {
		return nil, fmt.Errorf("utility: simulate: N %d < 2", o.N)
	}
	if o.SamplesPerPair == 0 {
		o.SamplesPerPair = 1
	}
	if o.SamplesPerPair < 0 || o.PairsPerTask < 0 {
		return nil, fmt.Errorf("utility: simulate: negative SamplesPerPair %d or PairsPerTask %v", o.SamplesPerPair, o.PairsPerTask)
	}
	if o.HoldOut == 0 {
		o.HoldOut = 0.1
	}
	if o.HoldOut >= 1 {
		return nil, fmt.Errorf("utility: simulate: HoldOut %v must be below 1", o.HoldOut)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	n := o.N
	t := PlantedModel{Mu: make([]float64, n), Sigma: make([]float64, n)}
	for i := range t.Mu {
		t.Mu[i] = rng.NormFloat64()
		t.Sigma[i] = 1
		if o.HeteroSigma {
			t.Sigma[i] = math.Exp(math.Log(0.5) + rng.Float64()*math.Log(4))
		}
	}
	total := n * (n - 1) / 2
	var pairs [][2]int
	if o.PairsPerTask == 0 || o.PairsPerTask >= float64(n-1) {
		pairs = make([][2]int, 0, total)
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				pairs = append(pairs, [2]int{i, j})
			}
		}
		rng.Shuffle(len(pairs), func(a, b int) { pairs[a], pairs[b] = pairs[b], pairs[a] })
	} else {
		m := int(math.Round(float64(n) * o.PairsPerTask / 2))
		seen := make(map[int64]bool, m)
		for len(pairs) < m {
			i, j := rng.IntN(n), rng.IntN(n)
			if i == j || seen[pairKey(i, j)] {
				continue
			}
			seen[pairKey(i, j)] = true
			if i > j {
				i, j = j, i
			}
			pairs = append(pairs, [2]int{i, j})
		}
	}
	nTest := 0
	if o.HoldOut > 0 {
		nTest = int(float64(len(pairs)) * o.HoldOut)
	}
	s := &Simulation{Truth: t, Train: NewData(n), Test: NewData(n)}
	for k, pr := range pairs {
		dst := s.Train
		if k < nTest {
			dst = s.Test
		}
		for r := 0; r < o.SamplesPerPair; r++ {
			a, b := pr[0], pr[1]
			if rng.IntN(2) == 1 {
				a, b = b, a
			}
			w := 0.0
			if rng.Float64() < t.Prob(a, b) {
				w = 1
			}
			if err := dst.Add(a, b, w, 1-w); err != nil {
				return nil, err
			}
			if dst == s.Train {
				s.TrainSamples = append(s.TrainSamples, Comparison{A: a, B: b, WinsA: w})
			}
		}
	}
	return s, nil
}

// Score is a fit's quality on a study: held-out metrics and agreement of μ
// with the planted utilities.
type Score struct {
	Metrics
	Spearman, Pearson float64
}

// ScoreFit evaluates u on s.Test and against s.Truth.
func ScoreFit(u *Utilities, s *Simulation) Score {
	sc := Score{Metrics: Evaluate(u, s.Test)}
	sc.Spearman, _ = stats.Spearman(u.Mu, s.Truth.Mu)
	sc.Pearson, _ = stats.Pearson(u.Mu, s.Truth.Mu)
	return sc
}

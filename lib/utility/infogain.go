package utility

import (
	"container/heap"
	"math"
)

// InfoGainStrategy is prefscope's own rule: measure the pairs that carry the
// most expected information about the utility differences that are still
// uncertain. Under the Laplace approximation of the current fit, μᵢ has
// posterior variance vᵢ (Utilities.MuVar), and one comparison of {i, j}
// carries Fisher information
//
//	Fᵢⱼ = φ(z)² / (Φ(z)Φ(-z)) / (σᵢ² + σⱼ²),  z = (μᵢ-μⱼ)/√(σᵢ²+σⱼ²),
//
// about μᵢ - μⱼ, whose posterior variance is about vᵢ + vⱼ. The expected
// entropy reduction of μᵢ - μⱼ is then ½ log(1 + Fᵢⱼ(vᵢ + vⱼ)): large for
// close pairs (the paper's |Δμ| rule) whose tasks are poorly measured (its
// degree rule), in one quantity and without percentiles to tune. Batches are
// chosen greedily: after each pick, vᵢ ← 1/(1/vᵢ + Fᵢⱼ) and likewise vⱼ, so
// a batch spreads over tasks. Pairs already measured may be chosen again
// when Requery is set, N ≤ 2000 and the source has samples left (for
// larger N the candidates are random unmeasured pairs).
//
// Zero fields take defaults: StartDegree 2, BatchSize max(10, N/2),
// MaxComparisons 2·N·log₂N, MaxPairs none, Candidates 50·BatchSize (used when N > 2000).
type InfoGainStrategy struct {
	StartDegree    int
	BatchSize      int
	MaxComparisons int
	// MaxPairs caps the distinct pairs measured (0: no cap); once reached,
	// only measured pairs are asked again (with Requery).
	MaxPairs   int
	Requery    bool
	Candidates int
}

// Name implements Strategy.
func (g *InfoGainStrategy) Name() string { return "info-gain" }

type gainItem struct {
	q    Query
	gain float64
}

type gainHeap []gainItem

func (h gainHeap) Len() int           { return len(h) }
func (h gainHeap) Less(a, b int) bool { return h[a].gain > h[b].gain }
func (h gainHeap) Swap(a, b int)      { h[a], h[b] = h[b], h[a] }
func (h *gainHeap) Push(x any)        { *h = append(*h, x.(gainItem)) }
func (h *gainHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

// fisher returns the Fisher information about μᵢ-μⱼ of one comparison.
func fisher(u *Utilities, i, j int) float64 {
	v := u.Sigma[i]*u.Sigma[i] + u.Sigma[j]*u.Sigma[j]
	z := math.Abs(u.Mu[i]-u.Mu[j]) / math.Sqrt(v)
	var t float64
	if z > tailSwitch {
		t = invSqrt2Pi * math.Exp(-0.5*z*z) * millsCF(z)
	} else {
		t = 0.5 * math.Erfc(z*invSqrt2)
	}
	if t == 0 {
		return 0
	}
	phi := invSqrt2Pi * math.Exp(-0.5*z*z)
	return phi * phi / (t * (1 - t)) / v
}

// Next implements Strategy.
func (g *InfoGainStrategy) Next(s *State) ([]Query, error) {
	deg := g.StartDegree
	if deg <= 0 {
		deg = 2
	}
	batch := g.BatchSize
	if batch <= 0 {
		batch = max(10, s.N/2)
	}
	budget := g.MaxComparisons
	if budget <= 0 {
		budget = int(2 * float64(s.N) * math.Log2(float64(s.N)))
	}
	if s.Round == 0 || s.Fit == nil {
		var out []Query
		for _, q := range startGraph(s.N, deg, s.Rand) {
			if s.available(q.I, q.J) {
				out = append(out, q)
			}
		}
		return out, nil
	}
	left := budget - int(math.Round(s.Data.Comparisons()))
	if left <= 0 {
		return nil, nil
	}
	batch = min(batch, left)
	var cand []Query
	if g.Requery && s.N <= 2000 {
		for i := 0; i < s.N; i++ {
			for j := i + 1; j < s.N; j++ {
				if s.available(i, j) {
					cand = append(cand, Query{i, j})
				}
			}
		}
	} else {
		limit := g.Candidates
		if limit <= 0 {
			limit = 50 * batch
		}
		cand = candidates(s, limit)
	}
	u := s.Fit
	v := append([]float64(nil), u.MuVar...)
	h := make(gainHeap, 0, len(cand))
	for _, q := range cand {
		h = append(h, gainItem{q, 0.5 * math.Log1p(fisher(u, q.I, q.J)*(v[q.I]+v[q.J]))})
	}
	heap.Init(&h)
	newPairs := len(s.Data.Pairs())
	var out []Query
	for len(out) < batch && h.Len() > 0 {
		// Lazy greedy: gains only fall as variances shrink, so the top item
		// is picked once its refreshed gain still beats the runner-up.
		top := h[0]
		if gain := 0.5 * math.Log1p(fisher(u, top.q.I, top.q.J)*(v[top.q.I]+v[top.q.J])); gain < top.gain {
			h[0].gain = gain
			heap.Fix(&h, 0)
			continue
		}
		it := heap.Pop(&h).(gainItem)
		q := it.q
		if _, seen := s.Data.Get(q.I, q.J); !seen {
			if g.MaxPairs > 0 && newPairs >= g.MaxPairs {
				continue
			}
			newPairs++
		}
		f := fisher(u, q.I, q.J)
		out = append(out, q)
		v[q.I] = 1 / (1/v[q.I] + f)
		v[q.J] = 1 / (1/v[q.J] + f)
	}
	return out, nil
}

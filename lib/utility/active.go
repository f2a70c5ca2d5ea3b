package utility

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/prefscope/prefscope/lib/stats"
)

// Query asks for one comparison of tasks I and J (I < J); the caller picks
// the presentation order.
type Query struct {
	I, J int
}

// State is what a Strategy sees when asked for the next batch.
type State struct {
	// N is the number of tasks.
	N int
	// Data pools every comparison so far.
	Data *Data
	// Fit is the fit to Data, nil before the first batch; PrevFit is the
	// fit before the last batch was added, nil until there are two.
	Fit, PrevFit *Utilities
	// Round counts the batches proposed so far.
	Round int
	// Remaining, when non-nil, returns how many more comparisons of {i, j}
	// can be answered (replay from stored samples); nil means any number
	// (live measurement).
	Remaining func(i, j int) int
	// Rand is the run's seeded generator; strategies draw from it only.
	Rand *rand.Rand
}

func (s *State) available(i, j int) bool {
	return s.Remaining == nil || s.Remaining(i, j) > 0
}

// Strategy chooses which pairs to measure. Next returns the next batch given
// the state, or an empty batch when the strategy is done. A strategy may
// keep no state between calls except its configuration: everything it needs
// is in State.
type Strategy interface {
	Name() string
	Next(s *State) ([]Query, error)
}

// PseudoLabeler is implemented by strategies that, once done, add
// pseudo-labels: for every unsampled pair whose fitted probability of one
// side is at least PseudoLabelThreshold, one comparison won by that side.
type PseudoLabeler interface {
	PseudoLabelThreshold() float64
}

// startGraph returns the edges of a random graph on n nodes in which every
// node has degree about d: the union of ⌊d/2⌋ random Hamiltonian cycles
// and, for odd d, a random matching; repeated edges are dropped, so a few
// nodes may fall short of d.
func startGraph(n, d int, rng *rand.Rand) []Query {
	seen := make(map[int64]bool)
	var out []Query
	add := func(i, j int) {
		if i == j || seen[pairKey(i, j)] {
			return
		}
		seen[pairKey(i, j)] = true
		if i > j {
			i, j = j, i
		}
		out = append(out, Query{i, j})
	}
	for c := 0; c < d/2; c++ {
		perm := rng.Perm(n)
		for k := range perm {
			add(perm[k], perm[(k+1)%n])
		}
	}
	if d%2 == 1 {
		perm := rng.Perm(n)
		for k := 0; k+1 < n; k += 2 {
			add(perm[k], perm[k+1])
		}
	}
	return out
}

// candidates returns pairs not yet in s.Data that can still be answered:
// every such pair when N ≤ 2000, otherwise up to limit distinct random ones.
func candidates(s *State, limit int) []Query {
	var out []Query
	if s.N <= 2000 {
		for i := 0; i < s.N; i++ {
			for j := i + 1; j < s.N; j++ {
				if _, ok := s.Data.Get(i, j); !ok && s.available(i, j) {
					out = append(out, Query{i, j})
				}
			}
		}
		return out
	}
	seen := make(map[int64]bool)
	for tries := 0; len(out) < limit && tries < 20*limit; tries++ {
		i, j := s.Rand.IntN(s.N), s.Rand.IntN(s.N)
		if i == j || seen[pairKey(i, j)] {
			continue
		}
		seen[pairKey(i, j)] = true
		if _, ok := s.Data.Get(i, j); ok || !s.available(i, j) {
			continue
		}
		if i > j {
			i, j = j, i
		}
		out = append(out, Query{i, j})
	}
	return out
}

// PercentileStrategy is the Utility Engineering paper's active-learning
// rule: start from a random StartDegree-regular graph; then, each batch,
// among unsampled pairs keep those in the bottom MuPercentile of |μ_a - μ_b|
// and the bottom DegreePercentile of degree(a) + degree(b) (degree: distinct
// pairs measured), relaxing both by the factor Relax while fewer than
// BatchSize remain, and measure BatchSize of them drawn at random. It stops
// when BudgetFactor·N·log₂N pairs are measured (if BudgetFactor > 0), when
// the Spearman correlation of successive fits reaches StopSpearman (if > 0),
// or after MaxBatches batches (if > 0). PaperStrategy and ReferenceStrategy
// return the two published configurations.
type PercentileStrategy struct {
	Label            string
	StartDegree      int
	BatchSize        int
	MuPercentile     float64 // in (0, 1]
	DegreePercentile float64 // in (0, 1]
	Relax            float64 // > 1
	BudgetFactor     float64
	StopSpearman     float64
	MaxBatches       int
	// PseudoLabel is the threshold for pseudo-labels at the end (0: none).
	PseudoLabel float64
	// Candidates caps the random candidate pairs scored per batch when
	// N > 2000 (0 means 50·BatchSize).
	Candidates int
}

// PaperStrategy returns the paper's configuration: 2-regular start, batches
// of 500, bottom 10% of |Δμ| and 20% of degree sum (relaxed ×1.5), budget
// 2·N·log₂N pairs, pseudo-labels at P ≥ 0.95.
func PaperStrategy() *PercentileStrategy {
	return &PercentileStrategy{Label: "paper", StartDegree: 2, BatchSize: 500,
		MuPercentile: 0.10, DegreePercentile: 0.20, Relax: 1.5, BudgetFactor: 2, PseudoLabel: 0.95}
}

// ReferenceStrategy returns the reference study's variant: 5-regular start,
// batches of 1000, both thresholds at the 30th percentile (relaxed ×1.5),
// refit each batch, stop when successive fits reach Spearman 0.995 or after
// 50 batches.
func ReferenceStrategy() *PercentileStrategy {
	return &PercentileStrategy{Label: "reference-study", StartDegree: 5, BatchSize: 1000,
		MuPercentile: 0.30, DegreePercentile: 0.30, Relax: 1.5, StopSpearman: 0.995, MaxBatches: 50}
}

// Name returns the strategy's label.
func (p *PercentileStrategy) Name() string {
	if p.Label != "" {
		return p.Label
	}
	return "percentile"
}

// PseudoLabelThreshold implements PseudoLabeler.
func (p *PercentileStrategy) PseudoLabelThreshold() float64 { return p.PseudoLabel }

func (p *PercentileStrategy) validate() error {
	if p.StartDegree < 1 || p.BatchSize < 1 || !(p.MuPercentile > 0 && p.MuPercentile <= 1) ||
		!(p.DegreePercentile > 0 && p.DegreePercentile <= 1) || !(p.Relax > 1) {
		return fmt.Errorf("utility: strategy %q: need StartDegree, BatchSize ≥ 1, percentiles in (0, 1], Relax > 1; have %+v", p.Name(), *p)
	}
	return nil
}

// Next implements Strategy.
func (p *PercentileStrategy) Next(s *State) ([]Query, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if s.Round == 0 || s.Fit == nil {
		var out []Query
		for _, q := range startGraph(s.N, p.StartDegree, s.Rand) {
			if s.available(q.I, q.J) {
				out = append(out, q)
			}
		}
		return out, nil
	}
	if p.MaxBatches > 0 && s.Round > p.MaxBatches {
		return nil, nil
	}
	if p.StopSpearman > 0 && s.Fit != nil && s.PrevFit != nil {
		if r, err := stats.Spearman(s.Fit.Mu, s.PrevFit.Mu); err == nil && r >= p.StopSpearman {
			return nil, nil
		}
	}
	want := p.BatchSize
	if p.BudgetFactor > 0 {
		budget := int(p.BudgetFactor * float64(s.N) * math.Log2(float64(s.N)))
		left := budget - len(s.Data.Pairs())
		if left <= 0 {
			return nil, nil
		}
		want = min(want, left)
	}
	limit := p.Candidates
	if limit == 0 {
		limit = 50 * p.BatchSize
	}
	cand := candidates(s, limit)
	if len(cand) == 0 {
		return nil, nil
	}
	if len(cand) <= want {
		return cand, nil
	}
	deg := s.Data.Degrees()
	dmu := make([]float64, len(cand))
	dsum := make([]float64, len(cand))
	for k, q := range cand {
		dmu[k] = math.Abs(s.Fit.Mu[q.I] - s.Fit.Mu[q.J])
		dsum[k] = float64(deg[q.I] + deg[q.J])
	}
	smu := append([]float64(nil), dmu...)
	sdeg := append([]float64(nil), dsum...)
	sort.Float64s(smu)
	sort.Float64s(sdeg)
	pm, pd := p.MuPercentile, p.DegreePercentile
	var kept []Query
	for {
		tm, td := quantile(smu, pm), quantile(sdeg, pd)
		kept = kept[:0]
		for k, q := range cand {
			if dmu[k] <= tm && dsum[k] <= td {
				kept = append(kept, q)
			}
		}
		if len(kept) >= want || (pm >= 1 && pd >= 1) {
			break
		}
		pm, pd = math.Min(1, pm*p.Relax), math.Min(1, pd*p.Relax)
	}
	s.Rand.Shuffle(len(kept), func(a, b int) { kept[a], kept[b] = kept[b], kept[a] })
	if len(kept) > want {
		kept = kept[:want]
	}
	return kept, nil
}

// quantile returns the q-quantile of sorted x (nearest rank).
func quantile(sorted []float64, q float64) float64 {
	k := int(math.Ceil(q*float64(len(sorted)))) - 1
	k = max(0, min(k, len(sorted)-1))
	return sorted[k]
}

// RandomStrategy measures uniformly random pairs, BatchSize per batch
// (0: 500), until MaxPairs distinct pairs are measured (0: 2·N·log₂N) and,
// if MaxComparisons > 0, that many comparisons: the control for the other
// rules. With Requery (and N ≤ 2000) measured pairs that have samples left
// are candidates too, so the control can spend the same comparison budget
// as a rule that asks pairs again.
type RandomStrategy struct {
	BatchSize      int
	MaxPairs       int
	MaxComparisons int
	Requery        bool
}

// Name implements Strategy.
func (r *RandomStrategy) Name() string {
	if r.Requery {
		return "random-requery"
	}
	return "random"
}

// Next implements Strategy.
func (r *RandomStrategy) Next(s *State) ([]Query, error) {
	batch := r.BatchSize
	if batch <= 0 {
		batch = 500
	}
	budget := r.MaxPairs
	if budget <= 0 {
		budget = int(2 * float64(s.N) * math.Log2(float64(s.N)))
	}
	newLeft := budget - len(s.Data.Pairs())
	if r.MaxComparisons > 0 {
		batch = min(batch, r.MaxComparisons-int(math.Round(s.Data.Comparisons())))
	}
	if batch <= 0 || (newLeft <= 0 && !r.Requery) {
		return nil, nil
	}
	var cand []Query
	if newLeft > 0 {
		cand = candidates(s, 20*batch)
	}
	if r.Requery && s.N <= 2000 {
		for _, p := range s.Data.sortedPairs() {
			if s.available(p.I, p.J) {
				cand = append(cand, Query{p.I, p.J})
			}
		}
	}
	s.Rand.Shuffle(len(cand), func(a, b int) { cand[a], cand[b] = cand[b], cand[a] })
	var out []Query
	for _, q := range cand {
		if len(out) == batch {
			break
		}
		if _, seen := s.Data.Get(q.I, q.J); !seen {
			if newLeft <= 0 {
				continue
			}
			newLeft--
		}
		out = append(out, q)
	}
	return out, nil
}

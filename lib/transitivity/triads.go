package transitivity

import (
	"errors"
	"math/rand/v2"
	"sort"
)

// Triad is a closed triad of one tournament: tasks I < J < K (indices into
// the tournament's Tasks), all three pairs measured.
type Triad struct {
	// Run is the index of the tournament in the slice the triad was drawn
	// from.
	Run     int
	I, J, K int
	// Edges index the tournament's Edges for {I,J}, {J,K} and {I,K}.
	Edges [3]int
	// P holds p_IJ, p_JK and p_KI, the pooled probabilities around the
	// cycle I → J → K → I.
	P [3]float64
}

// CycleProbability is the chance that one draw per pair forms a cycle:
// p_ij·p_jk·p_ki + (1 − p_ij)(1 − p_jk)(1 − p_ki).
func CycleProbability(pij, pjk, pki float64) float64 {
	return pij*pjk*pki + (1-pij)*(1-pjk)*(1-pki)
}

// HardCycle reports whether three probabilities around a triad all lie
// above 0.5 or all below it; a pair at exactly 0.5 never completes a hard
// cycle.
func HardCycle(pij, pjk, pki float64) bool {
	return (pij > 0.5 && pjk > 0.5 && pki > 0.5) || (pij < 0.5 && pjk < 0.5 && pki < 0.5)
}

// CycleProbability of the triad.
func (t Triad) CycleProbability() float64 { return CycleProbability(t.P[0], t.P[1], t.P[2]) }

// Hard reports whether the triad is a hard cycle.
func (t Triad) Hard() bool { return HardCycle(t.P[0], t.P[1], t.P[2]) }

// SampleOptions are the settings of Triads. The zero value draws up to
// DefaultTarget triads with at most 100 attempts per target triad, seed 0.
type SampleOptions struct {
	// Target is the number of distinct closed triads wanted.
	Target int
	// MaxAttempts caps the number of draws (closed or not).
	MaxAttempts int
	Seed        uint64
	// Exhaustive lists every closed triad of every tournament instead of
	// sampling (Target and MaxAttempts are then ignored).
	Exhaustive bool
}

// DefaultTarget is the reference study's target number of triads.
const DefaultTarget = 10000

// SampleStats says how a set of triads was obtained.
type SampleStats struct {
	// Attempts counts draws; Open those with an unmeasured pair and
	// Repeats those that drew a triad already kept.
	Attempts, Open, Repeats int
	// Kept is the number of triads returned.
	Kept int
	// Draws counts the draws per tournament (nil in exhaustive mode).
	Draws []int
}

// Triads draws closed triads from the tournaments (see the package doc):
// each draw picks a tournament with probability proportional to its number
// of tasks, then three distinct tasks uniformly; a closed triad not yet kept
// is kept. Drawing stops at Target triads or MaxAttempts draws. With
// Exhaustive it returns every closed triad, in (run, I, J, K) order. It
// returns an error when no tournament has three tasks.
func Triads(ts []*Tournament, o *SampleOptions) ([]Triad, SampleStats, error) {
	if o == nil {
		o = &SampleOptions{}
	}
	var st SampleStats
	weights := make([]float64, len(ts))
	var total float64
	for r, t := range ts {
		if len(t.Tasks) >= 3 {
			weights[r] = float64(len(t.Tasks))
			total += weights[r]
		}
	}
	if total == 0 {
		return nil, st, errors.New("transitivity: no tournament has three tasks")
	}
	if o.Exhaustive {
		var out []Triad
		for r, t := range ts {
			out = append(out, closedTriads(r, t)...)
		}
		st.Kept = len(out)
		return out, st, nil
	}
	target, attempts := o.Target, o.MaxAttempts
	if target <= 0 {
		target = DefaultTarget
	}
	if attempts <= 0 {
		attempts = 100 * target
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x7a1d5))
	st.Draws = make([]int, len(ts))
	kept := map[[4]int]bool{}
	var out []Triad
	for st.Attempts < attempts && len(out) < target {
		st.Attempts++
		r := pickWeighted(rng, weights, total)
		st.Draws[r]++
		t := ts[r]
		n := len(t.Tasks)
		v := [3]int{rng.IntN(n), rng.IntN(n - 1), rng.IntN(n - 2)}
		// Three distinct indices uniformly: shift past those already taken.
		if v[1] >= v[0] {
			v[1]++
		}
		lo, hi := min(v[0], v[1]), max(v[0], v[1])
		if v[2] >= lo {
			v[2]++
		}
		if v[2] >= hi {
			v[2]++
		}
		sort.Ints(v[:])
		tr, ok := t.triad(r, v[0], v[1], v[2])
		if !ok {
			st.Open++
			continue
		}
		key := [4]int{r, v[0], v[1], v[2]}
		if kept[key] {
			st.Repeats++
			continue
		}
		kept[key] = true
		out = append(out, tr)
	}
	st.Kept = len(out)
	return out, st, nil
}

func pickWeighted(rng *rand.Rand, w []float64, total float64) int {
	x := rng.Float64() * total
	for i, wi := range w {
		if x < wi {
			return i
		}
		x -= wi
	}
	// Rounding left x at the very top: the last run with weight.
	for i := len(w) - 1; i >= 0; i-- {
		if w[i] > 0 {
			return i
		}
	}
	return 0
}

// triad builds the triad i < j < k of run r, if closed.
func (t *Tournament) triad(r, i, j, k int) (Triad, bool) {
	ij, ok1 := t.Edge(i, j)
	jk, ok2 := t.Edge(j, k)
	ik, ok3 := t.Edge(i, k)
	if !ok1 || !ok2 || !ok3 {
		return Triad{}, false
	}
	return Triad{Run: r, I: i, J: j, K: k, Edges: [3]int{ij, jk, ik},
		P: [3]float64{t.Edges[ij].P(), t.Edges[jk].P(), 1 - t.Edges[ik].P()}}, true
}

func closedTriads(r int, t *Tournament) []Triad {
	// Neighbours above each task, sorted (Edges are sorted by I then J).
	above := make([][]int, len(t.Tasks))
	for _, e := range t.Edges {
		above[e.I] = append(above[e.I], e.J)
	}
	var out []Triad
	for i, js := range above {
		for a, j := range js {
			for _, k := range js[a+1:] {
				if tr, ok := t.triad(r, i, j, k); ok {
					out = append(out, tr)
				}
			}
		}
	}
	return out
}

package transitivity

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/utility"
)

// Thurstonian is a choice model for one run: task i's utility is
// N(Mu[i], Sigma[i]²), and task a shown first is chosen over b with
// probability Φ((Mu[a] + PositionBias − Mu[b]) / (T·√(Sigma[a]² + Sigma[b]²))),
// T the Temperature (0 means 1). With PositionBias 0 it is the fitted model
// of lib/utility, P(a ≻ b) = Φ((μa − μb)/√(σa² + σb²)).
type Thurstonian struct {
	Mu, Sigma    map[string]float64
	PositionBias float64
	Temperature  float64
}

// FromUtilities is the Thurstonian model of a fit with task ids.
func FromUtilities(u *utility.Utilities) (Thurstonian, error) {
	if len(u.IDs) != len(u.Mu) || len(u.IDs) != len(u.Sigma) {
		return Thurstonian{}, fmt.Errorf("transitivity: fit has %d ids, %d mu, %d sigma", len(u.IDs), len(u.Mu), len(u.Sigma))
	}
	m := Thurstonian{Mu: map[string]float64{}, Sigma: map[string]float64{}}
	for i, id := range u.IDs {
		m.Mu[id], m.Sigma[id] = u.Mu[i], u.Sigma[i]
	}
	return m, nil
}

// choice returns P(a ≻ b) with a shown first and with b shown first.
func (m Thurstonian) choice(a, b string) (aFirst, bFirst float64, err error) {
	for _, id := range []string{a, b} {
		mu, ok1 := m.Mu[id]
		sd, ok2 := m.Sigma[id]
		if !ok1 || !ok2 {
			return 0, 0, fmt.Errorf("task %q has no utility in the model", id)
		}
		if math.IsNaN(mu) || math.IsInf(mu, 0) || !(sd >= 0) || math.IsInf(sd, 0) {
			return 0, 0, fmt.Errorf("task %q: mu %v sigma %v", id, mu, sd)
		}
	}
	t := m.Temperature
	if t == 0 {
		t = 1
	}
	s := t * math.Hypot(m.Sigma[a], m.Sigma[b])
	d := m.Mu[a] - m.Mu[b]
	if s == 0 {
		// A deterministic model: the better task always wins; a tie is a coin.
		step := func(x float64) float64 { return 0.5 + 0.5*float64(sign(x)) }
		return step(d + m.PositionBias), step(d - m.PositionBias), nil
	}
	return utility.Phi((d + m.PositionBias) / s), utility.Phi((d - m.PositionBias) / s), nil
}

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// Prediction is what a Thurstonian model predicts for a set of triads at
// their measured numbers of samples per pair.
type Prediction struct {
	// HardCycleRate is the mean over replicates, RateCI the percentile
	// interval of the replicates' rates.
	HardCycleRate float64
	RateCI        stats.Interval
	// MeanCycleProbability is the mean over replicates of the triads' mean
	// cycle probability.
	MeanCycleProbability float64
	Replicates           int
}

// Predict simulates the model on the triads' pairs: in each replicate every
// pair (of a tournament's Edges used by a triad) gets FirstI draws with I
// shown first and N − FirstI with J shown first, at models[run]'s
// probabilities, and the triads' hard-cycle rate is recounted from the
// simulated pooled probabilities. models is indexed like the tournaments
// the triads were drawn from. Options: Replicates (default 2000), Level,
// Seed, as for Summarize. It returns an error naming the run and task when
// a model lacks a task of a triad.
func Predict(ts []*Tournament, triads []Triad, models []Thurstonian, o *stats.BootstrapOptions) (Prediction, error) {
	if len(models) != len(ts) {
		return Prediction{}, fmt.Errorf("transitivity: predict: %d models for %d tournaments", len(models), len(ts))
	}
	if len(triads) == 0 {
		return Prediction{}, fmt.Errorf("transitivity: predict: no triads")
	}
	b := o.WithDefaults()
	// The distinct pairs the triads use, each simulated once per replicate.
	type pair struct {
		n, first     int
		pFirst, pSec float64
	}
	slot := map[[2]int]int{}
	var pairs []pair
	tri := make([][3]int, len(triads))
	for k, t := range triads {
		if t.Run < 0 || t.Run >= len(ts) {
			return Prediction{}, fmt.Errorf("transitivity: predict: triad %d has run %d of %d", k, t.Run, len(ts))
		}
		tour := ts[t.Run]
		for c, e := range t.Edges {
			key := [2]int{t.Run, e}
			s, ok := slot[key]
			if !ok {
				edge := tour.Edges[e]
				pf, ps, err := models[t.Run].choice(tour.Tasks[edge.I], tour.Tasks[edge.J])
				if err != nil {
					return Prediction{}, fmt.Errorf("transitivity: predict: run %s: %w", tour.Run, err)
				}
				s = len(pairs)
				slot[key] = s
				pairs = append(pairs, pair{n: edge.N, first: edge.FirstI, pFirst: pf, pSec: ps})
			}
			tri[k][c] = s
		}
	}
	rates := make([]float64, b.Replicates)
	var meanCP float64
	p := make([]float64, len(pairs))
	for r := range rates {
		rng := rand.New(rand.NewPCG(b.Seed, uint64(r)))
		for s, pr := range pairs {
			wins := binomial(rng, pr.first, pr.pFirst) + binomial(rng, pr.n-pr.first, pr.pSec)
			p[s] = float64(wins) / float64(pr.n)
		}
		hard := 0
		var cp float64
		for _, t := range tri {
			// Edges are {I,J}, {J,K}, {I,K}: the cycle needs p_KI = 1 − p_IK.
			pij, pjk, pki := p[t[0]], p[t[1]], 1-p[t[2]]
			if HardCycle(pij, pjk, pki) {
				hard++
			}
			cp += CycleProbability(pij, pjk, pki)
		}
		rates[r] = float64(hard) / float64(len(tri))
		meanCP += cp / float64(len(tri))
	}
	out := Prediction{Replicates: b.Replicates, MeanCycleProbability: meanCP / float64(b.Replicates)}
	for _, x := range rates {
		out.HardCycleRate += x / float64(len(rates))
	}
	out.RateCI = stats.Percentile(rates, b.Level)
	return out, nil
}

// binomial draws Binomial(n, p) as n Bernoulli trials: n is a pair's
// number of samples, a handful.
func binomial(rng *rand.Rand, n int, p float64) int {
	k := 0
	for range n {
		if rng.Float64() < p {
			k++
		}
	}
	return k
}

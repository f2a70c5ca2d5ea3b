package robustness

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// Planted is a simulated respondent's planted truth as plain numbers: for
// each run (by id) the utility of each of its tasks that the respondent
// chose by in that run, in the units of its choice model. The package never
// sees the simulator: lib/study builds Planted from a synthetic study's
// truth (study.PlantedRobustness), and a test can write one by hand.
type Planted map[string]map[string]float64

// PlantedCorrelations returns c's run pairs with each correlation replaced
// by the Pearson correlation of the two runs' planted utilities over the
// tasks both runs have in p: what the estimate would be with no sampling
// noise. It is the one place planted correlations are computed (Analyze and
// Calibrate both call it). A run of c missing from p is an error naming it.
func (c *Correlations) PlantedCorrelations(p Planted) (*Correlations, error) {
	out := &Correlations{Fields: c.Fields, Pairs: append([]PairCorrelation(nil), c.Pairs...)}
	var x, y []float64
	for i := range out.Pairs {
		pc := &out.Pairs[i]
		ua, ub, missing := bothRuns(p, pc)
		if missing != "" {
			return nil, fmt.Errorf("robustness: planted correlations: run %s has no planted utilities", missing)
		}
		tasks := make([]string, 0, len(ua))
		for t := range ua {
			if _, ok := ub[t]; ok {
				tasks = append(tasks, t)
			}
		}
		if len(tasks) < 2 {
			return nil, fmt.Errorf("robustness: planted correlations: runs %s and %s share %d planted tasks", pc.A, pc.B, len(tasks))
		}
		sort.Strings(tasks) // a fixed summation order, so results do not depend on map order
		x, y = x[:0], y[:0]
		for _, t := range tasks {
			x, y = append(x, ua[t]), append(y, ub[t])
		}
		pc.Pearson = stat.Correlation(x, y, nil)
	}
	return out, nil
}

// Reliabilities returns, for every run, the share of the variance of its
// fitted utilities that is planted utility: the squared Pearson
// correlation of fitted μ with the planted utility over the run's tasks
// (the reliability of classical test theory, var(true)/var(observed), when
// the fit's errors are independent of the truth). A run missing from p, or
// with fewer than three planted tasks, is an error naming it.
func Reliabilities(runs []RunUtilities, p Planted) (map[string]float64, error) {
	out := make(map[string]float64, len(runs))
	var x, y []float64
	for _, r := range runs {
		u, ok := p[r.ID]
		if !ok {
			return nil, fmt.Errorf("robustness: reliabilities: run %s has no planted utilities", r.ID)
		}
		tasks := make([]string, 0, len(r.Utilities))
		for t := range r.Utilities {
			if _, ok := u[t]; ok {
				tasks = append(tasks, t)
			}
		}
		if len(tasks) < 3 {
			return nil, fmt.Errorf("robustness: reliabilities: run %s has %d tasks with planted utilities, need 3", r.ID, len(tasks))
		}
		sort.Strings(tasks)
		x, y = x[:0], y[:0]
		for _, t := range tasks {
			x, y = append(x, r.Utilities[t]), append(y, u[t])
		}
		rho := stat.Correlation(x, y, nil)
		out[r.ID] = rho * rho
	}
	return out, nil
}

// Attenuate returns c's run pairs with each correlation multiplied by
// sqrt(rel[A]·rel[B]): a noiseless correlation moved onto the scale of
// correlations between noisy measurements, where two runs whose fits
// explain shares rel[A] and rel[B] of their variance correlate that much
// less (Spearman's attenuation). The regression on fitted utilities
// estimates this attenuated β; the task bootstrap resamples tasks and does
// not widen for it, so a planted β to compare with the estimate must be on
// this scale. A run missing from rel is an error naming it.
func (c *Correlations) Attenuate(rel map[string]float64) (*Correlations, error) {
	out := &Correlations{Fields: c.Fields, Pairs: append([]PairCorrelation(nil), c.Pairs...)}
	for i := range out.Pairs {
		pc := &out.Pairs[i]
		ra, rb, missing := bothRuns(rel, pc)
		if missing != "" {
			return nil, fmt.Errorf("robustness: attenuate: run %s has no reliability", missing)
		}
		pc.Pearson *= math.Sqrt(ra * rb)
	}
	return out, nil
}

// bothRuns looks up the two runs of a pair in m; missing names the first
// run m lacks ("" when it has both).
func bothRuns[V any](m map[string]V, pc *PairCorrelation) (a, b V, missing string) {
	a, okA := m[pc.A]
	b, okB := m[pc.B]
	switch {
	case !okA:
		missing = pc.A
	case !okB:
		missing = pc.B
	}
	return a, b, missing
}

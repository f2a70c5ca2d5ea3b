package probe

import (
	"fmt"
	"math"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/stats"
)

// CrossTargets is the transfer of probes between targets: a probe trained
// on target t (its α by its own CV), its out-of-fold predictions scored
// against target u on the same held-out rows.
type CrossTargets struct {
	Names []string
	// Scores[t][u] are the fold means of the scores of t's probe against
	// u; SE[t][u] the standard error over folds of its Pearson r. R² is
	// only meaningful where t and u share units (a rating under two
	// framings); Pearson r and the mean-adjusted R² read the ordering.
	Scores [][]Scores
	SE     [][]float64
	Alpha  []float64
}

// TargetsFromSet joins one layer of an activation store to several targets
// (one map per name) on the tasks that have every target, so all probes see
// the same rows. It returns the dataset (Y is the first target) and the
// targets in row order; tasks missing a target are counted in Unmatched.
func TargetsFromSet(set *activations.Set, targets []map[string]float64) (*Dataset, [][]float64, error) {
	if len(targets) == 0 {
		return nil, nil, fmt.Errorf("probe: no targets")
	}
	common := map[string]float64{}
	for id, v := range targets[0] {
		all := true
		for _, t := range targets[1:] {
			if _, ok := t[id]; !ok {
				all = false
			}
		}
		if all {
			common[id] = v
		}
	}
	ds, err := FromSet(set, common)
	if err != nil {
		return nil, nil, err
	}
	ys := make([][]float64, len(targets))
	for k, t := range targets {
		ys[k] = make([]float64, ds.Rows())
		for i, id := range ds.TaskIDs {
			ys[k][i] = t[id]
		}
		if err := checkTargets(ys[k], ds.TaskIDs); err != nil {
			return nil, nil, fmt.Errorf("probe: target %d: %w", k, err)
		}
	}
	return ds, ys, nil
}

// CrossTarget trains a probe on each target under opt's folds and scores
// its out-of-fold predictions (at the α its own CV chose) against every
// target: the diagonal is the ordinary CV score.
func CrossTarget(ds *Dataset, names []string, targets [][]float64, opt *Options) (*CrossTargets, error) {
	if len(names) != len(targets) {
		return nil, fmt.Errorf("probe: cross-target: %d names for %d targets", len(names), len(targets))
	}
	sweeps, err := crossValidate(ds, targets, opt)
	if err != nil {
		return nil, err
	}
	m := len(targets)
	out := &CrossTargets{Names: names, Scores: make([][]Scores, m), SE: make([][]float64, m), Alpha: make([]float64, m)}
	for t, sw := range sweeps {
		out.Alpha[t] = sw.BestAlpha()
		pred := sw.Predictions[sw.Best]
		out.Scores[t] = make([]Scores, m)
		out.SE[t] = make([]float64, m)
		for u := range targets {
			var folds []Scores
			for _, f := range sw.Folds {
				folds = append(folds, score(gatherRows(targets[u], 1, f.Test), gatherRows(pred, 1, f.Test)))
			}
			out.Scores[t][u] = meanScores(folds)
			_, out.SE[t][u] = stats.MeanSE(finite(folds, func(s Scores) float64 { return s.Pearson }))
		}
	}
	return out, nil
}

// meanScores averages each metric over folds, skipping NaN folds.
func meanScores(folds []Scores) Scores {
	m := func(f func(Scores) float64) float64 { v, _ := stats.MeanSE(finite(folds, f)); return v }
	return Scores{
		R2: m(func(s Scores) float64 { return s.R2 }), MSE: m(func(s Scores) float64 { return s.MSE }),
		Pearson:        m(func(s Scores) float64 { return s.Pearson }),
		R2MeanAdjusted: m(func(s Scores) float64 { return s.R2MeanAdjusted }), VarY: m(func(s Scores) float64 { return s.VarY }),
	}
}

func finite(folds []Scores, f func(Scores) float64) []float64 {
	var out []float64
	for _, s := range folds {
		if v := f(s); !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, v)
		}
	}
	return out
}

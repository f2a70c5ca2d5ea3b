package utility

import "fmt"

// StrategyReplay is the result of ReplayStrategies on one split: each
// strategy's learning curve next to the full maximum-likelihood fit.
type StrategyReplay struct {
	// Full scores the fit to every training comparison on the held-out set.
	Full Metrics
	// Curves holds one learning curve per strategy, in the order given.
	Curves []*LearningCurve
	// Results holds one row per strategy: its final point next to Full
	// (Batches counts its batches).
	Results []StrategyResult
}

// ReplayStrategies fits the full training pool once, then replays each
// strategy on the same split (see Replay) with options o, so that every
// strategy sees identical data and the same held-out set. truth, when
// non-nil, is the planted μ for the curves' Spearman column.
func ReplayStrategies(sp *Split, truth []float64, strategies []Strategy, o *ActiveOptions) (*StrategyReplay, error) {
	if sp == nil || sp.Train == nil || sp.Test == nil {
		return nil, fmt.Errorf("utility: replay strategies: split without training or held-out data")
	}
	full, err := Fit(sp.Train, nil)
	if err != nil {
		return nil, fmt.Errorf("utility: replay strategies: full fit: %w", err)
	}
	r := &StrategyReplay{Full: Evaluate(full, sp.Test)}
	pool := float64(len(sp.Train.Pairs()))
	comps := sp.Train.Comparisons()
	for _, s := range strategies {
		c, err := Replay(sp.N(), sp.TrainSamples, sp.Test, truth, s, o)
		if err != nil {
			return nil, fmt.Errorf("utility: strategy %q: %w", s.Name(), err)
		}
		r.Curves = append(r.Curves, c)
		r.Results = append(r.Results, StrategyResult{
			Strategy:        c.Strategy,
			PairShare:       float64(c.Final.Pairs) / pool,
			ComparisonShare: c.Final.Comparisons / comps,
			Accuracy:        c.Final.Heldout.Accuracy,
			LogLoss:         c.Final.Heldout.LogLoss,
			Spearman:        c.Final.Spearman,
			FullAccuracy:    r.Full.Accuracy,
			FullLogLoss:     r.Full.LogLoss,
			Batches:         float64(len(c.Points)),
		})
	}
	return r, nil
}

// BudgetedStrategies returns the four strategies the robustness notebook
// replays on measured dense runs: the paper's rule and the reference
// study's variant with their own budgets, then random pairs (asked again
// when measured, in batches of randomBatch) and info-gain, both limited to
// share of the split's training pairs and comparisons (see Split.Budget).
func BudgetedStrategies(sp *Split, share float64, randomBatch int) []Strategy {
	pairs, comps := sp.Budget(share)
	return []Strategy{
		PaperStrategy(),
		ReferenceStrategy(),
		&RandomStrategy{BatchSize: randomBatch, MaxPairs: pairs, MaxComparisons: comps, Requery: true},
		&InfoGainStrategy{MaxPairs: pairs, MaxComparisons: comps, Requery: true},
	}
}

// HeldoutAccuracy returns the curve as plot coordinates: comparisons used
// and held-out accuracy after each batch.
func (c *LearningCurve) HeldoutAccuracy() (comparisons, accuracy []float64) {
	for _, p := range c.Points {
		comparisons = append(comparisons, p.Comparisons)
		accuracy = append(accuracy, p.Heldout.Accuracy)
	}
	return comparisons, accuracy
}

// RunStrategyResult is one strategy's result on one stored run (one
// template), as the robustness notebook saves it for its report.
type RunStrategyResult struct {
	// Template labels the run.
	Template string
	StrategyResult
}

// StrategySummary gathers one strategy's results over runs in percent:
// PairsUsed is the share of training pairs used, Gap the held-out accuracy
// minus the full fit's, in points; one value per run.
type StrategySummary struct {
	Strategy       string
	PairsUsed, Gap []float64
}

// SummarizeStrategies groups rows by strategy, in the order strategies
// first appear.
func SummarizeStrategies(rows []RunStrategyResult) []StrategySummary {
	var out []StrategySummary
	index := map[string]int{}
	for _, r := range rows {
		k, ok := index[r.Strategy]
		if !ok {
			k = len(out)
			index[r.Strategy] = k
			out = append(out, StrategySummary{Strategy: r.Strategy})
		}
		out[k].PairsUsed = append(out[k].PairsUsed, 100*r.PairShare)
		out[k].Gap = append(out[k].Gap, 100*(r.Accuracy-r.FullAccuracy))
	}
	return out
}

// ForRun labels the replay's results with the run (template) they come
// from, one row per strategy.
func (r *StrategyReplay) ForRun(template string) []RunStrategyResult {
	out := make([]RunStrategyResult, len(r.Results))
	for i, res := range r.Results {
		out[i] = RunStrategyResult{Template: template, StrategyResult: res}
	}
	return out
}

package utility

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// StrategyResult is one row of CompareStrategies: a strategy's final point
// on a replayed study, next to the full-data fit, averaged over seeds.
type StrategyResult struct {
	Strategy string
	// PairShare and ComparisonShare are the shares of the training pool used.
	PairShare, ComparisonShare  float64
	Accuracy, LogLoss, Spearman float64
	// FullAccuracy and FullLogLoss score the fit to every training
	// comparison on the same held-out split.
	FullAccuracy, FullLogLoss float64
	Batches                   float64
}

// CompareStrategies replays the paper's rule, the reference study's
// variant, the random control and the info-gain rule on simulated dense
// studies (sim with each seed), and reports their final held-out scores
// next to the full maximum-likelihood fit. Random and info-gain get a budget
// of share of the training pairs; info-gain and random-requery also of the
// comparisons, asking measured pairs again; the published rules keep their
// own budgets.
func CompareStrategies(sim SimOptions, seeds []uint64, share float64) ([]StrategyResult, error) {
	var rows []StrategyResult
	for _, seed := range seeds {
		sim.Seed = seed
		st, err := Simulate(sim)
		if err != nil {
			return nil, err
		}
		sp := studySplit(st)
		maxPairs, maxComps := sp.Budget(share)
		strategies := []Strategy{PaperStrategy(), ReferenceStrategy(),
			&RandomStrategy{BatchSize: max(10, sim.N/2), MaxPairs: maxPairs},
			&RandomStrategy{BatchSize: max(10, sim.N/2), MaxPairs: maxPairs, MaxComparisons: maxComps, Requery: true},
			&InfoGainStrategy{MaxPairs: maxPairs, MaxComparisons: maxComps, Requery: true}}
		rep, err := ReplayStrategies(sp, st.Truth.Mu, strategies, &ActiveOptions{Seed: seed})
		if err != nil {
			return nil, fmt.Errorf("utility: seed %d: %w", seed, err)
		}
		if rows == nil {
			rows = make([]StrategyResult, len(strategies))
		}
		for k, res := range rep.Results {
			r := &rows[k]
			r.Strategy = res.Strategy
			r.PairShare += res.PairShare
			r.ComparisonShare += res.ComparisonShare
			r.Accuracy += res.Accuracy
			r.LogLoss += res.LogLoss
			r.Spearman += res.Spearman
			r.FullAccuracy += res.FullAccuracy
			r.FullLogLoss += res.FullLogLoss
			r.Batches += res.Batches
		}
	}
	f := 1 / float64(len(seeds))
	for k := range rows {
		r := &rows[k]
		r.PairShare *= f
		r.ComparisonShare *= f
		r.Accuracy *= f
		r.LogLoss *= f
		r.Spearman *= f
		r.FullAccuracy *= f
		r.FullLogLoss *= f
		r.Batches *= f
	}
	return rows, nil
}

// WriteStrategyTable prints CompareStrategies rows as an aligned table.
func WriteStrategyTable(w io.Writer, rows []StrategyResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "strategy\tpairs used\tcomparisons used\taccuracy (full MLE)\tlog-loss (full MLE)\tspearman\tbatches")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%.1f%%\t%.1f%%\t%.4f (%.4f)\t%.4f (%.4f)\t%.4f\t%.1f\n", r.Strategy, 100*r.PairShare,
			100*r.ComparisonShare, r.Accuracy, r.FullAccuracy, r.LogLoss, r.FullLogLoss, r.Spearman, r.Batches)
	}
	return tw.Flush()
}

package study

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/utility"
)

// ActiveResult is one finished active-learning run of a study.
type ActiveResult struct {
	// Part is the learner's part name (the study part plus template index).
	Part     string
	Strategy string
	// Batches are the learner's batch runs, in order.
	Batches   []measure.Summary
	Utilities *utility.Utilities
	// Dir holds the final fit (utilities.csv, fit.yaml).
	Dir string
}

// Calls is the number of calls over all batches, and Done those made now.
func (a ActiveResult) Calls() (calls, done int) {
	for _, s := range a.Batches {
		calls += s.Total
		done += s.Done
	}
	return calls, done
}

// StrategyFor builds the learner an active_learning key names; zero fields
// keep the strategy's published settings.
func StrategyFor(spec ActiveLearningSpec) (utility.Strategy, error) {
	switch spec.Strategy {
	case "paper", "reference-study":
		s := utility.PaperStrategy()
		if spec.Strategy == "reference-study" {
			s = utility.ReferenceStrategy()
		}
		if spec.InitialDegree > 0 {
			s.StartDegree = spec.InitialDegree
		}
		if spec.BatchSize > 0 {
			s.BatchSize = spec.BatchSize
		}
		if spec.MaxBatches > 0 {
			s.MaxBatches = spec.MaxBatches
		}
		if spec.StopSpearman > 0 {
			s.StopSpearman = spec.StopSpearman
		}
		return s, nil
	case "random":
		return &utility.RandomStrategy{BatchSize: spec.BatchSize, MaxPairs: spec.MaxPairs, MaxComparisons: spec.MaxComparisons, Requery: true}, nil
	case "info-gain":
		return &utility.InfoGainStrategy{StartDegree: spec.InitialDegree, BatchSize: spec.BatchSize, MaxPairs: spec.MaxPairs, MaxComparisons: spec.MaxComparisons, Requery: true}, nil
	}
	return nil, fmt.Errorf("unknown active-learning strategy %q (known: %v)", spec.Strategy, ActiveStrategies)
}

// runActive drives every active-learning run of the study (restricted to
// opts.Parts) and writes each final fit to <study>/active/<part>/.
func (e *Env) runActive(ctx context.Context, opts Options) ([]ActiveResult, error) {
	acs, err := e.Study.ActiveConfigs(e.Tasks, e.Catalog)
	if err != nil {
		return nil, err
	}
	var out []ActiveResult
	for i, ac := range acs {
		if len(opts.Parts) > 0 && !slices.Contains(opts.Parts, ac.PartName) {
			continue
		}
		s, err := StrategyFor(ac.Spec)
		if err != nil {
			return out, fmt.Errorf("study: active run %s: %w", ac.Base.Part, err)
		}
		eng, err := e.EngineFor(ac.Base.Model)
		if err != nil {
			return out, err
		}
		u, sums, err := utility.RunActive(ctx, eng, e.RunsDir(), ac.Base, s, &utility.ActiveOptions{Seed: uint64(ac.Spec.Seed) + uint64(i)})
		if err != nil {
			return out, fmt.Errorf("study: active run %s: %w", ac.Base.Part, err)
		}
		dir := filepath.Join(e.Study.dir, "active", ac.Base.Part)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return out, fmt.Errorf("study: %w", err)
		}
		if err := utility.WriteRunFit(dir, u, utility.RunCounts{Choices: int(u.Comparisons)}); err != nil {
			return out, err
		}
		r := ActiveResult{Part: ac.Base.Part, Strategy: s.Name(), Batches: sums, Utilities: u, Dir: dir}
		out = append(out, r)
		if opts.Log != nil {
			calls, done := r.Calls()
			fmt.Fprintf(opts.Log, "%s: %s, %d batch runs, %d calls (%d now), %.0f comparisons fitted; utilities in %s\n", r.Part, r.Strategy, len(sums), calls, done, u.Comparisons, dir)
		}
	}
	return out, nil
}

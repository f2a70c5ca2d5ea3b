package study

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/prefscope/prefscope/lib/layout"
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
// keep the strategy's published settings. Every configuration stops (the
// study checks the keys when it loads):
//
//	paper            after 2·N·log₂N distinct pairs
//	reference-study  successive fits reach stop_spearman, or max_batches (50)
//	random           max_comparisons comparisons when set (measured pairs
//	                 are asked again), else max_pairs distinct pairs
//	                 (2·N·log₂N), each once
//	info-gain        max_comparisons comparisons (2·N·log₂N)
//
// On top of that, a learner on n tasks stops after max_batches batches,
// by default twice the batches its budget needs when every reply parses
// (plus the start graph), so refusals cannot keep it asking for ever.
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
		// Asking pairs again only ends at a comparison budget.
		return &utility.RandomStrategy{BatchSize: spec.BatchSize, MaxPairs: spec.MaxPairs, MaxComparisons: spec.MaxComparisons, Requery: spec.MaxComparisons > 0}, nil
	case "info-gain":
		return &utility.InfoGainStrategy{StartDegree: spec.InitialDegree, BatchSize: spec.BatchSize, MaxPairs: spec.MaxPairs, MaxComparisons: spec.MaxComparisons, Requery: true}, nil
	}
	return nil, fmt.Errorf("unknown active-learning strategy %q (known: %v)", spec.Strategy, ActiveStrategies)
}

// MaxBatches is the number of batches after which a learner on n tasks
// stops whatever its strategy says (see StrategyFor).
func (spec ActiveLearningSpec) maxBatches(n int) int {
	if spec.MaxBatches > 0 {
		return spec.MaxBatches
	}
	nlogn := 2 * float64(n) * math.Log2(float64(max(n, 2)))
	budget, batch := nlogn, float64(spec.BatchSize)
	switch spec.Strategy {
	case "paper":
		if batch == 0 {
			batch = float64(utility.PaperStrategy().BatchSize)
		}
	case "reference-study":
		return utility.ReferenceStrategy().MaxBatches
	case "random":
		if spec.MaxComparisons > 0 {
			budget = float64(spec.MaxComparisons)
		} else if spec.MaxPairs > 0 {
			budget = float64(spec.MaxPairs)
		}
		if batch == 0 {
			batch = 500
		}
	case "info-gain":
		if spec.MaxComparisons > 0 {
			budget = float64(spec.MaxComparisons)
		}
		if batch == 0 {
			batch = float64(max(10, n/2))
		}
	}
	return 2*int(math.Ceil(budget/batch)) + 1
}

// bounded stops a strategy after a number of batches.
type bounded struct {
	utility.Strategy
	maxBatches int
}

func (b bounded) Next(s *utility.State) ([]utility.Query, error) {
	if s.Round > b.maxBatches {
		return nil, nil
	}
	return b.Strategy.Next(s)
}

// PseudoLabelThreshold forwards the wrapped strategy's (0: none).
func (b bounded) PseudoLabelThreshold() float64 {
	if p, ok := b.Strategy.(utility.PseudoLabeler); ok {
		return p.PseudoLabelThreshold()
	}
	return 0
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
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if len(opts.Parts) > 0 && !slices.Contains(opts.Parts, ac.PartName) {
			continue
		}
		inner, err := StrategyFor(ac.Spec)
		if err != nil {
			return out, fmt.Errorf("study: active run %s: %w", ac.Base.Part, err)
		}
		eng, err := e.EngineFor(ac.Base.Model)
		if err != nil {
			return out, err
		}
		s := bounded{inner, ac.Spec.maxBatches(len(ac.Base.Tasks))}
		u, sums, err := utility.RunActive(ctx, eng, e.RunsDir(), ac.Base, s, &utility.ActiveOptions{Seed: uint64(ac.Spec.Seed) + uint64(i)})
		if err != nil {
			return out, fmt.Errorf("study: active run %s: %w", ac.Base.Part, err)
		}
		dir := layout.Active(e.Study.dir, ac.Base.Part)
		if err := e.writeActiveFit(dir, u); err != nil {
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

// writeActiveFit writes a learner's final fit to dir; a read-only Env only
// checks that the stored fit is the same.
func (e *Env) writeActiveFit(dir string, u *utility.Utilities) error {
	counts := utility.RunCounts{Choices: int(u.Comparisons)}
	if !e.Engine.ReadOnly {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("study: %w", err)
		}
		return utility.WriteRunFit(dir, u, counts)
	}
	tmp, err := os.MkdirTemp("", "prefscope-fit-")
	if err != nil {
		return fmt.Errorf("study: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := utility.WriteRunFit(tmp, u, counts); err != nil {
		return err
	}
	for _, path := range []func(string) string{layout.Utilities, layout.Fit} {
		want, _ := os.ReadFile(path(tmp))
		have, err := os.ReadFile(path(dir))
		if err != nil || !bytes.Equal(have, want) {
			return fmt.Errorf("study: %s: %w", path(dir), measure.ErrNeedsWrite)
		}
	}
	return nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/utility"
)

// strategyFor builds the learner a study's active_learning key names; zero
// fields keep the strategy's published settings.
func strategyFor(spec measure.ActiveLearningSpec) (utility.Strategy, error) {
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
	return nil, fmt.Errorf("unknown active-learning strategy %q (known: %v)", spec.Strategy, measure.ActiveStrategies)
}

// runActiveParts drives every active-learning run of the study and writes
// each final fit to <study>/active/<part>/ (utilities.csv, fit.yaml).
func runActiveParts(ctx context.Context, dir string, parts []string, opts measure.StudyOptions, stdout io.Writer) error {
	env, err := measure.OpenStudy(dir, opts)
	if err != nil {
		return err
	}
	defer env.Close()
	acs, err := env.Study.ActiveConfigs(env.Tasks, env.Catalog)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, p := range parts {
		want[p] = true
	}
	for i, ac := range acs {
		if len(want) > 0 && !want[ac.PartName] {
			continue
		}
		s, err := strategyFor(ac.Spec)
		if err != nil {
			return fmt.Errorf("active run %s: %w", ac.Base.Part, err)
		}
		u, sums, err := utility.RunActive(ctx, env.Engine, env.RunsDir(), ac.Base, s, &utility.ActiveOptions{Seed: uint64(ac.Spec.Seed) + uint64(i)})
		if err != nil {
			return fmt.Errorf("active run %s: %w", ac.Base.Part, err)
		}
		calls, done := 0, 0
		for _, sm := range sums {
			calls += sm.Total
			done += sm.Done
		}
		out := filepath.Join(dir, "active", ac.Base.Part)
		if err := writeFit(out, u, utility.RunCounts{Choices: int(u.Comparisons)}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %s, %d batch runs, %d calls (%d now), %.0f comparisons fitted; utilities in %s\n", ac.Base.Part, s.Name(), len(sums), calls, done, u.Comparisons, out)
	}
	return nil
}

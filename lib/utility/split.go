package utility

import (
	"fmt"

	"github.com/prefscope/prefscope/lib/measure"
)

// Split is a set of comparisons divided for Replay into a training pool and
// a held-out set: the shape a simulated Study has, built from any samples.
type Split struct {
	// IDs names the tasks when the split comes from a stored run (SplitRun);
	// nil for index-only samples.
	IDs []string
	// TrainSamples are the training comparisons one by one, in their
	// original order (Replay answers queries from them); Train pools them.
	TrainSamples []Comparison
	// Train and Test pool the training and held-out comparisons.
	Train, Test *Data
}

// N is the number of tasks.
func (sp *Split) N() int { return sp.Train.N() }

// NewSplit divides samples over n tasks with SplitSamples (a share holdOut
// of the distinct pairs, with all their samples, held out; 0 means 0.1)
// and pools the training samples, in order, into Train.
func NewSplit(n int, samples []Comparison, holdOut float64, seed uint64) (*Split, error) {
	train, test, err := SplitSamples(n, samples, holdOut, seed)
	if err != nil {
		return nil, err
	}
	sp := &Split{TrainSamples: train, Train: NewData(n), Test: test}
	for _, s := range train {
		if err := sp.Train.Add(s.A, s.B, s.WinsA, 1-s.WinsA); err != nil {
			return nil, err
		}
	}
	return sp, nil
}

// SplitRun reads a stored revealed run's choices (SamplesFromRun: task
// indices into the run's sorted task IDs) and splits them with NewSplit.
func SplitRun(r *measure.Run, holdOut float64, seed uint64) (*Split, error) {
	ids, samples, err := SamplesFromRun(r)
	if err != nil {
		return nil, err
	}
	sp, err := NewSplit(len(ids), samples, holdOut, seed)
	if err != nil {
		return nil, fmt.Errorf("utility: run %s: %w", r.File.ID, err)
	}
	sp.IDs = ids
	return sp, nil
}

// studySplit views a simulated study as a Split.
func studySplit(st *Simulation) *Split {
	return &Split{TrainSamples: st.TrainSamples, Train: st.Train, Test: st.Test}
}

// Budget returns share of the training pool: the number of distinct pairs
// and of comparisons, rounded down.
func (sp *Split) Budget(share float64) (pairs, comparisons int) {
	return int(share * float64(len(sp.Train.Pairs()))), int(share * sp.Train.Comparisons())
}

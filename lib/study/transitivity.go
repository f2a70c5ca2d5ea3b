package study

import (
	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/transitivity"
)

// Transitivity runs the transitivity analysis of one part of the study in
// dir (transitivity.Analyze): triads drawn with seed 1, at most maxSamples
// samples per pair kept (0: all), intervals with bootstrap options o, and
// the planted model's floor when the part's model is simulated
// (PlantedThurstonian).
func Transitivity(dir, part string, maxSamples int, o stats.BootstrapOptions) (*transitivity.Analysis, error) {
	runs, err := PartRuns(dir, part)
	if err != nil {
		return nil, err
	}
	planted, err := PlantedThurstonian(dir, runs)
	if err != nil {
		return nil, err
	}
	return transitivity.Analyze(runs, &transitivity.AnalysisOptions{
		Sample: transitivity.SampleOptions{Seed: 1}, Tournament: transitivity.TournamentOptions{MaxSamples: maxSamples},
		Bootstrap: o, Planted: planted,
	})
}

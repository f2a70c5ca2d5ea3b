package transitivity

import (
	"fmt"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/template"
	"github.com/prefscope/prefscope/lib/utility"
)

// FromRuns builds one tournament per stored run, in order.
func FromRuns(runs []*measure.Run, o *TournamentOptions) ([]*Tournament, error) {
	out := make([]*Tournament, len(runs))
	for k, r := range runs {
		t, err := FromRun(r, o)
		if err != nil {
			return nil, err
		}
		out[k] = t
	}
	return out, nil
}

// FittedModels fits the Thurstonian model to each run's choices
// (utility.FitRun with opts) and returns them in run order.
func FittedModels(runs []*measure.Run, opts *utility.FitOptions) ([]Thurstonian, error) {
	out := make([]Thurstonian, len(runs))
	for k, r := range runs {
		u, _, err := utility.FitRun(r, opts)
		if err != nil {
			return nil, fmt.Errorf("transitivity: %w", err)
		}
		if out[k], err = FromUtilities(u); err != nil {
			return nil, fmt.Errorf("transitivity: run %s: %w", r.File.ID, err)
		}
	}
	return out, nil
}

// AnalysisOptions are the settings of Analyze; the zero value samples
// DefaultTarget triads with seed 0, pools every sample and predicts from
// the fitted models only.
type AnalysisOptions struct {
	Sample     SampleOptions
	Tournament TournamentOptions
	Bootstrap  stats.BootstrapOptions
	// Planted, when set, adds the planted model's prediction (a synthetic
	// study): the planted Thurstonian model of each run, in run order, as
	// plain numbers (lib/study's PlantedThurstonian builds them from the
	// simulated respondent's truth).
	Planted []Thurstonian
	// Fit are the options of the fitted models.
	Fit *utility.FitOptions
}

// Analysis is the transitivity of a set of runs next to its noise floor.
type Analysis struct {
	Tournaments []*Tournament
	Triads      []Triad
	Stats       SampleStats
	Measured    Summary
	// Fitted is the rate the per-run fitted Thurstonian models predict;
	// Planted the planted model's (zero without a truth).
	Fitted, Planted Prediction
	HasPlanted      bool
	// PerRun holds each run's measured summary and planted (or else
	// fitted) prediction; runs without triads are left out.
	PerRun []RunResult
}

// RunResult is one run's transitivity.
type RunResult struct {
	Run      string
	Template template.Template
	Measured Summary
	Floor    Prediction
}

// Analyze draws triads from the runs, summarises them, and predicts the
// noise floor from the fitted (and, with a truth, the planted) models.
func Analyze(runs []*measure.Run, o *AnalysisOptions) (*Analysis, error) {
	if o == nil {
		o = &AnalysisOptions{}
	}
	a := &Analysis{}
	var err error
	if a.Tournaments, err = FromRuns(runs, &o.Tournament); err != nil {
		return nil, err
	}
	if a.Triads, a.Stats, err = Triads(a.Tournaments, &o.Sample); err != nil {
		return nil, err
	}
	if a.Measured, err = Summarize(a.Triads, &o.Bootstrap); err != nil {
		return nil, err
	}
	fitted, err := FittedModels(runs, o.Fit)
	if err != nil {
		return nil, err
	}
	if a.Fitted, err = Predict(a.Tournaments, a.Triads, fitted, &o.Bootstrap); err != nil {
		return nil, err
	}
	floor := fitted
	if o.Planted != nil {
		if len(o.Planted) != len(runs) {
			return nil, fmt.Errorf("transitivity: analyze: %d planted models for %d runs", len(o.Planted), len(runs))
		}
		floor = o.Planted
		if a.Planted, err = Predict(a.Tournaments, a.Triads, floor, &o.Bootstrap); err != nil {
			return nil, err
		}
		a.HasPlanted = true
	}
	for k, tr := range ByRun(a.Triads, len(runs)) {
		if len(tr) == 0 {
			continue
		}
		rr := RunResult{Run: runs[k].File.ID, Template: runs[k].File.Config.Template}
		if rr.Measured, err = Summarize(tr, &o.Bootstrap); err != nil {
			return nil, err
		}
		if rr.Floor, err = Predict(a.Tournaments, tr, floor, &o.Bootstrap); err != nil {
			return nil, err
		}
		a.PerRun = append(a.PerRun, rr)
	}
	return a, nil
}

package transitivity

import (
	"fmt"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model/synth"
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

// PlantedModels is the simulated respondent's planted model for each run:
// the planted utility in the run's template context, the planted Sigma and
// position bias, and the run's temperature.
func PlantedModels(truth *synth.Truth, runs []*measure.Run) []Thurstonian {
	out := make([]Thurstonian, len(runs))
	for k, r := range runs {
		ctx := synth.ContextOf(r.File.Config.Template)
		m := Thurstonian{Mu: map[string]float64{}, Sigma: map[string]float64{}, PositionBias: truth.Params.PositionBias, Temperature: r.File.Config.Temperature}
		for _, id := range r.File.Config.Tasks {
			m.Mu[id], m.Sigma[id] = truth.Utility(id, ctx), truth.Sigma[id]
		}
		out[k] = m
	}
	return out
}

// AnalysisOptions are the settings of Analyze; the zero value samples
// DefaultTarget triads with seed 0, pools every sample and predicts from
// the fitted models only.
type AnalysisOptions struct {
	Sample     SampleOptions
	Tournament TournamentOptions
	Bootstrap  BootstrapOptions
	// Truth, when set, adds the planted model's prediction (a synthetic
	// study).
	Truth *synth.Truth
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
	if o.Truth != nil {
		floor = PlantedModels(o.Truth, runs)
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

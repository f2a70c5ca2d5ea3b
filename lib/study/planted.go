package study

import (
	"fmt"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/robustness"
	"github.com/prefscope/prefscope/lib/template"
	"github.com/prefscope/prefscope/lib/transitivity"
)

// PlantedRunUtilities is the utility of each task of a run that its
// simulated respondent chose by, in the units of its choice model: the
// planted utility in the run's template context (synth.Truth.Utility) plus,
// for a revealed run, the shift its display orders planted through the
// position bias. A task shown first in a share f and second in a share s of
// its parsed choices is favoured by β_pos·(f − s) on average, which a fitted
// utility absorbs (the least-squares shift when its opponents' own shifts
// average out, as in a random comparison graph): under a fixed order that
// shift follows the task ids and is shared by every run with the same order,
// which is how the respondent plants the task_order effect.
func PlantedRunUtilities(truth *synth.Truth, run *measure.Run) (map[string]float64, error) {
	ctx := synth.ContextOf(run.File.Config.Template)
	out := make(map[string]float64, len(run.File.Config.Tasks))
	for _, id := range run.File.Config.Tasks {
		if _, ok := truth.Mu[id]; !ok {
			return nil, fmt.Errorf("study: run %s: task %q has no planted utility", run.File.ID, id)
		}
		out[id] = truth.Utility(id, ctx)
	}
	lead := map[string]float64{} // first minus second
	shown := map[string]float64{}
	for _, rec := range run.Records {
		if rec.Outcome != template.OutcomeChoice || len(rec.Shown) != 2 {
			continue
		}
		lead[rec.Shown[0]]++
		lead[rec.Shown[1]]--
		shown[rec.Shown[0]]++
		shown[rec.Shown[1]]++
	}
	for id, n := range shown {
		if _, ok := out[id]; ok {
			out[id] += truth.Params.PositionBias * lead[id] / n
		}
	}
	return out, nil
}

// ContextUtilities returns the simulated respondent's planted utility of
// each task id in the template context of run r: u_i(c) = μ_i plus the
// planted per-field perturbations (synth.Truth.Utility), the yardstick a
// synthetic run's fit is compared with. A nil truth (a real model) gives
// nil; an id the truth does not know is an error.
func ContextUtilities(truth *synth.Truth, r *measure.Run, ids []string) ([]float64, error) {
	if truth == nil {
		return nil, nil
	}
	ctx := synth.ContextOf(r.File.Config.Template)
	out := make([]float64, len(ids))
	for i, id := range ids {
		if _, ok := truth.Mu[id]; !ok {
			return nil, fmt.Errorf("study: run %s: task %q has no planted utility", r.File.ID, id)
		}
		out[i] = truth.Utility(id, ctx)
	}
	return out, nil
}

// truthOf returns the planted truth of the model that measured run, from
// the study's truths (LoadTruths); nil for a model that is not simulated.
func truthOf(truths map[string]*synth.Truth, run *measure.Run) (*synth.Truth, error) {
	spec := run.File.Config.Model
	if spec.Kind != "synth" {
		return nil, nil
	}
	t, ok := truths[synth.ModelName(spec.Seed)]
	if !ok {
		return nil, fmt.Errorf("study: run %s: no planted truth for model %s (run the study first)", run.File.ID, synth.ModelName(spec.Seed))
	}
	return t, nil
}

// PlantedRobustness is the planted truth of a synthetic study's runs for
// robustness.Analyze: every run's PlantedRunUtilities. It returns nil (and
// no error) when a run's model is not simulated.
func PlantedRobustness(dir string, runs []*measure.Run) (robustness.Planted, error) {
	truths, err := LoadTruths(dir)
	if err != nil {
		return nil, err
	}
	out := robustness.Planted{}
	for _, r := range runs {
		t, err := truthOf(truths, r)
		if err != nil || t == nil {
			return nil, err
		}
		if out[r.File.ID], err = PlantedRunUtilities(t, r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PlantedThurstonian is the planted choice model of each run, in run order,
// for transitivity.AnalysisOptions.Planted: the planted utility in the
// run's template context, the planted σ and position bias, and the run's
// temperature. It returns nil (and no error) when a run's model is not
// simulated.
func PlantedThurstonian(dir string, runs []*measure.Run) ([]transitivity.Thurstonian, error) {
	truths, err := LoadTruths(dir)
	if err != nil {
		return nil, err
	}
	out := make([]transitivity.Thurstonian, len(runs))
	for k, r := range runs {
		t, err := truthOf(truths, r)
		if err != nil || t == nil {
			return nil, err
		}
		out[k] = ThurstonianOf(t, r)
	}
	return out, nil
}

// ThurstonianOf is the planted choice model of one run of truth's
// respondent (see PlantedThurstonian).
func ThurstonianOf(truth *synth.Truth, r *measure.Run) transitivity.Thurstonian {
	ctx := synth.ContextOf(r.File.Config.Template)
	m := transitivity.Thurstonian{Mu: map[string]float64{}, Sigma: map[string]float64{}, PositionBias: truth.Params.PositionBias, Temperature: r.File.Config.Temperature}
	for _, id := range r.File.Config.Tasks {
		m.Mu[id], m.Sigma[id] = truth.Utility(id, ctx), truth.Sigma[id]
	}
	return m
}

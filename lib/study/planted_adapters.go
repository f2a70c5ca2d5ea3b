package study

import (
	"errors"
	"fmt"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/positivity"
	"github.com/prefscope/prefscope/lib/steering"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// The analysis packages take planted numbers through small interfaces of
// their own (positivity.PlantedRatings, steering.Planted) so that they do
// not import the simulator; the adapters below answer them from a
// *synth.Truth.

// plantedTruth adapts a simulated respondent's truth to the analysis
// packages' Planted interfaces.
type plantedTruth struct{ t *synth.Truth }

// RatingProbs implements positivity.PlantedRatings.
func (p plantedTruth) RatingProbs(taskID string, tpl template.Template, options int, temperature float64) ([]float64, bool) {
	return p.t.RatingProbsAt(taskID, synth.ContextOf(tpl), synth.Framing(tpl), tpl.Scale, options, temperature), true
}

// Shift implements steering.Planted: no vector, no shift.
func (p plantedTruth) Shift(vector []float32, layer int, m float64) float64 {
	if vector == nil {
		return 0
	}
	return p.t.SteerShift(p.t.SteerCosine(vector, layer), m)
}

// ChoiceProb implements steering.Planted.
func (p plantedTruth) ChoiceProb(first, second string, tpl template.Template, temperature, shiftFirst, shiftSecond float64) float64 {
	return p.t.SteeredChoiceProb(first, second, synth.ContextOf(tpl), temperature, shiftFirst, shiftSecond)
}

// steeredRatings is plantedTruth seen as steering.Planted, whose
// RatingProbs takes the steering shift.
type steeredRatings struct{ plantedTruth }

// RatingProbs implements steering.Planted.
func (p steeredRatings) RatingProbs(taskID string, tpl template.Template, options int, temperature, shift float64) []float64 {
	return p.t.SteeredRatingProbs(taskID, synth.ContextOf(tpl), synth.Framing(tpl), tpl.Scale, options, temperature, shift)
}

// Cosine implements steering.Planted.
func (p steeredRatings) Cosine(vector []float32, layer int) float64 {
	return p.t.SteerCosine(vector, layer)
}

// Gain implements steering.Planted.
func (p steeredRatings) Gain() float64 { return p.t.Params.SteerGain }

// CoherenceLimit implements steering.Planted.
func (p steeredRatings) CoherenceLimit() float64 { return p.t.Params.CoherenceLimit }

// PlantedRatings is the planted rating behaviour of a truth, for
// positivity.FromRuns; nil for a nil truth.
func PlantedRatings(t *synth.Truth) positivity.PlantedRatings {
	if t == nil {
		return nil
	}
	return plantedTruth{t}
}

// PlantedSteering is the planted steering behaviour of a truth, for
// steering.Analyze; nil (not a non-nil interface holding nil) for a nil
// truth, so the analysis then leaves Planted empty.
func PlantedSteering(t *synth.Truth) steering.Planted {
	if t == nil {
		return nil
	}
	return steeredRatings{plantedTruth{t}}
}

// LoadPlantedSteering is the planted steering behaviour of the study in
// dir (LoadTruth through PlantedSteering): nil without an error when the
// study's model is not simulated.
func LoadPlantedSteering(dir string) (steering.Planted, error) {
	t, err := LoadTruth(dir)
	if errors.Is(err, ErrNoTruth) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return PlantedSteering(t), nil
}

// LoadPlantedRatings is the planted rating behaviour of every synth model
// the study in dir measures, keyed by model label (LoadTruths through
// PlantedRatings), for positivity.RunOptions; empty when none is simulated.
func LoadPlantedRatings(dir string) (map[string]positivity.PlantedRatings, error) {
	truths, err := LoadTruths(dir)
	if err != nil {
		return nil, err
	}
	return plantedRatingsOf(truths), nil
}

// PlantedTruths rebuilds the planted rating behaviour of every synth model
// the runs name, keyed by model label, from its seed and the tasks (the
// truth is a pure function of both; default parameters, as the study uses).
// A run of a synth model whose tasks are missing is an error naming it.
func PlantedTruths(runs []*measure.Run, tasks []task.Task) (map[string]positivity.PlantedRatings, error) {
	known := make(map[string]bool, len(tasks))
	for _, t := range tasks {
		known[t.ID] = true
	}
	truths := map[string]*synth.Truth{}
	for _, run := range runs {
		spec := run.File.Config.Model
		if spec.Kind != model.KindSynth {
			continue
		}
		for _, id := range run.File.Config.Tasks {
			if !known[id] {
				return nil, fmt.Errorf("study: run %s: task %q is not in the task list", run.File.ID, id)
			}
		}
		if label := spec.Label(); truths[label] == nil {
			truths[label] = synth.NewTruth(tasks, spec.Seed, synth.Params{})
		}
	}
	return plantedRatingsOf(truths), nil
}

func plantedRatingsOf(truths map[string]*synth.Truth) map[string]positivity.PlantedRatings {
	out := make(map[string]positivity.PlantedRatings, len(truths))
	for label, t := range truths {
		out[label] = PlantedRatings(t)
	}
	return out
}

package steering

import (
	"fmt"
	"math"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/template"
)

// Baseline is the Direction of the unsteered runs (multiplier 0).
const Baseline = "baseline"

// Probe is the Direction label of the steered direction under test.
const Probe = "probe"

// Run is one stored run of a steering part with its steering settings.
type Run struct {
	Run *measure.Run
	// Direction is Baseline, Probe or "random k".
	Direction  string
	Random     bool
	Multiplier float64
	// Vector is the unit direction (nil for the baseline); Layer and Mode
	// are the run's steering settings.
	Vector []float32
	Layer  int
	Mode   model.SteerMode
}

// Answer is one answer of a steering part.
type Answer struct {
	// Cluster is the pair ("a|b", canonical order) or the rated task.
	Cluster string
	// Order is 0 when the pair's canonical first task was shown first, 1
	// when reversed; always 0 for ratings.
	Order      int
	Direction  string
	Random     bool
	Multiplier float64
	Outcome    template.Outcome
	// Value is 1 when the first-shown task was chosen (0 otherwise), or
	// the rating's score in [0, 1] (best option 1); NaN when not parsed.
	Value float64
	// Planted is the planted P(first chosen) or expected score of the
	// answer on a synthetic study, NaN otherwise.
	Planted float64
}

// Planted gives the planted behaviour of the simulated respondent of a
// steering part. lib/study implements it for the simulator's truth, so this
// package stays below it.
type Planted interface {
	// Shift is the planted utility shift of a task steered along vector
	// at layer with multiplier m (0 for a nil vector).
	Shift(vector []float32, layer int, m float64) float64
	// ChoiceProb is the planted probability that the first-shown task is
	// chosen over the second, under tpl at temperature, with the utility
	// shifts of the first and the second shown task.
	ChoiceProb(first, second string, tpl template.Template, temperature, shiftFirst, shiftSecond float64) float64
	// RatingProbs are the planted probabilities of each of options
	// options, best first, of a task rated under tpl at temperature with
	// utility shift shift.
	RatingProbs(taskID string, tpl template.Template, options int, temperature, shift float64) []float64
	// Cosine is the cosine between vector and the planted direction at
	// layer; Gain the planted slope of the shift in that cosine; and
	// CoherenceLimit the multiplier up to which answers stay coherent.
	Cosine(vector []float32, layer int) float64
	Gain() float64
	CoherenceLimit() float64
}

// FromRuns reads every answer of the runs. planted, when not nil, is the
// planted behaviour of the simulated respondent that answered, and fills
// Planted (the runs must then all be synth runs of that respondent).
func FromRuns(runs []Run, planted Planted) ([]Answer, error) {
	var out []Answer
	for _, r := range runs {
		if r.Run == nil {
			return nil, fmt.Errorf("steering: run of direction %s at multiplier %v was not measured", r.Direction, r.Multiplier)
		}
		cfg := r.Run.File.Config
		tpl := cfg.Template
		var shift float64
		if planted != nil {
			shift = planted.Shift(r.Vector, r.Layer, r.Multiplier)
		}
		for _, rec := range r.Run.Records {
			a := Answer{Direction: r.Direction, Random: r.Random, Multiplier: r.Multiplier, Outcome: rec.Outcome, Value: math.NaN(), Planted: math.NaN()}
			switch rec.Kind {
			case template.PreRevealed, template.PostRevealed:
				if len(rec.Shown) != 2 {
					return nil, fmt.Errorf("steering: run %s: record %s shows %d tasks, want 2", r.Run.File.ID, rec.Key, len(rec.Shown))
				}
				a.Cluster = rec.TaskA + "|" + rec.TaskB
				if rec.Shown[0] != rec.TaskA {
					a.Order = 1
				}
				if rec.Outcome == template.OutcomeChoice {
					a.Value = 0
					if rec.Winner == rec.Shown[0] {
						a.Value = 1
					}
				}
				if planted != nil {
					shSecond := shift
					if r.Mode == model.SteerDifferential {
						shSecond = -shift
					}
					a.Planted = planted.ChoiceProb(rec.Shown[0], rec.Shown[1], tpl, cfg.Temperature, shift, shSecond)
				}
			default:
				a.Cluster = rec.TaskA
				if rec.Outcome == template.OutcomeRating && rec.Score != nil {
					a.Value = *rec.Score
				}
				if planted != nil {
					k := len(rec.Options)
					if k < 2 {
						return nil, fmt.Errorf("steering: run %s: record %s has %d rating options", r.Run.File.ID, rec.Key, k)
					}
					probs := planted.RatingProbs(rec.TaskA, tpl, k, cfg.Temperature, shift)
					a.Planted = 0
					for j, p := range probs {
						a.Planted += p * (1 - float64(j)/float64(k-1))
					}
				}
			}
			out = append(out, a)
		}
	}
	return out, nil
}

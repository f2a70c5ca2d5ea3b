package positivity

import (
	"fmt"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// Rating is one rating answer, the unit every table counts.
type Rating struct {
	Model     string        `json:"model"`
	Part      string        `json:"part,omitempty"`
	Kind      template.Kind `json:"kind,omitempty"`
	Framing   string        `json:"framing"`
	OptionSet string        `json:"option_set"`
	Origin    string        `json:"origin"`
	Task      string        `json:"task,omitempty"`
	// Outcome is template.OutcomeRating for a parsed answer, else a refusal
	// or unparseable.
	Outcome template.Outcome `json:"outcome"`
	// Option is the chosen option, 0 = best (parsed answers only), of
	// Options options.
	Option  int `json:"option"`
	Options int `json:"options"`
	// Planted, when not nil, are the planted probabilities of each option,
	// best first (a synthetic study's truth for this very call).
	Planted []float64 `json:"planted,omitempty"`
}

// Score is the answer's score in [−1, 1]: 1 − 2·Option/(Options−1).
func (r Rating) Score() float64 { return optionScore(r.Option, r.Options) }

func optionScore(k, n int) float64 { return 1 - 2*float64(k)/float64(n-1) }

// check reports a rating that cannot be counted.
func (r Rating) check() error {
	if r.Options < 2 {
		return fmt.Errorf("%d options (need at least 2)", r.Options)
	}
	switch r.Outcome {
	case template.OutcomeRating:
		if r.Option < 0 || r.Option >= r.Options {
			return fmt.Errorf("option %d out of range 0..%d", r.Option, r.Options-1)
		}
	case template.OutcomeRefusal, template.OutcomeUnparseable:
	default:
		return fmt.Errorf("outcome %q is not a rating outcome", r.Outcome)
	}
	if r.Planted != nil && len(r.Planted) != r.Options {
		return fmt.Errorf("%d planted probabilities for %d options", len(r.Planted), r.Options)
	}
	return nil
}

// ModelLabel names the model of a run (model.Spec.Label): the synth
// respondent's own name ("synth:<seed>"), a served model's name, or a local
// checkpoint's directory name.
func ModelLabel(spec model.Spec) string { return spec.Label() }

// PlantedRatings gives the planted rating probabilities of one simulated model:
// the probabilities of each of options options, best first, with which it
// rates a task shown through tpl at temperature. ok is false when the model
// planted nothing for that call (the rating then has no Planted). lib/study
// implements it for the simulator's truth, so this package stays below it.
type PlantedRatings interface {
	RatingProbs(taskID string, tpl template.Template, options int, temperature float64) (probs []float64, ok bool)
}

// RunOptions control FromRuns. The zero value reads ratings without planted
// probabilities.
type RunOptions struct {
	// Planted maps a model label (ModelLabel) to its planted rating
	// probabilities; answers of those models get Planted.
	Planted map[string]PlantedRatings
}

// FromRuns reads the rating answers of stored runs: every record of every
// stated-kind run (revealed runs hold choices, not ratings, and are
// skipped). tasks gives each task's origin. A record that cannot be read (an
// unknown task, a parsed rating without an option, a scale with fewer than
// two options) is an error naming the run and the record key.
func FromRuns(runs []*measure.Run, tasks []task.Task, o *RunOptions) ([]Rating, error) {
	if o == nil {
		o = &RunOptions{}
	}
	origin := make(map[string]string, len(tasks))
	for _, t := range tasks {
		origin[t.ID] = t.Origin
	}
	var out []Rating
	for _, run := range runs {
		cfg := run.File.Config
		tpl := cfg.Template
		if tpl.Kind != template.PreStated && tpl.Kind != template.PostStated {
			continue
		}
		label := ModelLabel(cfg.Model)
		planted := o.Planted[label]
		for _, rec := range run.Records {
			bad := func(msg string, args ...any) error {
				return fmt.Errorf("positivity: run %s record %s: %s", run.File.ID, rec.Key, fmt.Sprintf(msg, args...))
			}
			org, ok := origin[rec.TaskA]
			if !ok {
				return nil, bad("task %q is not in the task list", rec.TaskA)
			}
			r := Rating{
				Model: label, Part: cfg.Part, Kind: tpl.Kind, Framing: tpl.Fields.Phrasing, OptionSet: tpl.Scale,
				Origin: org, Task: rec.TaskA, Outcome: rec.Outcome, Options: len(rec.Options),
			}
			if rec.Outcome == template.OutcomeRating {
				if rec.Option == nil {
					return nil, bad("rating outcome without an option")
				}
				r.Option = *rec.Option
			}
			if planted != nil && r.Options >= 2 {
				if probs, ok := planted.RatingProbs(rec.TaskA, tpl, r.Options, rec.Temperature); ok {
					r.Planted = probs
				}
			}
			if err := r.check(); err != nil {
				return nil, bad("%v", err)
			}
			out = append(out, r)
		}
	}
	return out, nil
}

package positivity

import (
	"fmt"
	"path/filepath"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
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

// ModelLabel names the model of a run: the synth respondent's own name
// (synth.ModelName, "synth:<seed>"), a served model's name, or a local
// checkpoint's directory name.
func ModelLabel(spec model.Spec) string {
	switch {
	case spec.Kind == "synth":
		return synth.ModelName(spec.Seed)
	case spec.Name != "":
		return spec.Name
	case spec.Path != "":
		return filepath.Base(filepath.Clean(spec.Path))
	}
	return spec.Kind
}

// RunOptions control FromRuns. The zero value reads ratings without planted
// probabilities.
type RunOptions struct {
	// Truths maps a model label (ModelLabel) to its planted truth; answers of
	// those models get Planted.
	Truths map[string]*synth.Truth
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
		truth := o.Truths[label]
		ctx := synth.ContextOf(tpl)
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
			if truth != nil && r.Options >= 2 {
				r.Planted = truth.RatingProbsAt(rec.TaskA, ctx, synth.Framing(tpl), tpl.Scale, r.Options, rec.Temperature)
			}
			if err := r.check(); err != nil {
				return nil, bad("%v", err)
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// PlantedTruths rebuilds the planted truth of every synth model the runs
// name, keyed by ModelLabel, from its seed and the study's tasks (the truth
// is a pure function of both; default parameters, as the study uses).
func PlantedTruths(runs []*measure.Run, tasks []task.Task) map[string]*synth.Truth {
	out := map[string]*synth.Truth{}
	for _, run := range runs {
		spec := run.File.Config.Model
		if spec.Kind != "synth" {
			continue
		}
		if label := ModelLabel(spec); out[label] == nil {
			out[label] = synth.NewTruth(tasks, spec.Seed, synth.Params{})
		}
	}
	return out
}

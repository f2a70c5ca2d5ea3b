package synth

import (
	"fmt"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// FromSpec opens the respondent a spec of kind synth names (its seed
// plants the truth) for tasks, read through cat. Nil tasks means the
// committed default task set, a nil cat the default catalog.
func FromSpec(spec model.Spec, tasks []task.Task, cat *template.Catalog) (*Model, error) {
	if spec.Kind != model.KindSynth {
		return nil, fmt.Errorf("synth: spec of kind %q, want %s", spec.Kind, model.KindSynth)
	}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if tasks == nil {
		var err error
		if tasks, err = task.Default(); err != nil {
			return nil, fmt.Errorf("synth: %w", err)
		}
	}
	return New(Options{Seed: spec.Seed, Tasks: tasks, Catalog: cat, Profile: spec.Name, Params: Params{HiddenSize: spec.HiddenSize}})
}

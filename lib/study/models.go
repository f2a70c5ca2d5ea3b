package study

import (
	"fmt"
	"slices"
	"sync"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// ModelFactory builds a model for a study. tasks is the study's universe.
type ModelFactory func(spec measure.ModelSpec, tasks []task.Task, cat *template.Catalog) (model.Model, error)

var (
	factoriesMu sync.Mutex
	factories   = map[string]ModelFactory{
		"synth": func(spec measure.ModelSpec, tasks []task.Task, cat *template.Catalog) (model.Model, error) {
			return synth.New(synth.Options{Seed: spec.Seed, Tasks: tasks, Catalog: cat, Params: synth.Params{HiddenSize: spec.HiddenSize}})
		},
	}
)

// RegisterModel makes a model kind available to studies. "synth" is built
// in; the CLI registers "llama" and "openai", so that notebooks, which only
// need synth, never compile GoMLX.
func RegisterModel(kind string, f ModelFactory) {
	factoriesMu.Lock()
	defer factoriesMu.Unlock()
	factories[kind] = f
}

// OpenModel builds the model a spec names.
func OpenModel(spec measure.ModelSpec, tasks []task.Task, cat *template.Catalog) (model.Model, error) {
	factoriesMu.Lock()
	f, ok := factories[spec.Kind]
	known := make([]string, 0, len(factories))
	for k := range factories {
		known = append(known, k)
	}
	factoriesMu.Unlock()
	if !ok {
		slices.Sort(known)
		return nil, fmt.Errorf("study: model kind %q is not available here (registered: %v; llama and openai come with the prefscope CLI)", spec.Kind, known)
	}
	return f(spec, tasks, cat)
}

package study

import (
	"fmt"
	"slices"
	"sync"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/openai"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// ModelEnv is what opening a model may need from its study. Zero fields
// take the defaults: the committed task set, the default catalog and
// os.Getenv.
type ModelEnv struct {
	// Tasks is the study's universe; the simulated respondent answers
	// about these tasks.
	Tasks []task.Task
	// Catalog reads prompts (synth).
	Catalog *template.Catalog
	// Getenv reads the API key of a served model.
	Getenv func(string) string
}

// ModelFactory opens a model of one kind from its spec.
type ModelFactory func(spec model.Spec, env ModelEnv) (model.Model, error)

// LlamaPackage is the package whose import registers the llama kind.
const LlamaPackage = "github.com/prefscope/prefscope/lib/study/llamakind"

var (
	factoriesMu sync.Mutex
	factories   = map[string]ModelFactory{
		model.KindSynth: func(spec model.Spec, env ModelEnv) (model.Model, error) {
			return synth.FromSpec(spec, env.Tasks, env.Catalog)
		},
		model.KindOpenAI: func(spec model.Spec, env ModelEnv) (model.Model, error) {
			return openai.FromSpec(spec, env.Getenv)
		},
	}
)

// RegisterModel makes a model kind (one of model.Kinds) available to
// studies. "synth" and "openai" are built in; "llama" is registered by
// importing LlamaPackage, so that code which never opens local weights
// never compiles GoMLX.
func RegisterModel(kind string, f ModelFactory) {
	factoriesMu.Lock()
	defer factoriesMu.Unlock()
	factories[kind] = f
}

// OpenModel opens the model spec names, with the default task set and
// catalog: one call opens a model of any kind in a notebook.
func OpenModel(spec model.Spec) (model.Model, error) { return OpenModelWith(spec, ModelEnv{}) }

// OpenModelWith opens the model spec names for a study's tasks and catalog.
// The spec is validated first, so an error names the key at fault.
func OpenModelWith(spec model.Spec, env ModelEnv) (model.Model, error) {
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	factoriesMu.Lock()
	f, ok := factories[spec.Kind]
	factoriesMu.Unlock()
	if !ok {
		return nil, fmt.Errorf("study: model kind %q is not linked into this program: import _ %q (it compiles GoMLX)", spec.Kind, LlamaPackage)
	}
	m, err := f(spec, env)
	if err != nil {
		return nil, fmt.Errorf("study: opening model %s: %w", spec.Kind, err)
	}
	return m, nil
}

// ModelKinds lists the kinds this program can open, sorted.
func ModelKinds() []string {
	factoriesMu.Lock()
	defer factoriesMu.Unlock()
	kinds := make([]string, 0, len(factories))
	for k := range factories {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

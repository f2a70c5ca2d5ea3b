package study

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
	"go.yaml.in/yaml/v3"
)

// ExtractSpec is a study's extract key: the activation capture settings,
// which tasks to capture, the activation model and where the completions
// come from.
type ExtractSpec struct {
	activations.Spec `yaml:",inline"`
	// Tasks samples the tasks to extract; N = 0 takes all.
	Tasks SampleSpec `yaml:"tasks,omitempty"`
	// Model is the activation model, local weights (kind llama, or synth);
	// empty means the study's model.
	Model *model.Spec `yaml:"model,omitempty"`
	// Completions names where the assistant turns come from. Empty: the
	// activation model's own completion cache, completing what is missing
	// (possible only when the activation model is one of the study's).
	Completions *CompletionSource `yaml:"completions,omitempty"`
}

// CompletionSource names a completion cache to read, never to write:
// either a part (its model's cache, with the part's completion
// temperature and max tokens and the study's completion seed plus Sample,
// so the completion is the one that part rated) or one of the study's
// models (with the extract key's completion_seed, _temperature and
// _max_tokens).
type CompletionSource struct {
	Part   string      `yaml:"part,omitempty"`
	Sample int         `yaml:"sample,omitempty"`
	Model  *model.Spec `yaml:"model,omitempty"`
}

// completionSource is a resolved CompletionSource: the engine whose cache
// is read, the key of each task's completion, and whether a missing one
// may be generated (only by the activation model itself, without a source).
type completionSource struct {
	engine   *measure.Engine
	key      measure.CompletionKey // Task filled per task
	generate bool
	what     string
}

// Extract captures activations for the study's extract key: for each task,
// the conversation [user: task, assistant: completion] read by the
// activation model (extract.model, default the study's). With
// extract.completions the completion is read byte for byte from that
// source's cache, and a missing one is an error naming the task: nothing
// is generated behind the caller's back. Every index entry names the model
// that wrote the completion. It returns the store's directory
// (activations.Dir of the activation model).
func Extract(ctx context.Context, dir string, opts Options) (string, error) {
	env, err := Open(dir, opts)
	if err != nil {
		return "", err
	}
	defer env.Close()
	s, tasks := env.Study, env.Tasks
	if s.Extract == nil {
		return "", fmt.Errorf("study: %s: no extract key", layout.Study(dir))
	}
	ex := *s.Extract
	am, closeModel, err := env.activationModel(ex)
	if err != nil {
		return "", err
	}
	defer closeModel()
	src, err := env.completionSource(ex)
	if err != nil {
		return "", err
	}
	if ex.Tasks.N > 0 {
		if tasks, err = task.Sample(tasks, task.SampleOptions{N: ex.Tasks.N, Seed: uint64(ex.Tasks.Seed)}); err != nil {
			return "", fmt.Errorf("study: extract.tasks: %w", err)
		}
	}
	author := src.engine.Model.Name()
	items := make([]activations.Item, 0, len(tasks))
	seen := map[string]bool{}
	for _, t := range tasks {
		if seen[t.ID] {
			continue // a sample drawn with replacement: one conversation per task
		}
		seen[t.ID] = true
		comp, err := src.completion(ctx, t)
		if err != nil {
			return "", err
		}
		items = append(items, activations.Item{
			ID:       t.ID,
			Messages: []model.Message{{Role: model.RoleUser, Content: t.Prompt}, {Role: model.RoleAssistant, Content: comp}},
			Meta:     map[string]string{"origin": t.Origin},
			Author:   author,
		})
	}
	out := activations.Dir(dir, am.Name())
	n, err := activations.Extract(ctx, am, items, ex.Spec, out, opts.Progress)
	if opts.Log != nil {
		fmt.Fprintf(opts.Log, "extract: %d new, %d already done, in %s (completions: %s)\n", n, len(items)-n, out, src.what)
	}
	return out, err
}

// activationModel opens the extract key's activation model: one of the
// study's (already open), or local weights opened here and closed after.
func (e *Env) activationModel(ex ExtractSpec) (model.ActivationModel, func(), error) {
	m, done := e.Model, func() {}
	if ex.Model != nil {
		if eng, err := e.EngineFor(*ex.Model); err == nil {
			m = eng.Model
		} else {
			opened, err := OpenModelWith(*ex.Model, ModelEnv{Tasks: e.Tasks, Catalog: e.Catalog, Getenv: os.Getenv})
			if err != nil {
				return nil, nil, fmt.Errorf("study: extract.model: %w", err)
			}
			m = opened
			if c, ok := opened.(io.Closer); ok {
				done = func() { c.Close() }
			}
		}
	}
	am, ok := m.(model.ActivationModel)
	if !ok {
		done()
		return nil, nil, fmt.Errorf("study: extract: model %s cannot return activations (use local weights: kind llama, or synth)", m.Name())
	}
	return am, done, nil
}

// completionSource resolves the extract key's completions.
func (e *Env) completionSource(ex ExtractSpec) (*completionSource, error) {
	s := e.Study
	c := ex.Completions
	if c == nil {
		spec := s.Model
		if ex.Model != nil {
			spec = *ex.Model
		}
		eng, err := e.EngineFor(spec)
		if err != nil {
			return nil, fmt.Errorf("study: extract: the activation model is not one of the study's models, so extract.completions must name a part or a model whose completions to read")
		}
		return &completionSource{engine: eng, generate: true, what: "the activation model's own, completed where missing",
			key: measure.CompletionKey{Seed: ex.CompletionSeed, Temperature: ex.CompletionTemperature, MaxTokens: ex.CompletionMaxTokens}}, nil
	}
	if c.Part != "" {
		for _, p := range s.Parts {
			if p.Name != c.Part {
				continue
			}
			eng, err := e.EngineFor(s.PartModel(p))
			if err != nil {
				return nil, err
			}
			return &completionSource{engine: eng, what: fmt.Sprintf("part %s, sample %d, by %s", p.Name, c.Sample, eng.Model.Name()),
				key: measure.CompletionKey{Seed: s.Seed + int64(c.Sample), Temperature: p.CompletionTemperature, MaxTokens: p.CompletionMaxTokens}}, nil
		}
		return nil, fmt.Errorf("study: extract.completions.part: no part named %q", c.Part)
	}
	eng, err := e.EngineFor(*c.Model)
	if err != nil {
		return nil, fmt.Errorf("study: extract.completions.model: %w", err)
	}
	return &completionSource{engine: eng, what: "the cache of " + eng.Model.Name(),
		key: measure.CompletionKey{Seed: ex.CompletionSeed, Temperature: ex.CompletionTemperature, MaxTokens: ex.CompletionMaxTokens}}, nil
}

// errNotCached is what the stand-in model of a read-only lookup answers.
var errNotCached = errors.New("not in the completion cache")

// refuseCompletion stands in for a source's model in a lookup that must
// not generate.
type refuseCompletion struct{}

func (refuseCompletion) Name() string { return "read-only completion cache" }

func (refuseCompletion) Chat(context.Context, model.Request) (model.Response, error) {
	return model.Response{}, errNotCached
}

// completion returns task t's completion from the source.
func (c *completionSource) completion(ctx context.Context, t task.Task) (string, error) {
	key := c.key
	key.Task = t.ID
	if c.generate {
		return c.engine.Completion(ctx, key, t.Prompt)
	}
	cache := c.engine.Completions
	if cache == nil {
		return "", fmt.Errorf("study: extract: %s has no completion cache", c.engine.Model.Name())
	}
	once := func(ctx context.Context, f func() (int, error)) (int, error) { return f() }
	text, err := cache.Get(ctx, refuseCompletion{}, key, t.Prompt, once)
	if errors.Is(err, errNotCached) {
		return "", fmt.Errorf("study: extract: task %s has no completion (seed %d, temperature %g, max_tokens %d) from %s: measure that part first; extraction never writes completions with another model",
			t.ID, key.Seed, key.Temperature, key.MaxTokens, c.what)
	}
	return text, err
}

// validateExtract checks the extract key's positions, model and
// completion source against the study, with the key's line.
func (s *Study) validateExtract(root *yaml.Node) error {
	ex := s.Extract
	if ex == nil {
		return nil
	}
	if err := ex.Positions.Validate(); err != nil {
		return keyErr(root, []string{"extract", "positions"}, "%v", err)
	}
	if ex.MaxBatchTokens < 0 || ex.ShardSize < 0 {
		return keyErr(root, []string{"extract"}, "max_batch_tokens and shard_size must not be negative")
	}
	c := ex.Completions
	if c == nil {
		if ex.Model != nil && !s.hasModel(*ex.Model) {
			return keyErr(root, []string{"extract", "model"}, "is not one of the study's models, so extract.completions must name a part or a model whose completions to read")
		}
		return nil
	}
	switch {
	case (c.Part == "") == (c.Model == nil):
		return keyErr(root, []string{"extract", "completions"}, "name exactly one of part or model")
	case c.Sample < 0:
		return keyErr(root, []string{"extract", "completions", "sample"}, "must not be negative, got %d", c.Sample)
	case c.Model != nil && !s.hasModel(*c.Model):
		return keyErr(root, []string{"extract", "completions", "model"}, "is not one of the study's models (the study's model or a part's)")
	}
	if c.Part != "" {
		for _, p := range s.Parts {
			if p.Name == c.Part {
				if p.Kind != template.PostRevealed && p.Kind != template.PostStated {
					return keyErr(root, []string{"extract", "completions", "part"}, "part %s is %s, which completes no tasks (use a post-task part)", p.Name, p.Kind)
				}
				if c.Sample >= max(p.Samples, 1) {
					return keyErr(root, []string{"extract", "completions", "sample"}, "part %s has %d samples, so sample %d was never completed", p.Name, p.Samples, c.Sample)
				}
				return nil
			}
		}
		return keyErr(root, []string{"extract", "completions", "part"}, "no part named %q", c.Part)
	}
	return nil
}

func (s *Study) hasModel(spec model.Spec) bool {
	for _, m := range s.Models() {
		if m == spec {
			return true
		}
	}
	return false
}

package study

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/task"
)

// ExtractSpec is a study's extract key: the activation capture settings and
// which tasks to capture.
type ExtractSpec struct {
	activations.Spec `yaml:",inline"`
	// Tasks samples the tasks to extract; N = 0 takes all.
	Tasks SampleSpec `yaml:"tasks,omitempty"`
}

// Extract captures activations for the study's extract key: for each task,
// the conversation [user: task, assistant: completion] with the completion
// taken from (or added to) the study's completion cache. It returns the
// store's directory (activations.Dir).
func Extract(ctx context.Context, dir string, opts Options) (string, error) {
	env, err := Open(dir, opts)
	if err != nil {
		return "", err
	}
	defer env.Close()
	s, m, tasks := env.Study, env.Model, env.Tasks
	if s.Extract == nil {
		return "", fmt.Errorf("study: %s: no extract key", filepath.Join(dir, "study.yaml"))
	}
	am, ok := m.(model.ActivationModel)
	if !ok {
		return "", fmt.Errorf("study: model %s cannot return activations (use synth or llama)", m.Name())
	}
	ex := *s.Extract
	if ex.Tasks.N > 0 {
		if tasks, err = task.Sample(tasks, task.SampleOptions{N: ex.Tasks.N, Seed: uint64(ex.Tasks.Seed)}); err != nil {
			return "", fmt.Errorf("study: extract.tasks: %w", err)
		}
	}
	items := make([]activations.Item, 0, len(tasks))
	for _, t := range tasks {
		key := measure.CompletionKey{Task: t.ID, Seed: ex.CompletionSeed, Temperature: ex.CompletionTemperature, MaxTokens: ex.CompletionMaxTokens}
		comp, err := env.Engine.Completion(ctx, key, t.Prompt)
		if err != nil {
			return "", err
		}
		items = append(items, activations.Item{
			ID:       t.ID,
			Messages: []model.Message{{Role: model.RoleUser, Content: t.Prompt}, {Role: model.RoleAssistant, Content: comp}},
			Meta:     map[string]string{"origin": t.Origin},
		})
	}
	out := activations.Dir(dir, m.Name())
	n, err := activations.Extract(ctx, am, items, ex.Spec, out, opts.Progress)
	if opts.Log != nil {
		fmt.Fprintf(opts.Log, "extract: %d new, %d already done, in %s\n", n, len(items)-n, out)
	}
	return out, err
}

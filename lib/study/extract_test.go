package study

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/internal/llamatest"
	"github.com/prefscope/prefscope/lib/internal/synthtest"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/llama"
	"github.com/prefscope/prefscope/lib/model/openai/fakeserver"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// registerServedAndLocal links local weights (llama) into this test binary
// for one test, the way lib/study/llamakind does for programs, and restores
// the registry afterwards so other tests still see it without llama.
func registerServedAndLocal(t *testing.T) {
	factoriesMu.Lock()
	saved := maps.Clone(factories)
	factoriesMu.Unlock()
	t.Cleanup(func() {
		factoriesMu.Lock()
		factories = saved
		factoriesMu.Unlock()
	})
	RegisterModel("llama", func(spec model.Spec, _ ModelEnv) (model.Model, error) {
		return llama.Open(spec.Path, &llama.Options{Backend: "go"})
	})
}

const servedStudy = `name: served
model: {kind: openai, name: served-model, base_url: %q}
tasks: {default: true}
seed: 1
parts:
  - name: post_rating
    kind: post_stated
    tasks: {n: 6, seed: 2}
    templates:
      list:
        - kind: post_stated
          scale: good_neutral_bad
          fields: {task_order: canonical, instruction_position: before, response_format: plain, phrasing: how, typos: false, punctuation: false, language: en, task_labels: letter, instruction_xml: false, situating_context: false, seed: 0}
    samples: 2
    temperature: 1
extract:
  layers: [1, 2]
  positions: [end_of_turn, user_end, assistant_mean, prompt_last]
  tasks: {n: %d, seed: 2}
  model: {kind: llama, path: %q}
  completions: {part: post_rating, sample: 1}
`

// A study measured on a served model (the fake OpenAI server answering as
// synth) and extracted with local weights reads the very completions that
// were rated: the index names the served model as their author, and each
// stored vector equals the local model's activations of [task, the served
// model's completion], the completion computed independently from synth.
func TestExtractServedCompletionsWithLocalWeights(t *testing.T) {
	ckpt := t.TempDir()
	llamatest.WriteTiny(t, ckpt, llamatest.Options{Seed: 5})
	registerServedAndLocal(t)
	fx := synthtest.New(t, 4)
	tasks, sm := fx.Tasks, fx.Model
	srv := fakeserver.Start(fakeserver.Config{Model: sm})
	defer srv.Close()
	dir := t.TempDir()
	write := func(n int) {
		if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(fmt.Sprintf(servedStudy, srv.URL(), n, ckpt)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(6)
	ctx := context.Background()
	if _, err := Run(ctx, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	out, err := Extract(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	local, err := llama.Open(ckpt, &llama.Options{Backend: "go"})
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	byID := map[string]task.Task{}
	for _, tk := range tasks {
		byID[tk.ID] = tk
	}
	for _, pos := range []model.Positions{{Kind: model.PosEndOfTurn}, {Kind: model.PosAssistantMean}} {
		set, err := activations.LoadPosition(out, 2, pos.Name())
		if err != nil {
			t.Fatal(err)
		}
		if len(set.IDs) != 6 {
			t.Fatalf("%d items extracted, want 6", len(set.IDs))
		}
		for i, id := range set.IDs {
			if set.Authors[i] != "openai:served-model" {
				t.Errorf("item %s: author %q, want the served model", id, set.Authors[i])
			}
			// The completion part post_rating's sample 1 rated: seed = study
			// seed + 1, the part's completion temperature (0).
			resp, err := sm.Chat(ctx, model.Request{Messages: template.CompletionMessages(byID[id].Prompt), Seed: 2, Temperature: 0})
			if err != nil {
				t.Fatal(err)
			}
			msgs := []model.Message{{Role: model.RoleUser, Content: byID[id].Prompt}, {Role: model.RoleAssistant, Content: resp.Text}}
			want, err := local.Activations(ctx, model.ActivationRequest{Messages: msgs, Layers: []int{2}, Positions: pos})
			if err != nil {
				t.Fatal(err)
			}
			if e := maxRelDiff(set.X[i], want.Vectors[0][0]); e > 1e-5 {
				t.Errorf("item %s %s: stored vector differs from the served completion's by %.2e", id, pos.Name(), e)
			}
		}
	}
	// A task whose completion was never rated is an error naming it; no
	// completion is generated.
	hits := len(srv.Hits())
	write(9)
	if _, err := Extract(ctx, dir, Options{}); err == nil || !strings.Contains(err.Error(), "has no completion") || !strings.Contains(err.Error(), "task ") {
		t.Fatalf("missing completion: %v, want an error naming the task", err)
	}
	if len(srv.Hits()) != hits {
		t.Errorf("extraction called the served model %d times", len(srv.Hits())-hits)
	}
}

func maxRelDiff(a, b []float32) float64 {
	var num, den float64
	for i := range a {
		num = max(num, abs64(float64(a[i])-float64(b[i])))
		den = max(den, abs64(float64(b[i])))
	}
	return num / max(den, 1e-30)
}

func abs64(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestValidateExtractKey(t *testing.T) {
	base := "name: s\nmodel: {kind: synth, seed: 1}\ntasks: {default: true}\nseed: 1\nparts:\n  - {name: pre, kind: pre_stated, tasks: {n: 3}, templates: {sample: 1}, samples: 1}\n  - {name: post, kind: post_stated, tasks: {n: 3}, templates: {sample: 1}, samples: 2}\nextract:\n  layers: [1]\n"
	cases := map[string]string{
		"  positions: [middle]\n":                                               "unknown kind",
		"  positions: [last]\n  completions: {part: pre}\n":                     "completes no tasks",
		"  positions: [last]\n  completions: {part: nope}\n":                    "no part named",
		"  positions: [last]\n  completions: {part: post, sample: 2}\n":         "never completed",
		"  positions: [last]\n  completions: {}\n":                              "exactly one of part or model",
		"  positions: [last]\n  model: {kind: llama, path: /x}\n":               "must name a part or a model",
		"  positions: [last]\n  completions: {model: {kind: synth, seed: 9}}\n": "not one of the study's models",
	}
	for extra, want := range cases {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(base+extra), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "line") {
			t.Errorf("%q: %v, want %q with a line", extra, err, want)
		}
	}
}

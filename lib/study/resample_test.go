package study

import (
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/task"
)

func TestResampleDraw(t *testing.T) {
	tasks, err := task.Default()
	if err != nil {
		t.Fatal(err)
	}
	r := &ResampleSpec{N: 1000, Seed: 4}
	a, err := r.Draw(tasks)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := r.Draw(tasks)
	orig := map[string]task.Task{}
	for _, tk := range tasks {
		orig[tk.ID] = tk
	}
	ids, prompts, repeats := map[string]bool{}, map[string]bool{}, map[string]int{}
	for i, tk := range a {
		if tk.ID != b[i].ID {
			t.Fatal("draws are not reproducible from the seed")
		}
		base, _, ok := strings.Cut(tk.ID, "~")
		src, known := orig[base]
		if !ok || !known || src.Origin != tk.Origin || !strings.HasPrefix(tk.Prompt, src.Prompt) {
			t.Fatalf("draw %d: %s does not come from a task of the universe", i, tk.ID)
		}
		if ids[tk.ID] || prompts[tk.Prompt] {
			t.Fatalf("draw %d: id or prompt repeated", i)
		}
		ids[tk.ID], prompts[tk.Prompt] = true, true
		repeats[base]++
	}
	// 1,000 draws from 240 tasks: some task is drawn more than once.
	most := 0
	for _, n := range repeats {
		most = max(most, n)
	}
	if most < 2 {
		t.Error("no task drawn twice: not drawn with replacement")
	}
	if _, err := (&ResampleSpec{N: 0}).Draw(tasks); err == nil {
		t.Error("n = 0 should be an error")
	}
	m, err := OpenModelWith(model.Spec{Kind: "synth", Seed: 1, HiddenSize: 4096}, ModelEnv{Tasks: a})
	if err != nil {
		t.Fatal(err)
	}
	if w := m.(model.ActivationModel).HiddenSize(); w != 4096 {
		t.Errorf("synth hidden size %d, want the spec's 4096", w)
	}
}

package study

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/template"
)

func loadTestStudy(t *testing.T, yaml string) (*Study, []measure.RunConfig, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(dir)
	if err != nil {
		return nil, nil, err
	}
	tasks, err := s.LoadTasks()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := s.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	cfgs, err := s.RunConfigs(tasks, cat)
	return s, cfgs, err
}

func TestStudyTaskOrder(t *testing.T) {
	head := "name: s\nmodel: {kind: synth}\ntasks: {default: true}\nparts:\n"
	cases := []struct {
		name string
		part string
		want []string // task_order of each run
	}{
		{"sampled templates keep their level", `  - {name: a, kind: pre_revealed, templates: {sample: 4, seed: 1}, pairs: {per_task: 2}, samples: 1}`, []string{"", "", "", ""}},
		{"part override", `  - {name: a, kind: pre_revealed, task_order: random, templates: {sample: 3, seed: 1}, pairs: {per_task: 2}, samples: 1}`, []string{"random", "random", "random"}},
		{"listed template defaults to random", `  - {name: a, kind: pre_revealed, templates: {list: [{fields: {instruction_position: before, response_format: xml, phrasing: prefer, language: en, task_labels: number}}]}, pairs: {per_task: 2}, samples: 1}`, []string{"random"}},
		{"grid base without order is random", `  - {name: a, kind: pre_revealed, templates: {grid: {scales: [""], base: {instruction_position: before, response_format: plain, language: fr, task_labels: letter}}}, pairs: {per_task: 2}, samples: 1}`, []string{"random", "random", "random"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, cfgs, err := loadTestStudy(t, head+c.part+"\n")
			if err != nil {
				t.Fatal(err)
			}
			if len(cfgs) != len(c.want) {
				t.Fatalf("%d runs, want %d", len(cfgs), len(c.want))
			}
			for i, cfg := range cfgs {
				got := cfg.Template.Fields.TaskOrder
				if c.want[i] == "" {
					if got != template.OrderCanonical && got != template.OrderReversed {
						t.Errorf("run %d: task_order %q", i, got)
					}
				} else if got != c.want[i] {
					t.Errorf("run %d: task_order %q, want %q", i, got, c.want[i])
				}
			}
		})
	}
}

func TestStudyErrors(t *testing.T) {
	head := "name: s\nmodel: {kind: synth}\ntasks: {default: true}\nparts:\n"
	cases := []struct {
		name, body, want string
	}{
		{"unknown key", head + "  - {name: a, kind: pre_revealed, templates: {sample: 1}, pairs: {dense: true}, samples: 1, tempreature: 1}\n", "line 5"},
		{"no pairs", head + "  - {name: a, kind: pre_revealed, templates: {sample: 1}, samples: 1}\n", "needs pairs"},
		{"two template choices", head + "  - {name: a, kind: pre_stated, templates: {sample: 1, grid: {scales: [1-5]}}, samples: 1}\n", "exactly one of"},
		{"bad strategy", head + "  - {name: a, kind: pre_revealed, templates: {sample: 1}, samples: 1, active_learning: {strategy: psychic}}\n", "not one of"},
		{"active learning on ratings", head + "  - {name: a, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1, active_learning: {strategy: paper}}\n", "revealed kind"},
		{"bad task order", head + "  - {name: a, kind: pre_revealed, task_order: sideways, templates: {sample: 1}, pairs: {dense: true}, samples: 1}\n", "task_order"},
		{"duplicate part", head + "  - {name: a, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1}\n  - {name: a, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1}\n", "duplicate part"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := loadTestStudy(t, c.body)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}

func TestCurrentRunsIgnoresStaleRuns(t *testing.T) {
	dir := t.TempDir()
	write := func(samples string) {
		y := "name: s\nmodel: {kind: synth, seed: 1}\ntasks: {default: true}\nparts:\n  - {name: a, kind: pre_stated, tasks: {n: 8, seed: 1}, templates: {sample: 2, seed: 1, scale: 1-5}, samples: " + samples + ", temperature: 1}\n"
		if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("1")
	if _, err := Run(context.Background(), dir, Options{}); err != nil {
		t.Fatal(err)
	}
	write("2") // a changed part: new run ids; the old runs stay on disk
	if _, err := Run(context.Background(), dir, Options{}); err != nil {
		t.Fatal(err)
	}
	all, _ := measure.ReadRuns(dir)
	runs, other, err := CurrentRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 || len(runs) != 2 || other != 2 {
		t.Fatalf("%d stored, %d current, %d other; want 4, 2, 2", len(all), len(runs), other)
	}
	for _, r := range runs {
		if r.File.Config.Samples != 2 {
			t.Errorf("run %s has samples %d, want the current 2", r.File.ID, r.File.Config.Samples)
		}
	}
}

// LoadTruth reads back exactly the truth the respondent planted, activation
// directions included (they are re-derived, not stored).
func TestLoadTruthMatchesPlanted(t *testing.T) {
	dir := t.TempDir()
	y := "name: s\nmodel: {kind: synth, seed: 5}\ntasks: {default: true}\nparts:\n  - {name: a, kind: pre_stated, tasks: {n: 4, seed: 1}, templates: {sample: 1, seed: 1, scale: 1-5}, samples: 1, temperature: 1}\n"
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTruth(dir); err == nil || !strings.Contains(err.Error(), TruthFile) {
		t.Fatalf("before the study is opened: %v, want an error naming %s", err, TruthFile)
	}
	env, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := synth.NewTruth(env.Tasks, 5, synth.Params{})
	env.Close()
	got, err := LoadTruth(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("truth read back differs from the planted one")
	}
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(strings.Replace(y, "kind: synth", "kind: openai", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTruth(dir); !errors.Is(err, ErrNoTruth) {
		t.Fatalf("real model: %v, want ErrNoTruth", err)
	}
}

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
		{"unknown profile", head + "  - {name: a, kind: pre_stated, model: {kind: synth, seed: 3, name: chaotic}, templates: {sample: 1, scale: 1-5}, samples: 1}\n", "line 5: key parts[0].model.name: unknown sensitivity profile"},
		{"one seed two profiles", head + "  - {name: a, kind: pre_stated, model: {kind: synth, name: coherent}, templates: {sample: 1, scale: 1-5}, samples: 1}\n", "synth seed 0 is used with profiles"},
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
	want := env.Model.(*synth.Model).Truth()
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

// A part may name its own model: its runs carry that model, the other
// parts keep the study's model and their run ids, and each synth model's
// truth is written and read back by name.
func TestPartModels(t *testing.T) {
	dir := t.TempDir()
	part := func(name, model string) string {
		return "  - {name: " + name + model + ", kind: post_stated, tasks: {n: 6, seed: 1}, templates: {grid: {scales: [yes_no], phrasings: [future, did_enjoy], base: {response_format: plain, language: en}}}, samples: 1, temperature: 1}\n"
	}
	head := "name: s\nmodel: {kind: synth, seed: 5}\ntasks: {default: true}\nparts:\n" + part("a", "")
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(head), 0o644); err != nil {
		t.Fatal(err)
	}
	alone, err := Run(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	y := head + part("b", ", model: {kind: synth, seed: 9}")
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Configs) != 4 {
		t.Fatalf("%d runs, want 2 parts x 2 phrasings", len(res.Configs))
	}
	for i, cfg := range res.Configs {
		wantSeed, wantPhr := int64(5), []string{"future", "did_enjoy"}[i%2]
		if cfg.Part == "b" {
			wantSeed = 9
		}
		if cfg.Model.Seed != wantSeed || cfg.Template.Fields.Phrasing != wantPhr {
			t.Errorf("run %d (%s): model seed %d phrasing %s, want %d %s", i, cfg.Part, cfg.Model.Seed, cfg.Template.Fields.Phrasing, wantSeed, wantPhr)
		}
		if cfg.Part == "a" && (cfg.ID() != alone.Configs[i].ID() || res.Summaries[i].Done != 0) {
			t.Errorf("part a run %d: id %s (alone %s), %d calls made again; want the same id, all stored", i, cfg.ID(), alone.Configs[i].ID(), res.Summaries[i].Done)
		}
	}
	truths, err := LoadTruths(dir)
	if err != nil {
		t.Fatal(err)
	}
	env, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	for _, spec := range env.Study.Models() {
		eng, err := env.EngineFor(spec)
		if err != nil {
			t.Fatal(err)
		}
		want := eng.Model.(*synth.Model).Truth()
		if got := truths[eng.Model.Name()]; !reflect.DeepEqual(got, want) {
			t.Errorf("truth of %s read back differs from the planted one", eng.Model.Name())
		}
	}
	if len(truths) != 2 {
		t.Errorf("%d truths, want 2", len(truths))
	}
	if _, err := os.Stat(filepath.Join(dir, "completions", "synth_9.jsonl")); err != nil {
		t.Errorf("part model's completion cache: %v", err)
	}
}

func TestGridPhrasingErrors(t *testing.T) {
	y := "name: s\nmodel: {kind: synth}\ntasks: {default: true}\nparts:\n  - {name: a, kind: post_stated, templates: {grid: {scales: [yes_no], phrasings: [prefer], base: {language: en}}}, samples: 1}\n"
	if _, _, err := loadTestStudy(t, y); err == nil || !strings.Contains(err.Error(), `"prefer" is not a post_stated phrasing`) {
		t.Fatalf("error %v, want one naming the phrasing", err)
	}
	y = "name: s\nmodel: {kind: synth}\ntasks: {default: true}\nparts:\n  - {name: a, kind: post_stated, model: {seed: 3}, templates: {grid: {scales: [yes_no]}}, samples: 1}\n"
	if _, _, err := loadTestStudy(t, y); err == nil || !strings.Contains(err.Error(), "model.kind") {
		t.Fatalf("error %v, want missing model.kind", err)
	}
}

package study_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/repo"
	"github.com/prefscope/prefscope/lib/study"
	"github.com/prefscope/prefscope/lib/template"
	"github.com/prefscope/prefscope/lib/utility"
)

// smallDefaultStudy writes the committed default study into a temporary
// directory with every part shrunk (few tasks, templates and samples) and an
// active-learning part added, so that every kind of file a study holds is
// made in a few seconds.
func smallDefaultStudy(t *testing.T) string {
	t.Helper()
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(layout.Study(filepath.Join(root, "data", "studies", "default")))
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := yaml.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	parts, _ := s["parts"].([]any)
	if len(parts) < 4 {
		t.Fatalf("default study has %d parts; the test expects the committed one", len(parts))
	}
	for _, p := range parts {
		part := p.(map[string]any)
		part["tasks"] = map[string]any{"n": 8, "seed": 1}
		part["samples"] = 1
		if pairs, ok := part["pairs"].(map[string]any); ok && pairs["per_task"] != nil {
			pairs["per_task"] = 3
		}
		tpl, _ := part["templates"].(map[string]any)
		if tpl["sample"] != nil {
			tpl["sample"] = 2
		}
		if grid, ok := tpl["grid"].(map[string]any); ok {
			grid = copyMap(grid) // the YAML anchors share one map
			grid["scales"] = grid["scales"].([]any)[:1]
			grid["phrasings"] = grid["phrasings"].([]any)[:2]
			tpl["grid"] = grid
		}
	}
	s["parts"] = append(parts, map[string]any{
		"name": "learner", "kind": "pre_revealed", "tasks": map[string]any{"n": 12, "seed": 1},
		"templates": map[string]any{"sample": 1, "seed": 3}, "samples": 1, "temperature": 1,
		"active_learning": map[string]any{"strategy": "random", "batch_size": 12, "max_pairs": 24, "seed": 5},
	})
	if ex, ok := s["extract"].(map[string]any); ok {
		ex["tasks"] = map[string]any{"n": 6, "seed": 1}
	}
	out, err := yaml.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(layout.Study(dir), out, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Every file a generated study holds (runs, fits, completion caches, the
// planted truths, the activation store, the analysis store, the locks) is
// one lib/layout names: no package spells a study path of its own.
func TestEveryStudyFileIsNamedByLayout(t *testing.T) {
	dir := smallDefaultStudy(t)
	ctx := context.Background()
	if _, err := study.Run(ctx, dir, study.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := study.Extract(ctx, dir, study.Options{}); err != nil {
		t.Fatal(err)
	}
	runs, _, err := study.CurrentRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	fitted := 0
	for _, r := range runs {
		if k := r.File.Config.Template.Kind; k == template.PreRevealed || k == template.PostRevealed {
			u, c, err := utility.FitRun(r, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := utility.WriteRunFit(r.Dir, u, c); err != nil {
				t.Fatal(err)
			}
			fitted++
		}
	}
	if err := layout.SaveAnalysis(dir, "walk_test", map[string]int{"fitted": fitted}); err != nil {
		t.Fatal(err)
	}

	seen := map[string]int{}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		kind, ok := layout.Classify(dir, path)
		if !ok {
			t.Errorf("%s: a file lib/layout does not name", path)
		}
		if d.IsDir() != (kind == layout.KindDir) && ok {
			t.Errorf("%s: classified %s, but IsDir is %v", path, kind, d.IsDir())
		}
		seen[kind]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The walk must have met every kind the study makes, or it proves little.
	for _, k := range []string{layout.KindStudy, layout.KindLock, layout.KindTruth, layout.KindPartTruth,
		layout.KindRunConfig, layout.KindMeasurements, layout.KindUtilities, layout.KindFit,
		layout.KindCompletions, layout.KindExtract, layout.KindIndex, layout.KindShard, layout.KindAnalysis} {
		if seen[k] == 0 {
			t.Errorf("no %s file in the generated study (kinds seen: %v)", k, seen)
		}
	}
	if fitted == 0 {
		t.Error("no revealed run was fitted")
	}
}

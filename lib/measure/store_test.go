package measure

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

func storeConfig(t *testing.T) (*Engine, RunConfig) {
	m, cat, tasks, byID := setup(t)
	tp := cat.Generate(template.PreStated, "1-5")[0]
	cfg := RunConfig{Part: "s", Model: model.Spec{Kind: "synth", Seed: 1}, Template: tp, Tasks: ids(tasks, 10), Samples: 3, Temperature: 1, Seed: 3}
	return &Engine{Model: m, Catalog: cat, Tasks: byID, Concurrency: 4}, cfg
}

// A second writer of the same run is refused (or waits) while the first
// holds the run's lock; the store ends up with every call exactly once.
func TestRunLock(t *testing.T) {
	eng, cfg := storeConfig(t)
	dir := t.TempDir()
	cfg, err := eng.withInputs(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lock, err := WriteLock(context.Background(), filepath.Join(dir, cfg.ID()), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Run(context.Background(), dir, cfg); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "pid") {
		t.Fatalf("run under another writer's lock: %v", err)
	}
	lock.Unlock()
	waiting := *eng
	waiting.WaitForLock = true
	var wg sync.WaitGroup
	sums := make([]Summary, 4)
	errs := make([]error, 4)
	for i := range sums {
		wg.Add(1)
		go func() { defer wg.Done(); sums[i], errs[i] = waiting.Run(context.Background(), dir, cfg) }()
	}
	wg.Wait()
	done := 0
	for i, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", i, err)
		}
		done += sums[i].Done
	}
	run, err := ReadRun(filepath.Join(dir, cfg.ID()))
	if err != nil {
		t.Fatal(err)
	}
	if done != 30 || len(run.Records) != 30 {
		t.Fatalf("%d calls made by 4 waiting writers, %d records stored; want 30 and 30", done, len(run.Records))
	}
}

// Lines refused with ErrRejectLine move whole to <path>.rejected; the kept
// lines stay in order, and appends after reopening go to the end.
func TestAppendLogRejects(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.jsonl")
	if err := os.WriteFile(path, []byte("{\"k\":1}\n{\"k\":\"bad\"}\n{\"k\":2}\n{\"k\":3"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := OpenAppendLog(path, func(line []byte, _ int) error {
		if strings.Contains(string(line), "bad") {
			return ErrRejectLine
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if l.Rejected() != 1 {
		t.Errorf("rejected %d lines, want 1", l.Rejected())
	}
	if err := l.Append(map[string]int{"k": 4}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	b, _ := os.ReadFile(path)
	if string(b) != "{\"k\":1}\n{\"k\":2}\n{\"k\":4}\n" {
		t.Errorf("store holds %q", b)
	}
	if r, _ := os.ReadFile(path + ".rejected"); string(r) != "{\"k\":\"bad\"}\n" {
		t.Errorf("rejected file holds %q", r)
	}
}

// An edited prompt changes the run id; the same text keeps it.
func TestInputHashCoversPrompts(t *testing.T) {
	eng, cfg := storeConfig(t)
	a, err := eng.withInputs(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := eng.withInputs(cfg)
	if a.ID() != b.ID() {
		t.Fatal("run id is not stable")
	}
	edited := map[string]task.Task{}
	for k, v := range eng.Tasks {
		edited[k] = v
	}
	tk := edited[cfg.Tasks[3]]
	tk.Prompt += " (edited)"
	edited[tk.ID] = tk
	e2 := *eng
	e2.Tasks = edited
	c, err := e2.withInputs(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID() == a.ID() {
		t.Error("an edited prompt kept the run id")
	}
	if _, err := e2.withInputs(a); err == nil {
		t.Error("a config expanded from other prompts was accepted")
	}
	big := cfg
	big.Samples = MaxRunCalls
	if _, err := eng.Run(context.Background(), t.TempDir(), big); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("run of %d calls: %v", big.Calls(), err)
	}
}

// versionedModel answers as its inner model under a behaviour version.
type versionedModel struct {
	model.Model
	version string
}

func (v versionedModel) Version() string { return v.version }

// A versioned model's runs record its version, which is part of the run
// id: a run configured for another version is refused, naming both, and
// the same config answered by a new version is a new run, not a resume.
func TestRespondentVersion(t *testing.T) {
	eng, cfg := storeConfig(t)
	dir := t.TempDir()
	cfg.Samples = 1
	v1 := *eng
	v1.Model = versionedModel{eng.Model, "v1"}
	sum, err := v1.Run(context.Background(), dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	run, err := ReadRun(sum.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if run.File.Config.Respondent != "v1" || !strings.HasSuffix(sum.Dir, run.File.Config.ID()) {
		t.Errorf("stored respondent %q in %s, want v1 and the id of that config", run.File.Config.Respondent, sum.Dir)
	}
	v2 := v1
	v2.Model = versionedModel{eng.Model, "v2"}
	if _, err := v2.Run(context.Background(), dir, run.File.Config); err == nil || !strings.Contains(err.Error(), `"v1"`) || !strings.Contains(err.Error(), `"v2"`) {
		t.Errorf("a v1 config answered by v2: %v, want an error naming both", err)
	}
	sum2, err := v2.Run(context.Background(), dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sum2.Dir == sum.Dir || sum2.Done != 10 {
		t.Errorf("v2 run in %s (v1's: %s), %d calls made; want a new run of 10 calls", sum2.Dir, sum.Dir, sum2.Done)
	}
}

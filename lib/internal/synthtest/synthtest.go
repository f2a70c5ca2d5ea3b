// Package synthtest is the test fixture of the simulated respondent, so
// that tests do not rebuild it: the default task set and template catalog,
// a synth.Model with a seed over them, a measurement engine wired to it,
// the templates the default study holds fixed, and measuring one run
// through the real engine, parser and store into a temporary directory.
//
// It is for tests only (it fails the test on any error) and, being
// internal, only packages under lib can import it. lib/model/synth and
// lib/measure cannot use it in their own package tests: it imports them.
package synthtest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// Fixture is the simulated respondent over the default tasks and catalog.
type Fixture struct {
	Tasks   []task.Task
	ByID    map[string]task.Task
	Catalog *template.Catalog
	Model   *synth.Model
	Seed    int64
}

// New builds the respondent with seed over the default task set (all 240
// tasks) and the default template catalog, or fails the test.
func New(t testing.TB, seed int64) *Fixture {
	t.Helper()
	tasks, err := task.Default()
	if err != nil {
		t.Fatalf("synthtest: default tasks: %v", err)
	}
	return NewWith(t, seed, tasks)
}

// NewWith is New over the given tasks (a sample of the default set, or
// tasks built by the test).
func NewWith(t testing.TB, seed int64, tasks []task.Task) *Fixture {
	t.Helper()
	cat, err := template.DefaultCatalog()
	if err != nil {
		t.Fatalf("synthtest: default catalog: %v", err)
	}
	m, err := synth.New(synth.Options{Seed: seed, Tasks: tasks, Catalog: cat})
	if err != nil {
		t.Fatalf("synthtest: synth model with seed %d: %v", seed, err)
	}
	byID := make(map[string]task.Task, len(tasks))
	for _, tk := range tasks {
		byID[tk.ID] = tk
	}
	return &Fixture{Tasks: tasks, ByID: byID, Catalog: cat, Model: m, Seed: seed}
}

// Truth is the respondent's planted truth.
func (f *Fixture) Truth() *synth.Truth { return f.Model.Truth() }

// Spec is the model spec a run of this respondent names.
func (f *Fixture) Spec() model.Spec { return model.Spec{Kind: "synth", Seed: f.Seed} }

// Engine is a measurement engine for the respondent with concurrency
// calls in flight (4 when concurrency is not positive).
func (f *Fixture) Engine(concurrency int) *measure.Engine {
	if concurrency <= 0 {
		concurrency = 4
	}
	return &measure.Engine{Model: f.Model, Catalog: f.Catalog, Tasks: f.ByID, Concurrency: concurrency}
}

// IDs returns the id of every k-th task (every task for k ≤ 1).
func (f *Fixture) IDs(k int) []string {
	k = max(k, 1)
	var ids []string
	for i, tk := range f.Tasks {
		if i%k == 0 {
			ids = append(ids, tk.ID)
		}
	}
	return ids
}

// Plain reports whether the fields are those the default study holds fixed
// outside its robustness part: English, plain text, no typos or
// punctuation perturbation, no instruction XML, no situating context.
func Plain(f template.Fields) bool {
	return f.Language == "en" && f.ResponseFormat == template.FormatPlain &&
		!f.Typos && !f.Punctuation && !f.InstructionXML && !f.SituatingContext
}

// Template returns the first template of the catalog of kind and scale
// (empty for revealed kinds) whose fields match, or fails the test.
func (f *Fixture) Template(t testing.TB, kind template.Kind, scale string, match func(template.Fields) bool) template.Template {
	t.Helper()
	for _, tp := range f.Catalog.Generate(kind, scale) {
		if match(tp.Fields) {
			return tp
		}
	}
	t.Fatalf("synthtest: no %s template with scale %q matches", kind, scale)
	return template.Template{}
}

// Measure runs cfg through the engine into dir/runs and reads the stored
// run back, or fails the test.
func Measure(t testing.TB, eng *measure.Engine, dir string, cfg measure.RunConfig) *measure.Run {
	t.Helper()
	sum, err := eng.Run(context.Background(), filepath.Join(dir, "runs"), cfg)
	if err != nil {
		t.Fatalf("synthtest: measure %s: %v", cfg.Part, err)
	}
	run, err := measure.ReadRun(sum.Dir)
	if err != nil {
		t.Fatalf("synthtest: read run %s: %v", sum.RunID, err)
	}
	return run
}

// AllPairs is every pair of ids in canonical order (a dense design).
func AllPairs(ids []string) [][2]string {
	var out [][2]string
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			out = append(out, [2]string{ids[i], ids[j]})
		}
	}
	return out
}

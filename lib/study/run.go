package study

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/progress"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// Options control Open, Run and Extract.
type Options struct {
	// Parts restricts the run to these part names; empty runs all. A name
	// that is not a part of the study is an error.
	Parts []string
	// Progress starts progress bars (progress.Writer(os.Stderr),
	// progress.NotebookBars(os.Stderr)); Run shows one bar per part (see
	// progress.Parts); nil is silent. Log receives one line per run.
	Progress progress.Bars
	Log      io.Writer
	// Concurrency overrides the study's.
	Concurrency int
	// Wait makes a writer wait for another process that holds the study's
	// lock (see measure.WriteLock) instead of failing with its holder.
	Wait bool
}

// Result lists what Run did: every fixed-design run, then every
// active-learning run.
type Result struct {
	Summaries []measure.Summary
	Configs   []measure.RunConfig
	Active    []ActiveResult
	// StaleRuns and StaleRecords count stored runs (and their records) of
	// the current fixed-design configs measured on other task prompts or
	// templates: the study's inputs were edited, so they are not reused.
	StaleRuns, StaleRecords int
}

// Env is an opened study: its file, tasks, catalog, models and an engine
// per model wired to that model's completion cache. An Env opened for
// writing holds the study's lock (one writer per study, across processes)
// until Close.
type Env struct {
	Study   *Study
	Tasks   []task.Task
	Catalog *template.Catalog
	// Model and Engine are the study's own model and its engine; parts that
	// name another model run on EngineFor(that model).
	Model   model.Model
	Engine  *measure.Engine
	engines map[model.Spec]*measure.Engine
	caches  []*measure.CompletionCache
	lock    *measure.Lock
	runs    []expanded
}

// Open loads the study in dir, takes its write lock and opens every model
// it measures (the study's and each part's own). For a synth model it also
// writes the planted ground truth: truth.json for the study's model,
// truths/<model>.json for the others (see LoadTruths).
func Open(dir string, opts Options) (*Env, error) {
	return OpenContext(context.Background(), dir, opts)
}

// OpenContext is Open that stops loading (and waiting for the lock) when
// ctx ends.
func OpenContext(ctx context.Context, dir string, opts Options) (*Env, error) {
	return open(ctx, dir, opts, false)
}

// open loads and expands the study, so that a study too large to run fails
// here with its call count, before any file is written. A readOnly Env
// takes no lock and writes nothing: its engines fail with
// measure.ErrNeedsWrite where a write would be needed.
func open(ctx context.Context, dir string, opts Options, readOnly bool) (*Env, error) {
	s, err := Load(dir)
	if err != nil {
		return nil, err
	}
	if err := s.checkParts(opts.Parts); err != nil {
		return nil, err
	}
	tasks, err := s.LoadTasksContext(ctx)
	if err != nil {
		return nil, err
	}
	cat, err := s.LoadCatalog()
	if err != nil {
		return nil, err
	}
	runs, err := s.expand(tasks, cat)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	env := &Env{Study: s, Tasks: tasks, Catalog: cat, runs: runs, engines: map[model.Spec]*measure.Engine{}}
	if !readOnly {
		if env.lock, err = measure.WriteLock(ctx, dir, opts.Wait); err != nil {
			return nil, err
		}
	}
	for i, spec := range s.Models() {
		if err := env.openModel(spec, i == 0, opts, readOnly); err != nil {
			env.Close()
			return nil, err
		}
	}
	return env, nil
}

// openModel opens one of the study's models and its engine; own is the
// study's own model (whose synth truth is truth.json).
func (e *Env) openModel(spec model.Spec, own bool, opts Options, readOnly bool) error {
	s, dir := e.Study, e.Study.dir
	var m model.Model = storedOnly{spec.Kind}
	// A read-only Env makes no calls, so it opens a real model only for the
	// synth truth check (cheap), never a model that loads weights.
	if !readOnly || spec.Kind == "synth" {
		var err error
		if m, err = OpenModelWith(spec, ModelEnv{Tasks: e.Tasks, Catalog: e.Catalog}); err != nil {
			return err
		}
	}
	if sm, ok := m.(*synth.Model); ok {
		path := layout.Truth(dir)
		if !own {
			path = partTruthPath(dir, m.Name())
		}
		if err := writeTruth(path, sm.Truth(), readOnly); err != nil {
			return err
		}
	}
	cache := measure.NewMemoryCompletionCache()
	if !readOnly {
		var err error
		if cache, err = measure.OpenCompletionCache(dir, m.Name()); err != nil {
			return err
		}
		e.caches = append(e.caches, cache)
	}
	byID := make(map[string]task.Task, len(e.Tasks))
	for _, t := range e.Tasks {
		byID[t.ID] = t
	}
	conc := s.Concurrency
	if opts.Concurrency > 0 {
		conc = opts.Concurrency
	}
	eng := &measure.Engine{Model: m, Catalog: e.Catalog, Tasks: byID, Concurrency: conc, BatchSize: s.BatchSize,
		Progress: opts.Progress, Completions: cache, ReadOnly: readOnly, WaitForLock: opts.Wait}
	e.engines[spec] = eng
	if own {
		e.Model, e.Engine = m, eng
	}
	return nil
}

// EngineFor is the engine of one of the study's models (Study.Models).
func (e *Env) EngineFor(spec model.Spec) (*measure.Engine, error) {
	eng, ok := e.engines[spec]
	if !ok {
		return nil, fmt.Errorf("study: model %+v is not one of the study's models", spec)
	}
	return eng, nil
}

// storedOnly stands in for the model of a read-only Env: a call it is asked
// for means the study is not finished.
type storedOnly struct{ kind string }

func (m storedOnly) Name() string { return m.kind + " (stored runs only)" }

func (m storedOnly) Chat(context.Context, model.Request) (model.Response, error) {
	return model.Response{}, measure.ErrNeedsWrite
}

// RunsDir is where the study's runs are stored.
func (e *Env) RunsDir() string { return layout.Runs(e.Study.dir) }

// Close flushes the completion caches and releases the study's lock.
func (e *Env) Close() error {
	var errs []error
	for _, c := range e.caches {
		errs = append(errs, c.Close())
	}
	return errors.Join(append(errs, e.lock.Unlock())...)
}

// checkParts rejects part names the study does not have, so a typo in
// -parts is an error rather than a run that measures nothing.
func (s *Study) checkParts(parts []string) error {
	for _, p := range parts {
		if !slices.ContainsFunc(s.Parts, func(q Part) bool { return q.Name == p }) {
			names := make([]string, len(s.Parts))
			for i, q := range s.Parts {
				names[i] = q.Name
			}
			return fmt.Errorf("study: %s has no part %q (parts: %v)", layout.Study(s.dir), p, names)
		}
	}
	return nil
}

// Run runs or resumes the whole study in dir: every fixed-design run, then
// every active-learning part (each learner's final fit goes to
// <study>/active/<part>/). Stored calls are skipped. A study whose calls are
// all stored is only read: Run first checks it without writing or locking
// (so a finished study needs no write access and can be read while another
// process writes elsewhere), and only then opens it for writing. On error
// the result holds what was done before it; on an error before any run was
// made it is nil.
func Run(ctx context.Context, dir string, opts Options) (*Result, error) {
	var log bytes.Buffer
	ro := opts
	ro.Log, ro.Progress = &log, nil
	res, err := run(ctx, dir, ro, true)
	if err == nil {
		if opts.Log != nil {
			_, err = io.Copy(opts.Log, &log)
		}
		return res, err
	}
	if !errors.Is(err, measure.ErrNeedsWrite) {
		return nil, err
	}
	return run(ctx, dir, opts, false)
}

func run(ctx context.Context, dir string, opts Options, readOnly bool) (*Result, error) {
	env, err := open(ctx, dir, opts, readOnly)
	if err != nil {
		return nil, err
	}
	defer env.Close()
	res := &Result{}
	var cfgs []measure.RunConfig
	for _, c := range env.runs {
		if c.spec == nil && (len(opts.Parts) == 0 || slices.Contains(opts.Parts, c.cfg.Part)) {
			cfgs = append(cfgs, c.cfg)
		}
	}
	if res.StaleRuns, res.StaleRecords, err = staleRuns(dir, cfgs); err != nil {
		return nil, err
	}
	if opts.Log != nil && res.StaleRuns > 0 {
		fmt.Fprintf(opts.Log, "%d stored records in %d runs were measured on other task prompts or templates (edited since, or stored before inputs were hashed); they stay on disk and are not reused\n", res.StaleRecords, res.StaleRuns)
	}
	bars := progress.NewParts(opts.Progress) // one bar per part, not per run
	for _, cfg := range cfgs {
		bars.Plan(cfg.Part, int(cfg.Calls()))
	}
	defer bars.Finish()
	for _, cfg := range cfgs {
		eng, err := env.EngineFor(cfg.Model)
		if err != nil {
			return res, err
		}
		eng.Progress = bars.Run(cfg.Part, int(cfg.Calls()))
		sum, err := eng.Run(ctx, env.RunsDir(), cfg)
		bars.RunDone(cfg.Part, sum.Cached)
		if err != nil && sum.Cached+sum.Done == 0 && !errors.Is(err, context.Canceled) {
			// Nothing of this run was read or made: no summary to show.
			return res, err
		}
		res.Summaries = append(res.Summaries, sum)
		res.Configs = append(res.Configs, cfg)
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, "%s: %d calls, %d cached, %d done, %d failed, parse rate %.3f\n", sum.RunID, sum.Total, sum.Cached, sum.Done, sum.Failed, sum.ParseRate())
			if sum.Rejected > 0 {
				fmt.Fprintf(opts.Log, "%s: %d stored records were not calls of this run; moved to measurements.jsonl.rejected\n", sum.RunID, sum.Rejected)
			}
		}
		if err != nil {
			return res, err
		}
	}
	if res.Active, err = env.runActive(ctx, opts); err != nil {
		return res, err
	}
	return res, env.runSteer(ctx, opts, res)
}

// staleRuns counts the stored runs that match a current config in every
// field but Inputs, and the lines of their stores.
func staleRuns(dir string, cfgs []measure.RunConfig) (runs, records int, err error) {
	current := map[string]string{}
	for _, c := range cfgs {
		id := c.ID()
		c.Inputs = ""
		current[c.ID()] = id
	}
	entries, err := os.ReadDir(layout.Runs(dir))
	if errors.Is(err, os.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("study: %w", err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(layout.RunConfig(layout.Run(dir, e.Name())))
		if err != nil {
			continue // not a run (or one killed before its run.yaml landed)
		}
		var rf measure.RunFile
		if yaml.Unmarshal(b, &rf) != nil {
			continue // ReadRuns reports damage when the runs are read
		}
		rf.Config.Inputs = ""
		if id, ok := current[rf.Config.ID()]; ok && id != rf.ID {
			runs++
			lines, _ := os.ReadFile(layout.Measurements(layout.Run(dir, e.Name())))
			records += bytes.Count(lines, []byte{'\n'})
		}
	}
	return runs, records, nil
}

// CurrentRuns reads the stored runs that the study's current study.yaml
// expands to, in the study's order. Runs left from an earlier version of the
// file (a changed part gets a new run id) stay on disk but are not returned;
// other counts them. Runs not yet measured are missing from the result.
func CurrentRuns(dir string) (runs []*measure.Run, other int, err error) {
	s, err := Load(dir)
	if err != nil {
		return nil, 0, err
	}
	tasks, err := s.LoadTasks()
	if err != nil {
		return nil, 0, err
	}
	cat, err := s.LoadCatalog()
	if err != nil {
		return nil, 0, err
	}
	cfgs, err := s.RunConfigs(tasks, cat)
	if err != nil {
		return nil, 0, err
	}
	stored, err := measure.ReadRuns(dir)
	if err != nil {
		return nil, 0, err
	}
	byID := make(map[string]*measure.Run, len(stored))
	for _, r := range stored {
		byID[r.File.ID] = r
	}
	for _, c := range cfgs {
		if r, ok := byID[c.ID()]; ok {
			runs = append(runs, r)
			delete(byID, c.ID())
		}
	}
	return runs, len(byID), nil
}

// PartRuns is CurrentRuns restricted to one part, with an error naming the
// part when it has no stored runs.
func PartRuns(dir, part string) ([]*measure.Run, error) {
	runs, _, err := CurrentRuns(dir)
	if err != nil {
		return nil, err
	}
	var out []*measure.Run
	for _, r := range runs {
		if r.File.Config.Part == part {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("study: %s has no stored runs of part %q (run the study first)", dir, part)
	}
	return out, nil
}

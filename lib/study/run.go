package study

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"

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
	// plot.NotebookBars(os.Stderr)); nil is silent. Log receives one line
	// per run.
	Progress progress.Bars
	Log      io.Writer
	// Concurrency overrides the study's.
	Concurrency int
}

// Result lists what Run did: every fixed-design run, then every
// active-learning run.
type Result struct {
	Summaries []measure.Summary
	Configs   []measure.RunConfig
	Active    []ActiveResult
}

// Env is an opened study: its file, tasks, catalog, models and an engine
// per model wired to that model's completion cache. Close it when done.
type Env struct {
	Study   *Study
	Tasks   []task.Task
	Catalog *template.Catalog
	// Model and Engine are the study's own model and its engine; parts that
	// name another model run on EngineFor(that model).
	Model   model.Model
	Engine  *measure.Engine
	engines map[measure.ModelSpec]*measure.Engine
	caches  []*measure.CompletionCache
}

// Open loads the study in dir and opens every model it measures (the
// study's and each part's own). For a synth model it also writes the planted
// ground truth: truth.json for the study's model, truths/<model>.json for
// the others (see LoadTruths).
func Open(dir string, opts Options) (*Env, error) {
	s, err := Load(dir)
	if err != nil {
		return nil, err
	}
	if err := s.checkParts(opts.Parts); err != nil {
		return nil, err
	}
	tasks, err := s.LoadTasks()
	if err != nil {
		return nil, err
	}
	cat, err := s.LoadCatalog()
	if err != nil {
		return nil, err
	}
	byID := make(map[string]task.Task, len(tasks))
	for _, t := range tasks {
		byID[t.ID] = t
	}
	conc := s.Concurrency
	if opts.Concurrency > 0 {
		conc = opts.Concurrency
	}
	env := &Env{Study: s, Tasks: tasks, Catalog: cat, engines: map[measure.ModelSpec]*measure.Engine{}}
	for i, spec := range s.Models() {
		m, err := OpenModel(spec, tasks, cat)
		if err != nil {
			env.Close()
			return nil, err
		}
		if sm, ok := m.(*synth.Model); ok {
			path := filepath.Join(dir, TruthFile)
			if i > 0 {
				path = partTruthPath(dir, m.Name())
			}
			if err := writeTruth(path, sm.Truth()); err != nil {
				env.Close()
				return nil, err
			}
		}
		cache, err := measure.OpenCompletionCache(dir, m.Name())
		if err != nil {
			env.Close()
			return nil, err
		}
		env.caches = append(env.caches, cache)
		eng := &measure.Engine{Model: m, Catalog: cat, Tasks: byID, Concurrency: conc, BatchSize: s.BatchSize, Progress: opts.Progress, Completions: cache}
		env.engines[spec] = eng
		if i == 0 {
			env.Model, env.Engine = m, eng
		}
	}
	return env, nil
}

// EngineFor is the engine of one of the study's models (Study.Models).
func (e *Env) EngineFor(spec measure.ModelSpec) (*measure.Engine, error) {
	eng, ok := e.engines[spec]
	if !ok {
		return nil, fmt.Errorf("study: model %+v is not one of the study's models", spec)
	}
	return eng, nil
}

// RunsDir is where the study's runs are stored.
func (e *Env) RunsDir() string { return filepath.Join(e.Study.dir, "runs") }

// Close flushes the completion caches.
func (e *Env) Close() error {
	var errs []error
	for _, c := range e.caches {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
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
			return fmt.Errorf("study: %s has no part %q (parts: %v)", filepath.Join(s.dir, "study.yaml"), p, names)
		}
	}
	return nil
}

// Run runs or resumes the whole study in dir: every fixed-design run, then
// every active-learning part (each learner's final fit goes to
// <study>/active/<part>/). Stored calls are skipped, so a second Run only
// reads. On error the result holds what was done before it.
func Run(ctx context.Context, dir string, opts Options) (*Result, error) {
	env, err := Open(dir, opts)
	if err != nil {
		return nil, err
	}
	defer env.Close()
	cfgs, err := env.Study.RunConfigs(env.Tasks, env.Catalog)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for _, cfg := range cfgs {
		if len(opts.Parts) > 0 && !slices.Contains(opts.Parts, cfg.Part) {
			continue
		}
		eng, err := env.EngineFor(cfg.Model)
		if err != nil {
			return res, err
		}
		sum, err := eng.Run(ctx, env.RunsDir(), cfg)
		res.Summaries = append(res.Summaries, sum)
		res.Configs = append(res.Configs, cfg)
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, "%s: %d calls, %d cached, %d done, %d failed, parse rate %.3f\n", sum.RunID, sum.Total, sum.Cached, sum.Done, sum.Failed, sum.ParseRate())
		}
		if err != nil {
			return res, err
		}
	}
	res.Active, err = env.runActive(ctx, opts)
	return res, err
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

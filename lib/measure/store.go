package measure

import (
	"errors"
	"fmt"
	"os"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/repo"
	"go.yaml.in/yaml/v3"
)

// ErrNeedsWrite is returned by a ReadOnly engine's Run when the run has
// calls left to make (or stored records to set aside).
var ErrNeedsWrite = errors.New("measure: run has calls left to make")

// withInputs fills in cfg.Inputs, or checks that a given one matches the
// engine's tasks and catalog; and, for a versioned model (the simulated
// respondent), fills in cfg.Respondent or checks that it is the model's
// version.
func (e *Engine) withInputs(cfg RunConfig) (RunConfig, error) {
	if v, ok := e.Model.(model.Versioned); ok {
		switch {
		case cfg.Respondent == "":
			cfg.Respondent = v.Version()
		case cfg.Respondent != v.Version():
			return cfg, fmt.Errorf("measure: run %s: config names respondent version %q, but the model answering is version %q", cfg.Part, cfg.Respondent, v.Version())
		}
	}
	h, err := InputHash(e.Catalog, e.Tasks, cfg)
	if err != nil {
		return cfg, err
	}
	if cfg.Inputs != "" && cfg.Inputs != h {
		return cfg, fmt.Errorf("measure: run %s: config was expanded from other task prompts or templates (inputs %s) than the engine's (%s)", cfg.Part, cfg.Inputs, h)
	}
	cfg.Inputs = h
	return cfg, nil
}

func callKeys(calls []call) map[string]bool {
	m := make(map[string]bool, len(calls))
	for _, c := range calls {
		m[c.key] = true
	}
	return m
}

// readStored summarises a stored run without writing anything; a run that
// is missing, unfinished or holds records of other calls is ErrNeedsWrite.
func readStored(dir, id string, calls []call, sum Summary) (Summary, error) {
	run, err := ReadRun(dir)
	if errors.Is(err, os.ErrNotExist) {
		return sum, fmt.Errorf("run %s: %w", id, ErrNeedsWrite)
	}
	if err != nil {
		return sum, err
	}
	if run.File.ID != id {
		return sum, fmt.Errorf("measure: %s: holds run %s, not %s", layout.RunConfig(dir), run.File.ID, id)
	}
	want := callKeys(calls)
	for _, r := range run.Records {
		if !want[r.Key] {
			// A foreign or duplicate record: the writing pass sets it aside
			// or reports it.
			return sum, fmt.Errorf("run %s: record of call %s is not one the run still needs: %w", id, r.Key, ErrNeedsWrite)
		}
		delete(want, r.Key)
		sum.Cached++
		sum.Outcomes[r.Outcome]++
	}
	if len(want) > 0 {
		return sum, fmt.Errorf("run %s: %d calls left: %w", id, len(want), ErrNeedsWrite)
	}
	return sum, nil
}

// writeRunFile writes run.yaml for a new run, or checks that an existing
// one (never read through a symlink) holds the same run id.
func writeRunFile(dir, id string, cfg RunConfig) error {
	path := layout.RunConfig(dir)
	if err := layout.CheckNotSymlink(path); err != nil {
		return fmt.Errorf("measure: %w", err)
	}
	if b, err := os.ReadFile(path); err == nil {
		var rf RunFile
		if err := yaml.Unmarshal(b, &rf); err != nil {
			return fmt.Errorf("measure: %s: %w", path, err)
		}
		if rf.ID != id {
			return fmt.Errorf("measure: %s: holds run %s, not %s", path, rf.ID, id)
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("measure: %w", err)
	}
	b, err := yaml.Marshal(RunFile{ID: id, CodeVersion: codeVersion(), Config: cfg})
	if err != nil {
		return fmt.Errorf("measure: encoding %s: %w", path, err)
	}
	// Atomic, so a kill never leaves a half-written run.yaml.
	if err := repo.WriteFileAtomic(path, b, 0o644); err != nil {
		return fmt.Errorf("measure: %w", err)
	}
	return nil
}

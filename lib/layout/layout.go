// Package layout owns the study directory (DESIGN.md section 5): every path
// inside a study is built here, and nowhere else are its file names spelled.
//
//	<study>/study.yaml
//	<study>/.prefscope.lock
//	<study>/truth.json
//	<study>/truths/<model>.json
//	<study>/runs/<run-id>/{run.yaml, measurements.jsonl, errors.jsonl, utilities.csv, fit.yaml, .prefscope.lock}
//	<study>/completions/<model>.jsonl
//	<study>/active/<part>/{utilities.csv, fit.yaml}
//	<study>/activations/<model>/{extract.yaml, index.jsonl, shard-NNNNN.safetensors}
//	<study>/probes/<name>.safetensors
//	<study>/analysis/<name>.json
//
// It also owns the two checks that keep a study's files inside the study: a
// name read from a file (a shard named by an index) must stay inside its
// directory (Within), and a file the study owns is opened without following
// symlinks (OpenNoFollow, in nofollow.go). Classify (classify.go) says
// which of these a path is, so a test can walk a study and find no file
// that the layout does not name. An append-only log keeps the lines it
// sets aside beside it, <log>.rejected.
package layout

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/prefscope/prefscope/lib/repo"
)

// File names inside a study directory.
const (
	StudyFile        = "study.yaml"
	LockFile         = ".prefscope.lock"
	TruthFile        = "truth.json"
	RunsDir          = "runs"
	RunFile          = "run.yaml"
	MeasurementsFile = "measurements.jsonl"
	UtilitiesFile    = "utilities.csv"
	FitFile          = "fit.yaml"
	CompletionsDir   = "completions"
	ActiveDir        = "active"
	ActivationsDir   = "activations"
	ExtractFile      = "extract.yaml"
	IndexFile        = "index.jsonl"
	ShardPrefix      = "shard-"
	ShardSuffix      = ".safetensors"
	ProbesDir        = "probes"
	ProbeSuffix      = ".safetensors"
	AnalysisDir      = "analysis"
	AnalysisSuffix   = ".json"
)

// Study is the path of a study's study.yaml.
func Study(studyDir string) string { return filepath.Join(studyDir, StudyFile) }

// Lock is the path of a study's (or a run's) write lock.
func Lock(dir string) string { return filepath.Join(dir, LockFile) }

// Truth is the path of a synthetic study's planted parameters.
func Truth(studyDir string) string { return filepath.Join(studyDir, TruthFile) }

// Runs is the directory holding every run of a study.
func Runs(studyDir string) string { return filepath.Join(studyDir, RunsDir) }

// Run is the directory of one run.
func Run(studyDir, runID string) string { return filepath.Join(studyDir, RunsDir, runID) }

// RunConfig is run.yaml inside a run directory.
func RunConfig(runDir string) string { return filepath.Join(runDir, RunFile) }

// Measurements is measurements.jsonl inside a run directory.
func Measurements(runDir string) string { return filepath.Join(runDir, MeasurementsFile) }

// Utilities is utilities.csv inside a run (or active-learning) directory.
func Utilities(runDir string) string { return filepath.Join(runDir, UtilitiesFile) }

// Fit is fit.yaml inside a run (or active-learning) directory.
func Fit(runDir string) string { return filepath.Join(runDir, FitFile) }

// Completions is the directory of a study's completion caches.
func Completions(studyDir string) string { return filepath.Join(studyDir, CompletionsDir) }

// CompletionCache is the completion cache of one model.
func CompletionCache(studyDir, model string) string {
	return filepath.Join(studyDir, CompletionsDir, SafeName(model)+".jsonl")
}

// Active is the live active-learning directory of a part.
func Active(studyDir, part string) string { return filepath.Join(studyDir, ActiveDir, SafeName(part)) }

// Activations is the activation store of a model.
func Activations(studyDir, model string) string {
	return filepath.Join(studyDir, ActivationsDir, SafeName(model))
}

// ExtractSettings is extract.yaml inside an activation store.
func ExtractSettings(storeDir string) string { return filepath.Join(storeDir, ExtractFile) }

// Index is index.jsonl inside an activation store.
func Index(storeDir string) string { return filepath.Join(storeDir, IndexFile) }

// ShardName is the file name of the n-th shard of an activation store.
func ShardName(n int) string { return fmt.Sprintf("%s%05d%s", ShardPrefix, n, ShardSuffix) }

// Probes is the directory of a study's saved probe directions.
func Probes(studyDir string) string { return filepath.Join(studyDir, ProbesDir) }

// Probe is the file of the probe direction saved under name (snake_case or
// kebab-case letters, digits, '-', '_' and '.').
func Probe(studyDir, name string) (string, error) {
	if err := checkName(name); err != nil {
		return "", fmt.Errorf("layout: probe direction: %w", err)
	}
	return filepath.Join(studyDir, ProbesDir, name+ProbeSuffix), nil
}

// Analysis is where a notebook keeps the numbers of one step under name
// (snake_case, repo.ValidateName).
func Analysis(studyDir, name string) (string, error) {
	if err := repo.ValidateName(name); err != nil {
		return "", fmt.Errorf("layout: analysis result: %w", err)
	}
	return filepath.Join(studyDir, AnalysisDir, name+AnalysisSuffix), nil
}

// SafeName maps a model, part or run name to a file name: letters, digits,
// '-', '_' and '.' are kept, everything else becomes '_', and a leading dot
// is replaced so no name is hidden or a parent reference.
func SafeName(s string) string {
	out := []rune(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s))
	if len(out) == 0 {
		return "_"
	}
	if out[0] == '.' {
		out[0] = '_'
	}
	return string(out)
}

func checkName(name string) error {
	if name == "" {
		return fmt.Errorf("empty name")
	}
	if SafeName(name) != name {
		return fmt.Errorf("name %q: only letters, digits, '-', '_' and '.' (not first) are allowed", name)
	}
	return nil
}

// Within returns dir/name after checking that name, read from a file (an
// index's shard, say), is a plain file name that stays inside dir: no
// separator, no "..", not absolute, not empty. The error names the file the
// name came from (source) so a tampered index is easy to find.
func Within(dir, name, source string) (string, error) {
	switch {
	case name == "" || name == "." || name == "..":
		return "", fmt.Errorf("%s: name %q is not a file name", source, name)
	case strings.ContainsAny(name, `/\`) || strings.ContainsRune(name, 0):
		return "", fmt.Errorf("%s: name %q leaves its directory %s", source, name, dir)
	case filepath.IsAbs(name) || filepath.Base(name) != name:
		return "", fmt.Errorf("%s: name %q leaves its directory %s", source, name, dir)
	}
	return filepath.Join(dir, name), nil
}

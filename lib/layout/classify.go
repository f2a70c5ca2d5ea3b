package layout

import (
	"path/filepath"
	"strings"
)

// More names inside a study directory: a run's log of failed calls, the
// lines an append-only log set aside, the planted truths of the synth
// models that parts name besides the study's own.
const (
	ErrorsFile     = "errors.jsonl"
	RejectedSuffix = ".rejected"
	TruthsDir      = "truths"
	TruthSuffix    = ".json"
	CacheSuffix    = ".jsonl"
)

// RunErrors is errors.jsonl inside a run directory: the calls that failed.
func RunErrors(runDir string) string { return filepath.Join(runDir, ErrorsFile) }

// Rejected is where an append-only log at path moves the lines that do not
// belong in it.
func Rejected(path string) string { return path + RejectedSuffix }

// PartTruth is the planted truth of a synth model that a part names besides
// the study's own model (whose truth is Truth).
func PartTruth(studyDir, model string) string {
	return filepath.Join(studyDir, TruthsDir, SafeName(model)+TruthSuffix)
}

// Kinds of file Classify reports.
const (
	KindStudy        = "study"
	KindLock         = "lock"
	KindTruth        = "truth"
	KindPartTruth    = "part-truth"
	KindRunConfig    = "run-config"
	KindMeasurements = "measurements"
	KindRunErrors    = "run-errors"
	KindRejected     = "rejected"
	KindUtilities    = "utilities"
	KindFit          = "fit"
	KindCompletions  = "completion-cache"
	KindExtract      = "extract-settings"
	KindIndex        = "activation-index"
	KindShard        = "activation-shard"
	KindProbe        = "probe-direction"
	KindAnalysis     = "analysis"
	KindDir          = "directory"
)

// Classify says which of the study's files path (inside studyDir) is, by
// the names this package gives them, or ok false for a file the layout does
// not name. Directories the layout names (runs, a run, completions, ...)
// are KindDir. It looks only at the path, never at the file.
func Classify(studyDir, path string) (kind string, ok bool) {
	rel, err := filepath.Rel(studyDir, path)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	p := strings.Split(filepath.ToSlash(rel), "/")
	last := p[len(p)-1]
	if len(p) > 1 && last == LockFile {
		// A run directory's lock (the engine's) or the study's own.
		return KindLock, classifyDirOf(p[:len(p)-1])
	}
	if len(p) == 1 {
		switch last {
		case StudyFile:
			return KindStudy, true
		case LockFile:
			return KindLock, true
		case TruthFile:
			return KindTruth, true
		case RunsDir, CompletionsDir, ActiveDir, ActivationsDir, ProbesDir, AnalysisDir, TruthsDir:
			return KindDir, true
		}
		return "", false
	}
	switch p[0] {
	case RunsDir, ActivationsDir:
		// A run or a store: the directory, or a file directly in it.
		if !safe(p[1]) || len(p) > 3 {
			return "", false
		}
		if len(p) == 2 {
			return KindDir, true
		}
		if p[0] == RunsDir {
			return runFile(last)
		}
		return storeFile(last)
	case ActiveDir:
		if len(p) == 2 {
			return KindDir, safe(last)
		}
		if len(p) == 3 && safe(p[1]) {
			return fitFile(last)
		}
	case CompletionsDir:
		if len(p) == 2 && strings.HasSuffix(last, CacheSuffix) && safe(strings.TrimSuffix(last, CacheSuffix)) {
			return KindCompletions, true
		}
		if len(p) == 2 && strings.HasSuffix(last, CacheSuffix+RejectedSuffix) {
			return KindRejected, true
		}
	case TruthsDir:
		if len(p) == 2 && strings.HasSuffix(last, TruthSuffix) && safe(strings.TrimSuffix(last, TruthSuffix)) {
			return KindPartTruth, true
		}
	case ProbesDir:
		if len(p) == 2 && strings.HasSuffix(last, ProbeSuffix) && safe(strings.TrimSuffix(last, ProbeSuffix)) {
			return KindProbe, true
		}
	case AnalysisDir:
		if len(p) == 2 && strings.HasSuffix(last, AnalysisSuffix) && strings.TrimSuffix(last, AnalysisSuffix) != "" {
			return KindAnalysis, true
		}
	}
	return "", false
}

// classifyDirOf reports whether dir (split) is a directory that holds a
// lock: a run or an activation store.
func classifyDirOf(dir []string) bool {
	return len(dir) == 2 && (dir[0] == RunsDir || dir[0] == ActivationsDir) && safe(dir[1])
}

// runFile classifies a file directly in a run directory.
func runFile(name string) (string, bool) {
	switch name {
	case RunFile:
		return KindRunConfig, true
	case MeasurementsFile:
		return KindMeasurements, true
	case ErrorsFile:
		return KindRunErrors, true
	case MeasurementsFile + RejectedSuffix, ErrorsFile + RejectedSuffix:
		return KindRejected, true
	}
	return fitFile(name)
}

// storeFile classifies a file directly in an activation store.
func storeFile(name string) (string, bool) {
	switch {
	case name == ExtractFile:
		return KindExtract, true
	case name == IndexFile:
		return KindIndex, true
	case name == IndexFile+RejectedSuffix:
		return KindRejected, true
	case strings.HasPrefix(name, ShardPrefix) && strings.HasSuffix(name, ShardSuffix):
		return KindShard, true
	}
	return "", false
}

func fitFile(name string) (string, bool) {
	switch name {
	case UtilitiesFile:
		return KindUtilities, true
	case FitFile:
		return KindFit, true
	}
	return "", false
}

func safe(name string) bool { return checkName(name) == nil }

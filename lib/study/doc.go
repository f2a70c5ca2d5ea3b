// Package study owns a study: the study.yaml file (schema, validation with
// the file and line, the task universe and template catalog it names), its
// expansion into measurement runs (templates per part, pair graphs), the
// registry of model kinds, running a whole study (fixed-design parts through
// lib/measure's engine, active-learning parts through lib/utility's live
// learner, activations through lib/activations), and the planted truth of a
// synthetic study (truth.json).
//
// A notebook runs or resumes a whole study with one call, Run (see
// ExampleRun), with one progress bar per part (Options.Progress,
// progress.NotebookBars in a notebook), and reads back what it needs with
// CurrentRuns, PartRuns, LoadTruth and LoadTruths; Result.Totals counts
// the calls, and Frame lays every record out as a gota DataFrame, one row
// per call, for exploration. A part may name its own model (a model key on the part), so
// one study compares models side by side; each model gets its own engine,
// completion cache and, for synth, truth file.
//
// A part with a steer key (SteerSpec) is a steering experiment: it runs
// after the other parts, since its direction (a saved probe) and its pairs
// (the borderline pairs of an earlier part) come from their results; it is
// measured unsteered and once per direction and multiplier, and SteerRuns
// reads it back for lib/steering.
//
// A study has one writer at a time: Open takes an OS file lock in the study
// directory (Options.Wait waits for it), and Run first checks without the
// lock whether everything is stored, so a finished study is only read and
// needs no write access. Load checks names that become paths (NamePattern),
// that every active-learning configuration has a finite budget (see
// StrategyFor), and the size limits (MaxStudyFileBytes, MaxSources,
// MaxStudyCalls, measure.MaxRunCalls) before anything is allocated.
//
// Models are opened from their model.Spec through the registry (OpenModel):
// "synth" and "openai" are built in; "llama" registers itself when a
// program imports lib/study/llamakind (the CLI does), so code that never
// opens local weights never compiles GoMLX.
package study

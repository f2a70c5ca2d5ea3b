// Package measure runs preference measurements and keeps their records.
//
// A run is one RunConfig: a model, a template (kind + fields), the tasks or
// pairs to measure (chosen by the caller: dense, sampled, or by an active
// learner), samples per item, temperature and seeds. The engine renders each
// call with lib/template, sends it to any model.Model with bounded
// concurrency and retries, parses the reply, and appends one Record per
// completed call to the run store.
//
// # Run store (DESIGN.md section 5)
//
// data/studies/<study>/runs/<run-id>/ holds run.yaml (the full RunConfig,
// template tags, seeds, code version) and measurements.jsonl (one line per
// completed model call). The run id is a hash of the config, which includes
// InputHash (the task prompts and the rendered template), so the same config
// on the same text resumes the same run and an edited prompt is a new run;
// for a model.Versioned (the simulated respondent) it also includes the
// model's version (RunConfig.Respondent), so runs an older simulator
// answered are measured again rather than resumed.
// Lines are appended whole with one write to a file opened O_APPEND; on
// reopening, a torn final line (a write cut short by a kill) is dropped,
// records whose key is not a call of the run are moved to
// measurements.jsonl.rejected (Summary.Rejected), and every completed call
// key is skipped, so a killed run resumes with nothing lost and nothing
// duplicated. Calls that still fail after retries are logged to errors.jsonl
// and retried on the next resume. A run has one writer at a time: Run holds
// an OS file lock (WriteLock, flock) in the run directory, and a second
// writer fails with ErrLocked naming the holder's pid, host and command, or
// waits (Engine.WaitForLock). A run is bounded by MaxRunCalls, checked
// before its call list is built. A ReadOnly engine only reads stored runs.
//
// Completions for post-task kinds are cached per (model, task prompt hash,
// completion seed, temperature, max tokens) in the study's completions/
// directory and reused across pairs, ratings and runs.
//
// Every call's seed is a hash of the run seed and the call key, so results do
// not depend on concurrency or on where a run was interrupted.
//
// lib/measure takes the runs to measure from its caller and imports no model
// implementation: study files, their expansion into runs and the model
// registry are lib/study's.
package measure

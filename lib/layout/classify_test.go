package layout

import (
	"path/filepath"
	"testing"
)

func TestClassify(t *testing.T) {
	study := "/data/s"
	cases := []struct {
		rel  string
		kind string
		ok   bool
	}{
		{"study.yaml", KindStudy, true},
		{".prefscope.lock", KindLock, true},
		{"truth.json", KindTruth, true},
		{"truths/synth_7.json", KindPartTruth, true},
		{"runs", KindDir, true},
		{"runs/abc123", KindDir, true},
		{"runs/abc123/run.yaml", KindRunConfig, true},
		{"runs/abc123/measurements.jsonl", KindMeasurements, true},
		{"runs/abc123/measurements.jsonl.rejected", KindRejected, true},
		{"runs/abc123/errors.jsonl", KindRunErrors, true},
		{"runs/abc123/utilities.csv", KindUtilities, true},
		{"runs/abc123/fit.yaml", KindFit, true},
		{"runs/abc123/.prefscope.lock", KindLock, true},
		{"completions/synth_2026.jsonl", KindCompletions, true},
		{"active/learner-t00/utilities.csv", KindUtilities, true},
		{"activations/synth_2026/index.jsonl", KindIndex, true},
		{"activations/synth_2026/extract.yaml", KindExtract, true},
		{"activations/synth_2026/shard-00000.safetensors", KindShard, true},
		{"probes/valence.safetensors", KindProbe, true},
		{"analysis/robustness_summary.json", KindAnalysis, true},
		// Files the layout does not name.
		{"notes.txt", "", false},
		{"runs/abc123/measurements.csv", "", false},
		{"runs/abc123/sub/run.yaml", "", false},
		{"runs/.hidden/run.yaml", "", false},
		{"activations/synth_2026/weights.bin", "", false},
		{"analysis/.json", "", false},
		{"../elsewhere/study.yaml", "", false},
	}
	for _, c := range cases {
		kind, ok := Classify(study, filepath.Join(study, c.rel))
		if ok != c.ok || ok && kind != c.kind {
			t.Errorf("Classify(%s) = %q, %v; want %q, %v", c.rel, kind, ok, c.kind, c.ok)
		}
	}
	// Every path builder's output classifies as its kind.
	analysis, _ := Analysis(study, "x_y")
	probe, _ := Probe(study, "valence")
	run := Run(study, "r1")
	built := map[string]string{
		Study(study): KindStudy, Lock(study): KindLock, Truth(study): KindTruth, PartTruth(study, "synth:7"): KindPartTruth,
		RunConfig(run): KindRunConfig, Measurements(run): KindMeasurements, RunErrors(run): KindRunErrors,
		Rejected(Measurements(run)): KindRejected, Utilities(run): KindUtilities, Fit(run): KindFit,
		Utilities(Active(study, "p")): KindUtilities, CompletionCache(study, "m/x"): KindCompletions,
		ExtractSettings(Activations(study, "m")): KindExtract, Index(Activations(study, "m")): KindIndex,
		filepath.Join(Activations(study, "m"), ShardName(3)): KindShard, probe: KindProbe, analysis: KindAnalysis,
	}
	for path, want := range built {
		if kind, ok := Classify(study, path); !ok || kind != want {
			t.Errorf("Classify(%s) = %q, %v; want %q", path, kind, ok, want)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/internal/llamatest"
	"github.com/prefscope/prefscope/lib/measure"
)

// TestLlamaStudyThroughCLI measures and extracts activations with a real
// (tiny, random) Llama checkpoint through the same CLI path a researcher
// uses with Llama-3.1-8B-Instruct: the model answers garbage, which must be
// stored as unparseable records, and activations land in safetensors shards.
func TestLlamaStudyThroughCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a GoMLX graph")
	}
	t.Setenv("GOMLX_BACKEND", "go")
	ckpt := t.TempDir()
	llamatest.WriteTiny(t, ckpt, llamatest.Options{Seed: 1, RopeScaling: true})
	study := t.TempDir()
	yaml := `name: tiny-llama
model: {kind: llama, path: ` + ckpt + `}
tasks: {default: true}
seed: 1
concurrency: 1
batch_size: 3
parts:
  - name: rating
    kind: pre_stated
    tasks: {n: 4, seed: 1}
    templates: {sample: 1, seed: 1, scale: "1-5"}
    samples: 1
    temperature: 1
    max_tokens: 6
extract:
  layers: [1, 2]
  positions: {kind: token, token: "<|eot_id|>"}
  tasks: {n: 4, seed: 2}
  completion_max_tokens: 6
`
	if err := os.WriteFile(filepath.Join(study, "study.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"measure", "-study", study}, &out, &errOut); err != nil {
		t.Fatalf("measure: %v\n%s\n%s", err, out.String(), errOut.String())
	}
	runs, err := measure.ReadRuns(study)
	if err != nil || len(runs) != 1 || len(runs[0].Records) != 4 {
		t.Fatalf("runs %v, %v", runs, err)
	}
	for _, r := range runs[0].Records {
		if r.Outcome == "" || r.Attempts != 1 {
			t.Errorf("record %+v", r)
		}
	}
	if err := run(context.Background(), []string{"extract", "-study", study}, &out, &errOut); err != nil {
		t.Fatalf("extract: %v\n%s", err, errOut.String())
	}
	dirs, _ := filepath.Glob(filepath.Join(study, "activations", "*"))
	if len(dirs) != 1 {
		t.Fatalf("activation dirs %v", dirs)
	}
	for _, layer := range []int{1, 2} {
		set, err := activations.Load(dirs[0], layer)
		if err != nil {
			t.Fatal(err)
		}
		if len(set.IDs) != 4 || len(set.X[0]) != 16 {
			t.Errorf("layer %d: %d items of width %d, want 4 x 16", layer, len(set.IDs), len(set.X[0]))
		}
	}
	// A second extract finds everything done.
	out.Reset()
	if err := run(context.Background(), []string{"extract", "-study", study}, &out, &errOut); err != nil || !strings.Contains(out.String(), "0 new, 4 already done") {
		t.Errorf("second extract: %v, %q", err, out.String())
	}
}

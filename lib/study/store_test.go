package study

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/prefscope/prefscope/lib/activations"
)

// The probe source is the store of the model extraction uses: the study's
// own simulated respondent, or the extract key's local weights.
func TestProbeSource(t *testing.T) {
	for _, c := range []struct{ name, yaml, model string }{
		{"study model", "model: {kind: synth, seed: 7}\nextract: {layers: [1, 2], positions: [end_of_turn]}\n", "synth:7"},
		{"extract model", "model: {kind: synth, seed: 7}\nextract: {layers: [3], positions: [end_of_turn], model: {kind: llama, path: /w/Llama-3.1-8B}, completions: {model: {kind: synth, seed: 7}}}\n", "llama"},
		{"named weights", "model: {kind: synth, seed: 7}\nextract: {layers: [3], positions: [end_of_turn], model: {kind: llama, path: /w/x, name: l8b}, completions: {model: {kind: synth, seed: 7}}}\n", "l8b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			y := "name: d\n" + c.yaml + "tasks: {default: true}\nparts:\n  - {name: p, kind: pre_stated, tasks: {n: 4, seed: 1}, templates: {sample: 1, seed: 1}, samples: 1}\n"
			if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(y), 0o644); err != nil {
				t.Fatal(err)
			}
			src, err := ProbeSource(dir)
			if err != nil {
				t.Fatal(err)
			}
			if want := activations.Dir(dir, c.model); src.Store != want || len(src.Layers) == 0 {
				t.Errorf("source %+v, want store %s", src, want)
			}
		})
	}
}

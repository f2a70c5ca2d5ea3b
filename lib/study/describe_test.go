package study

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A report's provenance line names the study and each model, and says
// loudly when every model is simulated.
func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		name, models string
		want, not    []string
	}{
		{"synthetic", "model: {kind: synth, seed: 7}\n", []string{"Study `d`", "`synth:7` (simulated)", "not from a language model"}, nil},
		{"served", "model: {kind: openai, name: llama-8b, base_url: \"http://localhost:8000/v1\"}\n", []string{"`llama-8b` (openai)"}, []string{"simulated"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			y := "name: d\n" + c.models + "tasks: {default: true}\nparts:\n  - {name: p, kind: pre_stated, tasks: {n: 4, seed: 1}, templates: {sample: 1, seed: 1}, samples: 1}\n"
			if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(y), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := Describe(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			for _, w := range c.not {
				if strings.Contains(got, w) {
					t.Errorf("%q has %q", got, w)
				}
			}
		})
	}
}

package probe

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/safetensors"
)

func TestDirectionRoundTrip(t *testing.T) {
	dir := t.TempDir()
	w := []float64{3, 0, -4}
	d, err := NewDirection(w, Direction{Study: "default", Layer: 16, Position: "token", Target: "rating", Alpha: 10, CVR2: 0.61, MeanNorm: 11.5})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{0.6, 0, -0.8}; d.Vector[0] != want[0] || d.Vector[2] != want[2] {
		t.Fatalf("vector %v, want %v", d.Vector, want)
	}
	path, err := SaveDirection(dir, "rating_l16", d)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := layout.Probe(dir, "rating_l16"); path != want {
		t.Fatalf("saved at %s, want %s", path, want)
	}
	got, err := LoadDirection(dir, "rating_l16")
	if err != nil {
		t.Fatal(err)
	}
	if got.Layer != 16 || got.Target != "rating" || got.Study != "default" || got.Position != "token" || got.Alpha != 10 || got.CVR2 != 0.61 || got.MeanNorm != 11.5 {
		t.Fatalf("metadata %+v", got)
	}
	for i := range d.Vector {
		if got.Vector[i] != d.Vector[i] {
			t.Fatalf("vector %v, want %v", got.Vector, d.Vector)
		}
	}
}

func TestDirectionErrors(t *testing.T) {
	if _, err := NewDirection([]float64{0, 0}, Direction{MeanNorm: 1}); err == nil {
		t.Error("zero weights: no error")
	}
	if _, err := NewDirection([]float64{1, 0}, Direction{}); err == nil {
		t.Error("no mean norm: no error")
	}
	dir := t.TempDir()
	if _, err := LoadDirection(dir, "missing"); err == nil {
		t.Error("missing file: no error")
	}
	if _, err := LoadDirection(dir, "../escape"); err == nil {
		t.Error("name leaving the directory: no error")
	}
	// Not unit length, and a metadata key missing.
	path, _ := layout.Probe(dir, "bad")
	os.MkdirAll(layout.Probes(dir), 0o755)
	ts := []safetensors.Tensor{safetensors.F32Tensor("direction", []int{2}, []float32{1, 1})}
	if err := safetensors.WriteFile(path, ts, map[string]string{"layer": "3", "alpha": "1", "cv_r2": "0", "mean_norm": "2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDirection(dir, "bad"); err == nil || !strings.Contains(err.Error(), "norm 1.4142") {
		t.Errorf("non-unit vector: err = %v", err)
	}
	if err := safetensors.WriteFile(path, []safetensors.Tensor{safetensors.F32Tensor("direction", []int{1}, []float32{1})}, map[string]string{"layer": "3"}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDirection(dir, "bad"); err == nil || !strings.Contains(err.Error(), "no metadata key") {
		t.Errorf("missing key: err = %v", err)
	}
}

func TestMeanNorm(t *testing.T) {
	ds, err := NewDataset([]float64{3, 4, 0, 1}, 2, []float64{0, 1}, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if got := MeanNorm(ds); math.Abs(got-3) > 1e-12 {
		t.Fatalf("mean norm %v, want 3", got)
	}
}

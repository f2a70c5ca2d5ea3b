package steering

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// The figures build from a simulated analysis; with PREFSCOPE_FIGURE_DIR
// set they are also written there as PNGs to look at.
func TestFigures(t *testing.T) {
	answers := simulate(rand.New(rand.NewPCG(3, 4)), 40, 3, []float64{-0.1, -0.05, 0.05, 0.1}, 30, 6)
	curves, err := Shifts(answers)
	if err != nil {
		t.Fatal(err)
	}
	dose, err := DoseResponse(curves, "Shift of P(A) by multiplier", "P(A)")
	if err != nil {
		t.Fatal(err)
	}
	coh, err := CoherenceFigure(Coherence(answers), "Answers parsed by multiplier", 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("PREFSCOPE_FIGURE_DIR"); dir != "" {
		for name, f := range map[string]interface{ PNG() ([]byte, error) }{"dose.png": dose, "coherence.png": coh} {
			b, err := f.PNG()
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

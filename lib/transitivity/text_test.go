package transitivity

import (
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/template"
)

// TestVerdict: the measured rate is within its floor exactly when the two
// intervals overlap, and the floor is the planted model's when there is
// one, else the fitted models'.
func TestVerdict(t *testing.T) {
	measured := func(lo, hi float64) Summary {
		return Summary{Triads: 100, HardCycles: 7, HardCycleRate: (lo + hi) / 2, RateCI: stats.Interval{Low: lo, High: hi}}
	}
	pred := func(lo, hi float64) Prediction {
		return Prediction{HardCycleRate: (lo + hi) / 2, RateCI: stats.Interval{Low: lo, High: hi}}
	}
	cases := []struct {
		name    string
		r       Result
		within  bool
		floorLo float64
	}{
		{"planted overlaps", Result{Measured: measured(0.05, 0.09), Fitted: pred(0.20, 0.22), Planted: pred(0.08, 0.10), HasPlanted: true}, true, 0.08},
		{"planted below", Result{Measured: measured(0.05, 0.09), Fitted: pred(0.06, 0.08), Planted: pred(0.01, 0.02), HasPlanted: true}, false, 0.01},
		{"fitted, touching", Result{Measured: measured(0.05, 0.09), Fitted: pred(0.09, 0.12)}, true, 0.09},
		{"fitted below", Result{Measured: measured(0.05, 0.09), Fitted: pred(0.01, 0.04), Planted: pred(0.05, 0.09)}, false, 0.01},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.r.Floor().RateCI.Low; got != c.floorLo {
				t.Errorf("floor from %v, want %v", got, c.floorLo)
			}
			if c.r.WithinFloor() != c.within {
				t.Errorf("within %v, want %v", c.r.WithinFloor(), c.within)
			}
			want := "above its noise floor"
			if c.within {
				want = "within its noise floor"
			}
			if h := c.r.Headline(); !strings.Contains(h, want) || !strings.Contains(h, "7 are hard cycles") {
				t.Errorf("headline %q, want %q", h, want)
			}
		})
	}
}

// TestFigures builds every figure of the package from constructed results.
func TestFigures(t *testing.T) {
	r := Result{Label: "part", Samples: 1, Runs: 2, Measured: Summary{Triads: 10, HardCycleRate: 0.1, RateCI: stats.Interval{Low: 0.05, High: 0.2}},
		Fitted: Prediction{HardCycleRate: 0.08, RateCI: stats.Interval{Low: 0.04, High: 0.12}}, Planted: Prediction{HardCycleRate: 0.09, RateCI: stats.Interval{Low: 0.05, High: 0.13}},
		HasPlanted: true, CycleProbabilities: []float64{0, 0.25, 0.1},
		PerRun: []RunResult{{Run: "a", Template: template.Template{Fields: template.Fields{Language: "en", ResponseFormat: "xml", Phrasing: "p1"}}}}}
	two := r
	two.Samples = 2
	for name, build := range map[string]func() error{
		"rate":    func() error { _, err := RateFigure([]Result{r, two}); return err },
		"cycles":  func() error { _, err := CycleProbabilityFigure(r); return err },
		"samples": func() error { _, err := SamplesFigure([]Result{r, two}, "part"); return err },
		"per run": func() error { _, err := PerRunFigure(r); return err },
	} {
		if err := build(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := RateFigure(nil); err == nil {
		t.Error("rate figure of nothing: no error")
	}
	if got := r.PerRun[0].RunLabel(); got != "en/xml/p1" {
		t.Errorf("run label %q", got)
	}
	if l := r.Lines(1); !strings.Contains(l, "planted-model floor 9.0% [5.0%, 13.0%]") {
		t.Errorf("lines %q", l)
	}
}

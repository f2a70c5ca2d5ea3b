package probe

import (
	"math"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/stats"
)

// TestFigures builds every figure of the notebook from constructed results
// and checks the texts that carry a verdict.
func TestFigures(t *testing.T) {
	ds, _ := planted(90, 4, 0.6, 3)
	sw, err := CrossValidate(ds, &Options{Shuffle: true})
	if err != nil {
		t.Fatal(err)
	}
	groups := make([]string, ds.Rows())
	for i := range groups {
		groups[i] = []string{"a", "b", "c"}[i%3]
	}
	g, err := HeldOutGroups(ds, "topic", groups, sw.BestAlpha(), 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	g.Scores[1].R2 = math.NaN() // a group with equal targets is named, not drawn
	gc, err := CosinesByGroup(ds, groups, 5, nil, &stats.BootstrapOptions{Replicates: 20})
	if err != nil {
		t.Fatal(err)
	}
	sh, err := SplitHalfCosines(ds, []int{10, 20}, 5, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := CrossTarget(ds, []string{"y", "2y"}, [][]float64{ds.Y, scaled(ds.Y, 2)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cmp := &PairComparison{Fractions: []float64{0.1, 1}, Seeds: []uint64{0, 1}, Unit: "pairs",
		BT:    [][]PairRun{{{Accuracy: 0.8, W: []float64{1, 0}}, {Accuracy: 0.82, W: []float64{1, 0.1}}}, {{Accuracy: 0.85, W: []float64{1, 0}}, {Accuracy: 0.85, W: []float64{1, 0}}}},
		Ridge: [][]PairRun{{{Accuracy: 0.7, W: []float64{0, 1}}, {Accuracy: 0.71, W: []float64{0.1, 1}}}, {{Accuracy: 0.85, W: []float64{1, 0}}, {Accuracy: 0.86, W: []float64{1, 0}}}},
	}
	builders := map[string]func() error{
		"predicted": func() error { _, err := PredictedFigure(ds, sw, 4, "y"); return err },
		"groups":    func() error { _, err := GroupFigure(g, 4, "y"); return err },
		"cosines":   func() error { _, err := CosineFigure(gc, "topic", 4); return err },
		"split":     func() error { _, err := SplitHalfFigure(sh, 4); return err },
		"cross":     func() error { _, err := CrossTargetFigure(ct, 4); return err },
		"content": func() error {
			_, err := ContentFigure([]Comparison{{Label: "y", Probe: Scores{R2: 0.5}, Words: Scores{R2: 0.2}}}, "R²", 0.25)
			return err
		},
		"pairs": func() error { _, err := PairFigure(cmp, 0.9); return err },
	}
	for name, b := range builders {
		if err := b(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ContentFigure(nil, "accuracy", 0); err == nil {
		t.Error("an unknown metric must be an error")
	}
	if v := cmp.Verdict(); !strings.Contains(v, "beats ridge on μ: accuracy 0.810 against 0.705") {
		t.Errorf("verdict %q", v)
	}
	if !strings.Contains(g.String(), "b ") || !strings.Contains(sh.Verdict(), "10 tasks") {
		t.Errorf("group and split-half texts: %q / %q", g.String(), sh.Verdict())
	}
	if own, other := ct.Transfer(); math.Abs(own-other) > 1e-12 {
		t.Errorf("a rescaled target has the same Pearson r: own %v, other %v", own, other)
	}
}

func scaled(v []float64, k float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = k * x
	}
	return out
}

// TestPairAccuracyByHand: three pairs scored by hand, a tie counting half.
func TestPairAccuracyByHand(t *testing.T) {
	p := &PairSet{}
	p.add(0, 1, 3, 1) // row 0 scores higher and won 3 of 4
	p.add(1, 2, 2, 2) // row 2 scores higher and won 2 of 4
	p.add(2, 3, 1, 1) // a tie in scores: half of 2
	s := []float64{2, 1, 3, 3}
	if got, want := PairAccuracy(s, p), (3.0+2+1)/10; math.Abs(got-want) > 1e-12 {
		t.Errorf("accuracy %v, want %v", got, want)
	}
	// Log-loss per comparison: -(3 log σ(1) + log σ(-1) + 2 log σ(-2) + 2 log σ(2) + 2 log σ(0)) / 10.
	want := -(3*math.Log(sigmoid(1)) + math.Log(sigmoid(-1)) + 2*math.Log(sigmoid(-2)) + 2*math.Log(sigmoid(2)) + 2*math.Log(0.5)) / 10
	if got := pairLogLoss(s, p); math.Abs(got-want) > 1e-12 {
		t.Errorf("log-loss %v, want %v", got, want)
	}
}

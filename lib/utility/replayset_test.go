package utility

import (
	"math"
	"reflect"
	"testing"
)

// TestNewSplit: the training pool holds exactly the training samples, the
// held-out pairs are disjoint from it, and no sample is lost.
func TestNewSplit(t *testing.T) {
	st, _ := Simulate(SimOptions{N: 30, SamplesPerPair: 2, HoldOut: -1, Seed: 3})
	sp, err := NewSplit(30, st.TrainSamples, 0.2, 1)
	if err != nil {
		t.Fatal(err)
	}
	// 435 pairs × 2 samples; 20% of pairs (87) with both samples held out.
	if got := sp.Train.Comparisons(); got != float64(len(sp.TrainSamples)) || got != 870-174 {
		t.Errorf("training comparisons %v, samples %d; want 696 of each", got, len(sp.TrainSamples))
	}
	if len(sp.Test.Pairs()) != 87 || sp.Test.Comparisons() != 174 {
		t.Errorf("held-out pairs %d, comparisons %v; want 87, 174", len(sp.Test.Pairs()), sp.Test.Comparisons())
	}
	for _, p := range sp.Test.Pairs() {
		if _, ok := sp.Train.Get(p.I, p.J); ok {
			t.Fatalf("pair (%d, %d) in both splits", p.I, p.J)
		}
	}
	// 30% of 348 training pairs and 696 comparisons, rounded down.
	if pairs, comps := sp.Budget(0.3); pairs != 104 || comps != 208 {
		t.Errorf("budget (%d, %d), want (104, 208)", pairs, comps)
	}
	if _, err := NewSplit(30, st.TrainSamples, 1.5, 1); err == nil {
		t.Error("hold-out share 1.5: want an error")
	}
}

// TestReplayStrategies: the shared replay gives, strategy by strategy, what
// a separate Replay and a full fit give, and the result rows are computed
// from those curves.
func TestReplayStrategies(t *testing.T) {
	st, _ := Simulate(SimOptions{N: 30, SamplesPerPair: 3, Seed: 5})
	sp := studySplit(st)
	strategies := BudgetedStrategies(sp, 0.3, 20)
	rep, err := ReplayStrategies(sp, st.Truth.Mu, strategies, &ActiveOptions{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	full, _ := Fit(st.Train, nil)
	if want := Evaluate(full, st.Test); rep.Full != want {
		t.Errorf("full fit %+v, want %+v", rep.Full, want)
	}
	if len(rep.Curves) != 4 || len(rep.Results) != 4 {
		t.Fatalf("%d curves and %d results, want 4 of each", len(rep.Curves), len(rep.Results))
	}
	pool, comps := float64(len(st.Train.Pairs())), st.Train.Comparisons()
	for k, s := range BudgetedStrategies(sp, 0.3, 20) {
		c, err := Replay(30, st.TrainSamples, st.Test, st.Truth.Mu, s, &ActiveOptions{Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c, rep.Curves[k]) {
			t.Errorf("%s: curve differs from a separate Replay", s.Name())
		}
		r := rep.Results[k]
		if r.Strategy != s.Name() || r.PairShare != float64(c.Final.Pairs)/pool || r.ComparisonShare != c.Final.Comparisons/comps ||
			r.Accuracy != c.Final.Heldout.Accuracy || r.FullAccuracy != rep.Full.Accuracy || r.Batches != float64(len(c.Points)) {
			t.Errorf("%s: result %+v does not match its curve", s.Name(), r)
		}
	}
	// Random and info-gain keep to 30% of the training pairs and comparisons.
	for _, r := range rep.Results[2:] {
		if r.PairShare > 0.3+1e-9 || r.ComparisonShare > 0.3+1e-9 {
			t.Errorf("%s used %.1f%% of pairs and %.1f%% of comparisons, budget 30%%", r.Strategy, 100*r.PairShare, 100*r.ComparisonShare)
		}
	}
	x, y := rep.Curves[0].HeldoutAccuracy()
	if len(x) != len(rep.Curves[0].Points) || len(y) != len(x) || x[len(x)-1] != rep.Curves[0].Points[len(x)-1].Comparisons {
		t.Errorf("HeldoutAccuracy: %d x, %d y for %d points", len(x), len(y), len(rep.Curves[0].Points))
	}
	rows := rep.ForRun("en/plain")
	if len(rows) != 4 || rows[3].Template != "en/plain" || rows[3].StrategyResult != rep.Results[3] {
		t.Errorf("ForRun: %+v", rows)
	}
	if _, err := ReplayStrategies(&Split{}, nil, strategies, nil); err == nil {
		t.Error("empty split: want an error")
	}
}

func TestSummarizeStrategies(t *testing.T) {
	rows := []RunStrategyResult{
		{"t1", StrategyResult{Strategy: "paper", PairShare: 0.25, Accuracy: 0.70, FullAccuracy: 0.72}},
		{"t1", StrategyResult{Strategy: "info-gain", PairShare: 0.30, Accuracy: 0.73, FullAccuracy: 0.72}},
		{"t2", StrategyResult{Strategy: "paper", PairShare: 0.5, Accuracy: 0.60, FullAccuracy: 0.60}},
	}
	got := SummarizeStrategies(rows)
	if len(got) != 2 || got[0].Strategy != "paper" || got[1].Strategy != "info-gain" {
		t.Fatalf("strategies %+v, want paper then info-gain", got)
	}
	// Percent of pairs, and accuracy gaps in points: 100·(0.70-0.72) = -2.
	near := func(a, b []float64) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if math.Abs(a[i]-b[i]) > 1e-9 {
				return false
			}
		}
		return true
	}
	if !near(got[0].PairsUsed, []float64{25, 50}) || !near(got[0].Gap, []float64{-2, 0}) || !near(got[1].Gap, []float64{1}) {
		t.Errorf("summary %+v", got)
	}
}

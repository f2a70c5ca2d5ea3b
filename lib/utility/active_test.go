package utility

import (
	"math"
	"os"
	"testing"

	"github.com/prefscope/prefscope/lib/stats"
)

// TestInfoGainMatchesFullMLE is the active-learning bar: on a dense
// simulated study (N=100 tasks, every pair, 5 samples per pair, 10% of
// pairs held out), the info-gain rule limited to 30% of the training pairs
// and 30% of the training comparisons reaches the held-out accuracy of the
// full maximum-likelihood fit within 1 point. Seeds 1-3; measured gaps are
// printed with -v.
func TestInfoGainMatchesFullMLE(t *testing.T) {
	if testing.Short() {
		t.Skip("replays three N=100 studies")
	}
	for _, seed := range []uint64{1, 2, 3} {
		st, err := Simulate(SimOptions{N: 100, SamplesPerPair: 5, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		full, err := Fit(st.Train, nil)
		if err != nil {
			t.Fatal(err)
		}
		fm := Evaluate(full, st.Test)
		maxPairs := int(0.3 * float64(len(st.Train.Pairs())))
		maxComp := int(0.3 * st.Train.Comparisons())
		s := &InfoGainStrategy{MaxComparisons: maxComp, MaxPairs: maxPairs, Requery: true}
		c, err := Replay(100, st.TrainSamples, st.Test, st.Truth.Mu, s, &ActiveOptions{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		f := c.Final
		t.Logf("seed %d: full MLE accuracy %.4f; info-gain %.4f with %d/%d pairs, %.0f/%.0f comparisons",
			seed, fm.Accuracy, f.Heldout.Accuracy, f.Pairs, len(st.Train.Pairs()), f.Comparisons, st.Train.Comparisons())
		if f.Pairs > maxPairs || f.Comparisons > float64(maxComp) {
			t.Errorf("seed %d: used %d pairs and %.0f comparisons, budget %d and %d", seed, f.Pairs, f.Comparisons, maxPairs, maxComp)
		}
		if f.Heldout.Accuracy < fm.Accuracy-0.01 {
			t.Errorf("seed %d: accuracy %.4f more than 1 point below full MLE %.4f", seed, f.Heldout.Accuracy, fm.Accuracy)
		}
	}
}

// TestStrategies checks each strategy's stopping rule and budget on a dense
// N=100 study with one sample per pair.
func TestStrategies(t *testing.T) {
	st, err := Simulate(SimOptions{N: 100, SamplesPerPair: 2, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	budget := int(2 * 100 * math.Log2(100)) // 1328 pairs
	ref := ReferenceStrategy()
	ref.BatchSize = 300
	cases := []struct {
		name     string
		s        Strategy
		maxPairs int
		minPairs int
		maxBatch int
	}{
		// Paper: 2-regular start (100 pairs) then batches of 500 up to the
		// budget of 2·N·log₂N = 1328 pairs: 1 + 3 batches.
		{"paper", PaperStrategy(), budget, budget, 4},
		// Reference study (batches of 300 here so it can stop before the
		// pool of 4455 pairs is exhausted): stops on Spearman ≥ 0.995
		// between successive fits or after 50 batches.
		{"reference-study", ref, 4455, 250, 51},
		{"random", &RandomStrategy{BatchSize: 200, MaxPairs: 600}, 600, 600, 4},
		{"random-requery", &RandomStrategy{BatchSize: 200, MaxPairs: 300, MaxComparisons: 600, Requery: true}, 300, 250, 4},
		{"info-gain", &InfoGainStrategy{MaxComparisons: 1000}, 1000, 900, 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cv, err := Replay(100, st.TrainSamples, st.Test, st.Truth.Mu, c.s, &ActiveOptions{Seed: 9})
			if err != nil {
				t.Fatal(err)
			}
			f := cv.Final
			if f.Pairs > c.maxPairs || f.Pairs < c.minPairs || len(cv.Points) > c.maxBatch {
				t.Errorf("pairs %d (want %d..%d), batches %d (want ≤ %d)", f.Pairs, c.minPairs, c.maxPairs, len(cv.Points), c.maxBatch)
			}
			if f.Spearman < 0.8 {
				t.Errorf("final spearman with planted μ %.3f, want ≥ 0.8", f.Spearman)
			}
			for k := 1; k < len(cv.Points); k++ {
				if cv.Points[k].Comparisons <= cv.Points[k-1].Comparisons {
					t.Errorf("learning curve not increasing at batch %d", k)
				}
			}
		})
	}
}

// TestStrategyTable checks every strategy's pair budget on the dense N=100
// design, and prints the learning-curve end points with -v
// (go test -run StrategyTable -v).
func TestStrategyTable(t *testing.T) {
	rows, err := CompareStrategies(SimOptions{N: 100, SamplesPerPair: 5}, []uint64{1, 2, 3}, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 {
		t.Fatalf("%d strategies compared, want 5", len(rows))
	}
	if testing.Verbose() {
		WriteStrategyTable(os.Stdout, rows)
	}
	// Budgets: the paper's 2·N·log₂N = 1328 of 4455 pairs; 30% for the
	// others (the reference study's rule has none and may use every pair).
	want := map[string]float64{"paper": 1328.0 / 4455, "random": 0.3, "random-requery": 0.3, "info-gain": 0.3, "reference-study": 1}
	for _, r := range rows {
		if r.PairShare > want[r.Strategy]+1e-9 {
			t.Errorf("%s used %.1f%% of pairs, budget %.1f%%", r.Strategy, 100*r.PairShare, 100*want[r.Strategy])
		}
	}
}

func TestActiveRunLive(t *testing.T) {
	// A live loop answering from the planted truth deterministically
	// (the more likely side wins): the run must stop and return a fit.
	st, _ := Simulate(SimOptions{N: 30, PairsPerTask: 5, Seed: 1})
	run, err := NewActiveRun(30, &RandomStrategy{BatchSize: 20, MaxPairs: 100}, &ActiveOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; ; round++ {
		b, err := run.Next()
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 {
			break
		}
		if round > 10 {
			t.Fatal("run did not stop")
		}
		for _, q := range b {
			w := 0.0
			if st.Truth.Prob(q.I, q.J) >= 0.5 {
				w = 1
			}
			if err := run.Add(q.I, q.J, w, 1-w); err != nil {
				t.Fatal(err)
			}
		}
	}
	u, err := run.Result()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(run.Data().Pairs()); n != 100 {
		t.Errorf("pairs = %d, want 100", n)
	}
	if sp, _ := stats.Spearman(u.Mu, st.Truth.Mu); sp < 0.8 {
		t.Errorf("spearman %.3f, want ≥ 0.8", sp)
	}
	if _, err := NewActiveRun(1, &RandomStrategy{}, nil); err == nil {
		t.Error("n=1: want an error")
	}
}

func TestSplitSamples(t *testing.T) {
	st, _ := Simulate(SimOptions{N: 40, SamplesPerPair: 3, HoldOut: -1, Seed: 2})
	train, test, err := SplitSamples(40, st.TrainSamples, 0.2, 1)
	if err != nil {
		t.Fatal(err)
	}
	// 780 pairs × 3 samples; 20% of pairs = 156 pairs = 468 samples held out.
	if len(test.Pairs()) != 156 || test.Comparisons() != 468 || len(train) != 2340-468 {
		t.Errorf("test pairs %d comparisons %v, train samples %d; want 156, 468, 1872", len(test.Pairs()), test.Comparisons(), len(train))
	}
	for _, s := range train {
		if _, ok := test.Get(s.A, s.B); ok {
			t.Fatalf("pair (%d, %d) in both splits", s.A, s.B)
		}
	}
	if _, _, err := SplitSamples(40, []Comparison{{A: 0, B: 40}}, 0.1, 1); err == nil {
		t.Error("out-of-range sample: want an error")
	}
}

package transitivity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/template"
)

// choices returns n records of the pair (a, b) of which a wins w, shown
// alternately a first and b first.
func choices(a, b string, w, n int) []measure.Record {
	var out []measure.Record
	for s := range n {
		r := measure.Record{Key: fmt.Sprintf("%s|%s|%d", a, b, s), TaskA: a, TaskB: b, Sample: s, Outcome: template.OutcomeChoice, Winner: b, Shown: []string{a, b}}
		if s < w {
			r.Winner = a
		}
		if s%2 == 1 {
			r.Shown = []string{b, a}
		}
		out = append(out, r)
	}
	return out
}

// constructed is a tournament over a..e with these pooled probabilities
// (row task over column task): ab 3/4, bc 1/2 (a tie), ac 1/4, ad 1/3,
// bd 1, cd 0, ce 1, de 1/3. Its closed triads, p around I→J→K→I:
//
//	abc: .75 .5 .75   tie, not hard     P(cycle) = .75·.5·.75 + .25·.5·.25 = .3125
//	abd: .75 1 2/3    hard (all > .5)   P(cycle) = .5
//	acd: .25 0 2/3    not hard          P(cycle) = .75·1·(1/3) = .25
//	bcd: .5 0 0       tie, not hard     P(cycle) = .5
//	cde: 0 1/3 0      hard (all < .5)   P(cycle) = 2/3
//
// so 2 hard cycles in 5 triads and a mean cycle probability of
// (0.3125 + 0.5 + 0.25 + 0.5 + 2/3)/5. A refusal and an unparseable reply
// of a and e must not create the pair {a, e}.
func constructed(t *testing.T) *Tournament {
	t.Helper()
	var recs []measure.Record
	for _, p := range []struct {
		a, b string
		w, n int
	}{{"a", "b", 3, 4}, {"b", "c", 1, 2}, {"a", "c", 1, 4}, {"a", "d", 1, 3}, {"d", "b", 0, 2}, {"c", "d", 0, 1}, {"e", "c", 0, 1}, {"d", "e", 1, 3}} {
		recs = append(recs, choices(p.a, p.b, p.w, p.n)...)
	}
	recs = append(recs,
		measure.Record{Key: "a|e|0", TaskA: "a", TaskB: "e", Outcome: template.OutcomeRefusal},
		measure.Record{Key: "a|e|1", TaskA: "a", TaskB: "e", Sample: 1, Outcome: template.OutcomeUnparseable})
	tour, err := NewTournament("run-1", recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tour
}

const constructedMean = (0.3125 + 0.5 + 0.25 + 0.5 + 2.0/3) / 5

func TestConstructedTournament(t *testing.T) {
	tour := constructed(t)
	if tour.Choices != 20 || tour.Refusals != 1 || tour.Unparseable != 1 || len(tour.Edges) != 8 || len(tour.Tasks) != 5 {
		t.Fatalf("choices %d refusals %d unparseable %d edges %d tasks %d, want 20 1 1 8 5", tour.Choices, tour.Refusals, tour.Unparseable, len(tour.Edges), len(tour.Tasks))
	}
	for _, c := range []struct {
		a, b string
		p    float64
		n    int
	}{{"a", "b", 0.75, 4}, {"b", "a", 0.25, 4}, {"b", "d", 1, 2}, {"e", "d", 2.0 / 3, 3}, {"c", "b", 0.5, 2}} {
		p, n, ok := tour.P(c.a, c.b)
		if !ok || math.Abs(p-c.p) > 1e-12 || n != c.n {
			t.Errorf("P(%s over %s) = %v (n %d, ok %v), want %v (n %d)", c.a, c.b, p, n, ok, c.p, c.n)
		}
	}
	if _, _, ok := tour.P("a", "e"); ok {
		t.Error("pair {a, e} has no choice and must be unmeasured")
	}
	triads, st, err := Triads([]*Tournament{tour}, &SampleOptions{Exhaustive: true})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tr := range triads {
		names = append(names, tour.Tasks[tr.I]+tour.Tasks[tr.J]+tour.Tasks[tr.K])
	}
	if fmt.Sprint(names) != "[abc abd acd bcd cde]" || st.Kept != 5 {
		t.Fatalf("exhaustive triads = %v (kept %d), want [abc abd acd bcd cde]", names, st.Kept)
	}
	s, err := Summarize(triads, &stats.BootstrapOptions{Replicates: 500, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s.HardCycles != 2 || s.Triads != 5 || s.HardCycleRate != 0.4 {
		t.Errorf("hard cycles %d of %d (rate %v), want 2 of 5", s.HardCycles, s.Triads, s.HardCycleRate)
	}
	if math.Abs(s.MeanCycleProbability-constructedMean) > 1e-12 {
		t.Errorf("mean cycle probability %v, want %v", s.MeanCycleProbability, constructedMean)
	}
	if !(s.RateCI.Low <= 0.4 && s.RateCI.High >= 0.4 && s.RateCI.Low >= 0 && s.RateCI.High <= 1 && s.RateCI.High > s.RateCI.Low) {
		t.Errorf("interval [%v, %v] should bracket 0.4", s.RateCI.Low, s.RateCI.High)
	}

	// Sampling finds the same five triads, never keeps one twice, and stops
	// at the target or the attempt cap.
	all, st, err := Triads([]*Tournament{tour}, &SampleOptions{Target: 100, MaxAttempts: 2000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 || st.Attempts != 2000 || st.Open+st.Repeats+st.Kept != st.Attempts {
		t.Errorf("sampled %d triads in %+v, want all 5 in 2000 attempts", len(all), st)
	}
	some, st, _ := Triads([]*Tournament{tour}, &SampleOptions{Target: 3, Seed: 3})
	if len(some) != 3 || st.Attempts > 300 {
		t.Errorf("target 3: got %d triads in %d attempts", len(some), st.Attempts)
	}
}

func TestHardCycleTies(t *testing.T) {
	cases := []struct {
		p    [3]float64
		hard bool
	}{
		{[3]float64{0.6, 0.7, 0.9}, true},
		{[3]float64{0.1, 0.4, 0.49}, true},
		{[3]float64{0.5, 0.7, 0.9}, false},
		{[3]float64{0.5, 0.5, 0.5}, false},
		{[3]float64{0.4, 0.4, 0.5}, false},
		{[3]float64{0.9, 0.9, 0.1}, false},
	}
	for _, c := range cases {
		if got := HardCycle(c.p[0], c.p[1], c.p[2]); got != c.hard {
			t.Errorf("HardCycle%v = %v, want %v", c.p, got, c.hard)
		}
	}
	if got := CycleProbability(0.5, 0.5, 0.5); got != 0.25 {
		t.Errorf("coin flips cycle with probability %v, want 0.25", got)
	}
}

// dense returns a tournament over n tasks, every pair measured n times,
// results drawn from P(i over j) = prob(i, j), display orders alternating.
func dense(run string, n, samples int, prob func(i, j int) float64, seed uint64) *Tournament {
	rng := rand.New(rand.NewPCG(seed, 1))
	var recs []measure.Record
	for i := range n {
		for j := i + 1; j < n; j++ {
			w := binomial(rng, samples, prob(i, j))
			recs = append(recs, choices(fmt.Sprintf("t%03d", i), fmt.Sprintf("t%03d", j), w, samples)...)
		}
	}
	t, err := NewTournament(run, recs, nil)
	if err != nil {
		panic(err)
	}
	return t
}

func TestSamplingWeightsRunsByTaskCount(t *testing.T) {
	half := func(i, j int) float64 { return 0.5 }
	ts := []*Tournament{dense("small", 10, 1, half, 1), dense("large", 30, 1, half, 2)}
	triads, st, err := Triads(ts, &SampleOptions{Target: 2000, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	// Dense runs: every draw is closed. Draws go 3:1 to the large run (30
	// vs 10 tasks), and the small run's 120 triads are all found.
	small := 0
	for _, tr := range triads {
		if tr.Run == 0 {
			small++
		}
	}
	if st.Open != 0 || small != 120 || st.Draws[0]+st.Draws[1] != st.Attempts {
		t.Errorf("dense runs: %d open draws, %d small-run triads (want 0, 120), stats %+v", st.Open, small, st)
	}
	share := float64(st.Draws[1]) / float64(st.Attempts)
	if sd := math.Sqrt(0.75 * 0.25 / float64(st.Attempts)); math.Abs(share-0.75) > 4*sd {
		t.Errorf("share of draws from the large run %.3f, want 0.75 ± %.3f", share, 4*sd)
	}
	if _, _, err := Triads([]*Tournament{{Run: "empty"}}, nil); err == nil {
		t.Error("want an error when no tournament has three tasks")
	}
}

// With one sample per pair a simulated pooled probability is 0 or 1, so a
// triad's predicted hard-cycle rate is its cycle probability under the
// model: the prediction must match the mean of the analytic values. Two
// samples at equal utilities: a hard cycle needs three untied pairs in one
// direction, (1/4)³ + (1/4)³ = 1/32.
func TestPredictAgainstAnalytic(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	n := 25
	m := Thurstonian{Mu: map[string]float64{}, Sigma: map[string]float64{}}
	for i := range n {
		id := fmt.Sprintf("t%03d", i)
		m.Mu[id], m.Sigma[id] = rng.NormFloat64(), 0.5+rng.Float64()
	}
	tour := dense("r", n, 1, func(i, j int) float64 { return 0.5 }, 5)
	triads, _, err := Triads([]*Tournament{tour}, &SampleOptions{Exhaustive: true})
	if err != nil {
		t.Fatal(err)
	}
	var analytic float64
	for _, tr := range triads {
		p := func(a, b int) float64 {
			pf, _, _ := m.choice(tour.Tasks[a], tour.Tasks[b])
			return pf
		}
		analytic += CycleProbability(p(tr.I, tr.J), p(tr.J, tr.K), p(tr.K, tr.I)) / float64(len(triads))
	}
	pred, err := Predict([]*Tournament{tour}, triads, []Thurstonian{m}, &stats.BootstrapOptions{Replicates: 400, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Replicate rates have sd ≲ 0.02 (2300 triads, shared pairs); the mean of
	// 400 is within 0.003.
	if math.Abs(pred.HardCycleRate-analytic) > 0.004 || !(pred.RateCI.Low < analytic && analytic < pred.RateCI.High) {
		t.Errorf("predicted rate %.4f [%.4f, %.4f], analytic %.4f", pred.HardCycleRate, pred.RateCI.Low, pred.RateCI.High, analytic)
	}
	if math.Abs(pred.MeanCycleProbability-analytic) > 0.004 {
		t.Errorf("predicted mean cycle probability %.4f, analytic %.4f", pred.MeanCycleProbability, analytic)
	}

	flat := Thurstonian{Mu: map[string]float64{}, Sigma: map[string]float64{}}
	for id := range m.Mu {
		flat.Mu[id], flat.Sigma[id] = 0, 1
	}
	two := dense("r2", n, 2, func(i, j int) float64 { return 0.5 }, 6)
	triads2, _, _ := Triads([]*Tournament{two}, &SampleOptions{Exhaustive: true})
	pred2, err := Predict([]*Tournament{two}, triads2, []Thurstonian{flat}, &stats.BootstrapOptions{Replicates: 400, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(pred2.HardCycleRate-1.0/32) > 0.003 {
		t.Errorf("two samples at equal utilities: predicted %.4f, want 1/32", pred2.HardCycleRate)
	}

	// A strong position bias with I always shown first makes I win every
	// pair: p_IJ = p_JK = 1, p_KI = 0, never a cycle.
	biased := flat
	biased.PositionBias = 50
	for k := range two.Edges {
		two.Edges[k].FirstI = two.Edges[k].N
	}
	pred3, _ := Predict([]*Tournament{two}, triads2, []Thurstonian{biased}, &stats.BootstrapOptions{Replicates: 20})
	if pred3.HardCycleRate != 0 {
		t.Errorf("position-biased model predicts %.4f hard cycles, want 0", pred3.HardCycleRate)
	}

	delete(flat.Mu, "t007")
	if _, err := Predict([]*Tournament{two}, triads2, []Thurstonian{flat}, nil); err == nil {
		t.Error("want an error for a task the model lacks")
	}
}

func TestNewTournamentErrors(t *testing.T) {
	bad := []struct {
		name string
		rec  measure.Record
		want string // in the error, which names the run and the record
	}{
		{"one task", measure.Record{Key: "x", TaskA: "a", Outcome: template.OutcomeChoice, Winner: "a"}, "not a pairwise choice"},
		{"a task against itself", measure.Record{Key: "x", TaskA: "a", TaskB: "a", Outcome: template.OutcomeChoice, Winner: "a"}, "not a pairwise choice"},
		{"winner outside the pair", measure.Record{Key: "x", TaskA: "a", TaskB: "b", Outcome: template.OutcomeChoice, Winner: "c"}, `winner "c"`},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewTournament("r", []measure.Record{c.rec}, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `run r record 0 (key "x")`) {
				t.Errorf("error %v, want one containing %q and naming run r, record 0", err, c.want)
			}
		})
	}
	recs := append(choices("a", "b", 1, 3), choices("a", "c", 3, 3)...)
	tour, err := NewTournament("r", recs, &TournamentOptions{MaxSamples: 2})
	if err != nil {
		t.Fatal(err)
	}
	if p, n, _ := tour.P("a", "b"); n != 2 || p != 0.5 {
		t.Errorf("MaxSamples 2: P(a over b) = %v over %d, want 0.5 over 2", p, n)
	}
}

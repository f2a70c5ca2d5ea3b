package robustness

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/stats"
)

// TestAttenuate: each pair's correlation is multiplied by the square root
// of its two runs' reliabilities, the receiver is left alone, and a run
// without a reliability is an error naming it.
func TestAttenuate(t *testing.T) {
	c := &Correlations{Fields: []string{"language"}, Pairs: []PairCorrelation{
		{A: "a", B: "b", Pearson: 0.9, Same: []bool{true}},
		{A: "a", B: "c", Pearson: -0.5, Same: []bool{false}},
	}}
	got, err := c.Attenuate(map[string]float64{"a": 0.64, "b": 0.25, "c": 1})
	if err != nil {
		t.Fatal(err)
	}
	// sqrt(0.64·0.25) = 0.4 and sqrt(0.64·1) = 0.8.
	if math.Abs(got.Pairs[0].Pearson-0.36) > 1e-12 || math.Abs(got.Pairs[1].Pearson+0.4) > 1e-12 || !got.Pairs[0].Same[0] {
		t.Errorf("attenuated %+v, want 0.36 and -0.4", got.Pairs)
	}
	if c.Pairs[0].Pearson != 0.9 {
		t.Error("Attenuate changed its receiver")
	}
	if _, err := c.Attenuate(map[string]float64{"a": 1, "b": 1}); err == nil || !strings.Contains(err.Error(), "run c") {
		t.Errorf("missing run: %v, want an error naming run c", err)
	}
}

// TestReliabilities: fitted utilities that are the planted ones plus
// independent noise of sd 0.5 (planted sd 1) have reliability
// 1 / (1 + 0.25) = 0.8; with 4,000 tasks the estimate is within 0.02 of
// it (its sd is about 0.006). A run without planted utilities, or with
// fewer than three planted tasks, is an error naming it.
func TestReliabilities(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fitted, planted := map[string]float64{}, map[string]float64{}
	for i := range 4000 {
		id := fmt.Sprintf("t%04d", i)
		planted[id] = rng.NormFloat64()
		fitted[id] = planted[id] + 0.5*rng.NormFloat64()
	}
	runs := []RunUtilities{{ID: "r", Utilities: fitted}}
	rel, err := Reliabilities(runs, Planted{"r": planted})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(rel["r"]-0.8) > 0.02 {
		t.Errorf("reliability %.4f, want 0.8 ± 0.02", rel["r"])
	}
	if _, err := Reliabilities(runs, Planted{"s": planted}); err == nil || !strings.Contains(err.Error(), "run r") {
		t.Errorf("missing run: %v", err)
	}
	if _, err := Reliabilities(runs, Planted{"r": {"t0001": 1, "t0002": 2}}); err == nil || !strings.Contains(err.Error(), "run r has 2 tasks") {
		t.Errorf("two planted tasks: %v", err)
	}
}

// TestPlantedMeasuredIsWhatTheEstimateTargets: with measurement noise of
// sd 0.8 on utilities of sd about 1.1, every correlation between fitted
// runs is attenuated by about a third. In each of six constructed studies
// the noiseless planted intercept lies above the estimate's task-bootstrap
// interval while the planted intercept at the measured reliability lies
// inside it, and equals the noiseless one times the runs' reliability
// (nearly the same for every run). Over the 60 field cells the
// measured-scale planted β is inside its 95% interval at least 54 times
// (fewer happens with probability under 3% for calibrated intervals), and
// more often than the noiseless planted β.
func TestPlantedMeasuredIsWhatTheEstimateTargets(t *testing.T) {
	tpls := testTemplates(t, 16)
	var measuredIn, noiselessIn, cells int
	for seed := range uint64(6) {
		rng := rand.New(rand.NewPCG(9, seed))
		base := map[string]float64{}
		for i := range 300 {
			base[fmt.Sprintf("t%03d", i)] = rng.NormFloat64()
		}
		m := modelRuns(t, "noisy", tpls, base, map[string]float64{"language": 0.4, "phrasing": 0.3, "typos": 0.1}, 0.8, 5+seed)
		r, err := AnalyzeModel(m, &stats.BootstrapOptions{Replicates: 400, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		sens, err := Analyze(m.Runs, m.Planted)
		if err != nil {
			t.Fatal(err)
		}
		var meanRel float64
		for _, v := range sens.Reliability {
			meanRel += v / float64(len(sens.Reliability))
		}
		icpt := r.Summary.Terms[0]
		if r.TaskCI[0].Contains(icpt.Planted) || !r.TaskCI[0].Contains(icpt.PlantedMeasured) {
			t.Errorf("seed %d: intercept interval %v: want it to exclude the noiseless planted %.3f and hold the measured-scale %.3f", seed, r.TaskCI[0], icpt.Planted, icpt.PlantedMeasured)
		}
		if math.Abs(icpt.PlantedMeasured-icpt.Planted*meanRel) > 0.01 {
			t.Errorf("seed %d: measured-scale intercept %.4f, want planted %.4f x reliability %.4f", seed, icpt.PlantedMeasured, icpt.Planted, meanRel)
		}
		in, c := r.Recovered()
		measuredIn, cells = measuredIn+in, cells+c
		for j, term := range r.Summary.Terms[1:] {
			if r.TaskCI[j+1].Contains(term.Planted) {
				noiselessIn++
			}
		}
	}
	t.Logf("field cells holding the planted β: %d of %d at measured reliability, %d noiseless", measuredIn, cells, noiselessIn)
	if cells != 60 || measuredIn < 54 || measuredIn <= noiselessIn {
		t.Errorf("measured-scale planted β inside the interval in %d of %d field cells (noiseless: %d), want at least 54 and more than noiseless", measuredIn, cells, noiselessIn)
	}
}

package transitivity

import (
	"testing"

	"github.com/prefscope/prefscope/lib/internal/synthtest"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
	"github.com/prefscope/prefscope/lib/utility"
)

// TestPlantedFloorOnSyntheticRun measures a dense run of the simulated
// respondent (30 tasks, every pair, 2 samples, random order per pair) through
// the engine, and checks the measured hard-cycle rate against the rate the
// planted model predicts for the same triads: planted context utilities,
// Sigma, position bias and the run's temperature. The respondent is
// transitive up to its position bias, so the measured rate must sit inside
// the predicted interval. The fitted model (no position bias) must predict
// a rate too, and one near the planted one.
func TestPlantedFloorOnSyntheticRun(t *testing.T) {
	fx := synthtest.New(t, 11)
	tpl := fx.Catalog.Generate(template.PreRevealed, "")[0]
	tpl.Fields.TaskOrder = template.OrderRandom
	run := measureDense(t, fx, tpl, 30, 2, 5)
	ids := run.File.Config.Tasks
	tour, err := FromRun(run, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := []*Tournament{tour}
	triads, _, err := Triads(ts, &SampleOptions{Exhaustive: true})
	if err != nil {
		t.Fatal(err)
	}
	measured, err := Summarize(triads, nil)
	if err != nil {
		t.Fatal(err)
	}
	truth := fx.Truth()
	ctx := synth.ContextOf(tpl)
	planted := Thurstonian{Mu: map[string]float64{}, Sigma: map[string]float64{}, PositionBias: truth.Params.PositionBias, Temperature: 1}
	for _, id := range ids {
		planted.Mu[id], planted.Sigma[id] = truth.Utility(id, ctx), truth.Sigma[id]
	}
	pred, err := Predict(ts, triads, []Thurstonian{planted}, &stats.BootstrapOptions{Replicates: 1000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d triads: measured %.4f [%.4f, %.4f], planted model predicts %.4f [%.4f, %.4f]",
		len(triads), measured.HardCycleRate, measured.RateCI.Low, measured.RateCI.High, pred.HardCycleRate, pred.RateCI.Low, pred.RateCI.High)
	if measured.HardCycleRate < pred.RateCI.Low || measured.HardCycleRate > pred.RateCI.High {
		t.Errorf("measured rate %.4f outside the planted prediction [%.4f, %.4f]", measured.HardCycleRate, pred.RateCI.Low, pred.RateCI.High)
	}
	if pred.HardCycleRate <= 0 || pred.HardCycleRate >= 0.25 {
		t.Errorf("planted floor %.4f, want strictly between 0 and the random 0.25", pred.HardCycleRate)
	}
	u, _, err := utility.FitRun(run, nil)
	if err != nil {
		t.Fatal(err)
	}
	fitted, err := FromUtilities(u)
	if err != nil {
		t.Fatal(err)
	}
	fp, err := Predict(ts, triads, []Thurstonian{fitted}, &stats.BootstrapOptions{Replicates: 300, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fitted model predicts %.4f [%.4f, %.4f]", fp.HardCycleRate, fp.RateCI.Low, fp.RateCI.High)
	if fp.HardCycleRate <= 0 || fp.HardCycleRate >= 0.25 {
		t.Errorf("fitted floor %.4f, want strictly between 0 and 0.25", fp.HardCycleRate)
	}
}

// TestAnalyze runs the whole analysis on two synthetic runs: it must agree
// with the steps done by hand and report each run.
func TestAnalyze(t *testing.T) {
	fx := synthtest.New(t, 3)
	var runs []*measure.Run
	for k, tpl := range fx.Catalog.Generate(template.PreRevealed, "")[:2] {
		tpl.Fields.TaskOrder = template.OrderRandom
		runs = append(runs, measureDense(t, fx, tpl, 20, 3, int64(k)))
	}
	a, err := Analyze(runs, &AnalysisOptions{Sample: SampleOptions{Exhaustive: true}, Planted: plantedModels(fx.Truth(), runs), Bootstrap: stats.BootstrapOptions{Replicates: 200}})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Triads) != 2*1140 || len(a.PerRun) != 2 || !a.HasPlanted {
		t.Fatalf("%d triads, %d runs, planted %v; want 2280, 2, true", len(a.Triads), len(a.PerRun), a.HasPlanted)
	}
	hard := a.PerRun[0].Measured.HardCycles + a.PerRun[1].Measured.HardCycles
	if hard != a.Measured.HardCycles {
		t.Errorf("per-run hard cycles add to %d, overall %d", hard, a.Measured.HardCycles)
	}
	pred, _ := Predict(a.Tournaments, a.Triads, plantedModels(fx.Truth(), runs), &stats.BootstrapOptions{Replicates: 200})
	if pred != a.Planted {
		t.Errorf("Analyze's planted prediction %+v, by hand %+v", a.Planted, pred)
	}
	res := a.Result("two runs", 3)
	h, rows := Table([]Result{res})
	if len(rows) != 1 || len(rows[0]) != len(h) || rows[0][2] != "2280" || rows[0][6] == "" || len(res.CycleProbabilities) != 2280 {
		t.Errorf("table %v %v", h, rows)
	}
	three, _ := Analyze(runs, &AnalysisOptions{Sample: SampleOptions{Exhaustive: true}, Tournament: TournamentOptions{MaxSamples: 1}, Bootstrap: stats.BootstrapOptions{Replicates: 50}})
	if three.Tournaments[0].Choices >= a.Tournaments[0].Choices || three.HasPlanted {
		t.Errorf("one sample per pair kept %d of %d choices", three.Tournaments[0].Choices, a.Tournaments[0].Choices)
	}
}

// measureDense measures n tasks of the fixture's task set (seeded sample),
// every pair, samples times, through the engine.
func measureDense(t *testing.T, fx *synthtest.Fixture, tpl template.Template, n, samples int, seed int64) *measure.Run {
	t.Helper()
	tasks, err := task.Sample(fx.Tasks, task.SampleOptions{N: n, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tk := range tasks {
		ids = append(ids, tk.ID)
	}
	var pairs [][2]string
	for _, p := range synthtest.AllPairs(ids) {
		pairs = append(pairs, [2]string{min(p[0], p[1]), max(p[0], p[1])})
	}
	cfg := measure.RunConfig{Study: "test", Part: "dense", Model: fx.Spec(), Template: tpl,
		Tasks: ids, Pairs: pairs, Samples: samples, Temperature: 1, Seed: seed}
	return synthtest.Measure(t, fx.Engine(2), t.TempDir(), cfg)
}

// plantedModels is the respondent's planted model of each run, as
// lib/study's PlantedThurstonian builds it (the test cannot import
// lib/study, which imports this package).
func plantedModels(truth *synth.Truth, runs []*measure.Run) []Thurstonian {
	out := make([]Thurstonian, len(runs))
	for k, r := range runs {
		ctx := synth.ContextOf(r.File.Config.Template)
		m := Thurstonian{Mu: map[string]float64{}, Sigma: map[string]float64{}, PositionBias: truth.Params.PositionBias, Temperature: r.File.Config.Temperature}
		for _, id := range r.File.Config.Tasks {
			m.Mu[id], m.Sigma[id] = truth.Utility(id, ctx), truth.Sigma[id]
		}
		out[k] = m
	}
	return out
}

package robustness

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/internal/synthtest"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/template"
)

// storedRun writes utilities.csv for one run in a temporary directory, as
// utility.WriteRunFit does, and returns the run.
func storedRun(t *testing.T, id string, tp template.Template, u map[string]float64) *measure.Run {
	t.Helper()
	dir := filepath.Join(t.TempDir(), id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("task_id,mu,sigma\n")
	for k, v := range u {
		fmt.Fprintf(&b, "%s,%v,1\n", k, v)
	}
	if err := os.WriteFile(filepath.Join(dir, "utilities.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return &measure.Run{Dir: dir, File: measure.RunFile{ID: id, Config: measure.RunConfig{Template: tp}}}
}

// plantedRuns returns n balanced templates of the default catalog and, for
// each, a stored run whose utilities are the respondent's planted context
// utilities plus N(0, noise²) noise.
func plantedRuns(t *testing.T, n int, noise float64) ([]*measure.Run, Planted) {
	t.Helper()
	fx := synthtest.New(t, 2026)
	truth := fx.Truth()
	rng := rand.New(rand.NewPCG(1, 2))
	var runs []*measure.Run
	planted := Planted{}
	for k, tp := range template.SampleBalanced(fx.Catalog.Generate(template.PreRevealed, ""), n, 7) {
		ctx := synth.ContextOf(tp)
		u, p := map[string]float64{}, map[string]float64{}
		for _, tk := range fx.Tasks {
			p[tk.ID] = truth.Utility(tk.ID, ctx)
			u[tk.ID] = p[tk.ID] + noise*rng.NormFloat64()
		}
		id := fmt.Sprintf("run%02d", k)
		runs = append(runs, storedRun(t, id, tp, u))
		planted[id] = p
	}
	return runs, planted
}

func TestFromStore(t *testing.T) {
	runs, _ := plantedRuns(t, 4, 0)
	rr, err := FromStore(runs)
	if err != nil {
		t.Fatal(err)
	}
	if len(rr) != 4 || rr[0].ID != "run00" || len(rr[0].Utilities) != 240 {
		t.Fatalf("runs %d, first %q with %d utilities", len(rr), rr[0].ID, len(rr[0].Utilities))
	}
	// The kind is the same in every run: left out. The language varies
	// over a balanced sample: kept, with the run's own level.
	if _, ok := rr[0].Fields["kind"]; ok {
		t.Error("kind, one value in every run, is kept")
	}
	want := measure.FieldLevels(runs[2].File.Config.Template)["language"]
	if got := rr[2].Fields["language"]; got != want || got == "" {
		t.Errorf("run02 language %q, want %q", got, want)
	}
	missing := &measure.Run{Dir: t.TempDir(), File: measure.RunFile{ID: "unfitted"}}
	if _, err := FromStore(append(runs, missing)); err == nil || !strings.Contains(err.Error(), "unfitted") {
		t.Errorf("run without utilities.csv: error %v, want one naming the run", err)
	}
}

// TestAnalyzeRecoversPlantedEffects: runs whose utilities are the planted
// context utilities plus a little noise must give the regression betas the
// planted correlations give. With 24 runs of 240 tasks and noise sd 0.05,
// field betas differ from the planted ones by at most 0.004 here (effects
// range up to 0.09) and the intercept by 0.017 (sample correlations over
// 240 tasks, attenuated by the noise, fall a little short of their
// expectation); 0.015 and 0.04 leave room. The two most sensitive fields
// must agree.
func TestAnalyzeRecoversPlantedEffects(t *testing.T) {
	runs, truth := plantedRuns(t, 24, 0.05)
	s, err := Analyze(runs, truth)
	if err != nil {
		t.Fatal(err)
	}
	if s.PlantedRegression == nil || s.Regression.N != 276 {
		t.Fatalf("planted regression %v, pairs %d; want 276", s.PlantedRegression, s.Regression.N)
	}
	est, pl := s.Regression.Beta, s.PlantedRegression.Beta
	for i := range est {
		tol := 0.015
		if i == 0 {
			tol = 0.04
		}
		if math.Abs(est[i]-pl[i]) > tol {
			t.Errorf("%s: β %.4f, planted %.4f; want within %v", s.Regression.Terms[i], est[i], pl[i], tol)
		}
	}
	top := func(b []float64) (int, int) {
		first, second := 1, 2
		for i := 1; i < len(b); i++ {
			switch {
			case b[i] > b[first]:
				first, second = i, first
			case i != first && b[i] > b[second]:
				second = i
			}
		}
		return first, second
	}
	if e1, e2 := top(est); [2]int{e1, e2} != func() [2]int { p1, p2 := top(pl); return [2]int{p1, p2} }() {
		t.Errorf("most sensitive fields %s, %s; planted %v", s.Regression.Terms[e1], s.Regression.Terms[e2], pl)
	}
	if len(s.PlantedAveraging) != len(s.Averaging) || len(Effects(s.Averaging)) != len(s.Correlations.Fields) {
		t.Errorf("averaging views: %d estimated, %d planted, %d fields", len(s.Averaging), len(s.PlantedAveraging), len(s.Correlations.Fields))
	}
	noTruth, err := Analyze(runs, nil)
	if err != nil || noTruth.Planted != nil || noTruth.PlantedRegression != nil || !reflect.DeepEqual(noTruth.Regression, s.Regression) {
		t.Errorf("without a truth: %v; want the same estimate and no planted views", err)
	}
}

func TestSummary(t *testing.T) {
	s := &Sensitivity{
		Correlations: &Correlations{Fields: []string{"language"}, Pairs: []PairCorrelation{{Pearson: 0.5}, {Pearson: 0.7}}},
		Regression:   &Regression{Terms: []string{"intercept", "language"}, Beta: []float64{0.6, 0.08}, SE: []float64{0.01, 0.02}, R2: 0.8, N: 2},
		Averaging:    []FieldAverage{{Field: "language", Effect: 0.07}},
	}
	sum := s.Summary()
	want := Summary{Terms: []Term{{Term: "intercept", Beta: 0.6, SE: 0.01}, {Term: "language", Beta: 0.08, SE: 0.02, Averaging: 0.07}}, R2: 0.8, Pairs: 2, MeanR: 0.6}
	if math.Abs(sum.MeanR-0.6) > 1e-12 {
		t.Errorf("mean r %v, want 0.6", sum.MeanR)
	}
	sum.MeanR = 0.6
	if !reflect.DeepEqual(sum, want) {
		t.Errorf("summary %+v, want %+v", sum, want)
	}
	header, rows := sum.Table()
	if len(header) != 6 || !reflect.DeepEqual(rows, [][]string{{"intercept", "0.600", "0.010", "", "", ""}, {"language", "0.080", "0.020", "", "", "0.070"}}) {
		t.Errorf("table without a truth: %v %v", header, rows)
	}
	s.PlantedRegression = &Regression{Beta: []float64{0.7, math.NaN()}}
	s.PlantedMeasured = &Regression{Beta: []float64{0.5, 0.01}}
	sum = s.Summary()
	if _, rows = sum.Table(); !sum.HasPlanted || rows[0][3] != "0.700" || rows[1][3] != "0.000" || rows[0][4] != "0.500" || rows[1][4] != "0.010" {
		t.Errorf("planted column %v (a NaN planted β is saved as 0)", rows)
	}
	b, err := json.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]any
	json.Unmarshal(b, &keys)
	for _, k := range []string{"terms", "r2", "pairs", "mean_r", "has_planted"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	var out strings.Builder
	if err := sum.WriteTable(&out); err != nil || !strings.Contains(out.String(), "language") {
		t.Errorf("WriteTable: %v\n%s", err, out.String())
	}
}

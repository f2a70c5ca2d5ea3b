package robustness

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/template"
)

// TestPlantedCorrelations: the planted correlation of two runs is the
// Pearson correlation of their planted utilities over the tasks both have,
// checked against a hand computation; a run without planted utilities is
// an error naming it.
func TestPlantedCorrelations(t *testing.T) {
	c := &Correlations{Fields: []string{"language"}, Pairs: []PairCorrelation{{A: "a", B: "b", Pearson: 0.1, Same: []bool{true}}}}
	// Shared tasks x, y, z: a = (1, 2, 3), b = (1, 3, 2); w is only in a.
	p := Planted{"a": {"x": 1, "y": 2, "z": 3, "w": 10}, "b": {"x": 1, "y": 3, "z": 2}}
	pc, err := c.PlantedCorrelations(p)
	if err != nil {
		t.Fatal(err)
	}
	// Deviations (-1, 0, 1) and (-1, 1, 0): covariance 1, variances 2 and 2.
	if got := pc.Pairs[0].Pearson; math.Abs(got-0.5) > 1e-12 {
		t.Errorf("planted correlation %v, want 0.5", got)
	}
	if c.Pairs[0].Pearson != 0.1 || !pc.Pairs[0].Same[0] {
		t.Error("PlantedCorrelations changed its receiver or lost the indicators")
	}
	if _, err := c.PlantedCorrelations(Planted{"a": p["a"]}); err == nil || !strings.Contains(err.Error(), "run b") {
		t.Errorf("missing run: %v, want an error naming run b", err)
	}
}

// modelRuns builds one simulated model's runs over the templates: per
// task a shared utility (base) plus, per field level, a perturbation of sd
// fieldSD[field], and measurement noise of sd noise; Planted holds the
// noise-free utilities.
func modelRuns(t *testing.T, name string, tpls []template.Template, base map[string]float64, fieldSD map[string]float64, noise float64, seed uint64) ModelRuns {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	pert := map[string]float64{} // field|level|task -> perturbation
	m := ModelRuns{Model: name, Planted: Planted{}}
	for k, tp := range tpls {
		lv := measure.FieldLevels(tp)
		u, p := map[string]float64{}, map[string]float64{}
		for _, id := range slices.Sorted(maps.Keys(base)) { // a fixed draw order: the data depend on the seed alone
			p[id] = base[id]
			for _, f := range slices.Sorted(maps.Keys(fieldSD)) {
				sd := fieldSD[f]
				key := f + "|" + lv[f] + "|" + id
				if _, ok := pert[key]; !ok {
					pert[key] = sd * rng.NormFloat64()
				}
				p[id] += pert[key]
			}
			u[id] = p[id] + noise*rng.NormFloat64()
		}
		id := fmt.Sprintf("%s-%02d", name, k)
		m.Runs = append(m.Runs, storedRun(t, id, tp, u))
		m.Planted[id] = p
	}
	return m
}

func testTemplates(t *testing.T, n int) []template.Template {
	t.Helper()
	cat, err := template.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return template.SampleBalanced(cat.Generate(template.PreRevealed, ""), n, 7)
}

// TestAnalyzeModelRecoversProfiles: two constructed models with different
// planted profiles (one sensitive to language, one to phrasing) over 16
// templates and 150 tasks; each model's largest β is its planted field, and
// at least 90% of the field x model cells hold the planted β inside the
// task-bootstrap interval.
func TestAnalyzeModelRecoversProfiles(t *testing.T) {
	tpls := testTemplates(t, 16)
	rng := rand.New(rand.NewPCG(3, 4))
	base := map[string]float64{}
	for i := range 150 {
		base[fmt.Sprintf("t%03d", i)] = rng.NormFloat64()
	}
	models := []ModelRuns{
		modelRuns(t, "lang", tpls, base, map[string]float64{"language": 0.6, "typos": 0.1}, 0.2, 1),
		modelRuns(t, "phrase", tpls, base, map[string]float64{"phrasing": 0.5, "response_format": 0.2}, 0.2, 2),
	}
	var results []ModelResult
	for _, m := range models {
		r, err := AnalyzeModel(m, &stats.BootstrapOptions{Replicates: 300, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, *r)
	}
	var in, cells int
	for k, want := range []string{"language", "phrasing"} {
		r := results[k]
		top := 1
		for j := range r.Summary.Terms {
			if j > 0 && r.Summary.Terms[j].Beta > r.Summary.Terms[top].Beta {
				top = j
			}
		}
		if r.Summary.Terms[top].Term != want {
			t.Errorf("model %s: largest β is %s, planted %s", r.Model, r.Summary.Terms[top].Term, want)
		}
		if !r.MeanRCI.Contains(r.Summary.MeanR) || r.Runs != 16 || r.Tasks != 150 {
			t.Errorf("model %s: mean r %v outside %v, or %d runs / %d tasks", r.Model, r.Summary.MeanR, r.MeanRCI, r.Runs, r.Tasks)
		}
		a, b := r.Recovered()
		in, cells = in+a, cells+b
	}
	if cells != 20 || float64(in) < 0.9*float64(cells) {
		t.Errorf("planted β inside the interval in %d of %d cells, want at least 90%%", in, cells)
	}
	if txt := RecoveryText(results); !strings.Contains(txt, fmt.Sprintf("%d of %d", in, cells)) {
		t.Errorf("recovery text %q", txt)
	}
	if h, rows := ModelTable(results); len(rows) != 2 || len(rows[0]) != len(h) || !strings.HasPrefix(rows[0][5], "language ") || rows[0][6] != "" {
		t.Errorf("model table %v %v", h, rows)
	}
	if h, rows := BetaTable(results); len(h) != 3 || len(rows) != 11 || !strings.Contains(rows[0][1], "(planted ") {
		t.Errorf("beta table %v %v", h, rows)
	}
	for name, build := range map[string]func() error{
		"betas":    func() error { _, err := ModelBetasFigure(results); return err },
		"recovery": func() error { _, err := RecoveryFigure(results); return err },
	} {
		if err := build(); err != nil {
			t.Errorf("%s figure: %v", name, err)
		}
	}
}

// TestCompareModels: model B's utilities are model A's plus independent
// noise, template by template; the mean over templates must equal the mean
// of the per-template Pearson correlations computed here, and its interval
// must contain it. Both models planted the same utilities (no field
// effects), so the planted mean is 1. Two models with no template in
// common are an error.
func TestCompareModels(t *testing.T) {
	tpls := testTemplates(t, 6)
	rng := rand.New(rand.NewPCG(5, 6))
	base := map[string]float64{}
	for i := range 80 {
		base[fmt.Sprintf("t%03d", i)] = rng.NormFloat64()
	}
	a := modelRuns(t, "a", tpls, base, nil, 0.3, 1)
	b := modelRuns(t, "b", tpls, base, nil, 0.6, 2)
	other := modelRuns(t, "c", testTemplates(t, 30)[20:22], base, nil, 0.3, 3)
	cm, err := CompareModels([]ModelRuns{a, b}, &stats.BootstrapOptions{Replicates: 300, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ra, _ := FromStore(a.Runs)
	rb, _ := FromStore(b.Runs)
	var want float64
	for k := range tpls {
		var x, y []float64
		for id := range base {
			x, y = append(x, ra[k].Utilities[id]), append(y, rb[k].Utilities[id])
		}
		want += stat.Correlation(x, y, nil) / float64(len(tpls))
	}
	if math.Abs(cm.Mean[0][1]-want) > 1e-9 || cm.Mean[1][0] != cm.Mean[0][1] || cm.Templates[0][1] != 6 {
		t.Errorf("mean %v over %d templates, want %v over 6", cm.Mean[0][1], cm.Templates[0][1], want)
	}
	if !cm.CI[0][1].Contains(want) || cm.CI[0][1].Width() <= 0 {
		t.Errorf("interval %v does not contain %v", cm.CI[0][1], want)
	}
	if !cm.HasPlanted || math.Abs(cm.Planted[0][1]-1) > 1e-12 {
		t.Errorf("planted mean %v, want 1", cm.Planted)
	}
	// Noise of sd 0.3 and 0.6 on utilities of sd 1 leave reliabilities
	// 1/1.09 and 1/1.36: the planted correlation 1 is seen as their
	// geometric mean, 0.82, which the estimate's interval must hold.
	if pm := cm.PlantedMeasured[0][1]; math.Abs(pm-1/math.Sqrt(1.09*1.36)) > 0.04 || !cm.CI[0][1].Contains(pm) || cm.PlantedMeasured[1][0] != pm {
		t.Errorf("planted mean at measured reliability %v, want 0.82 ± 0.04 inside %v", cm.PlantedMeasured, cm.CI[0][1])
	}
	// Templates 20-21 of a larger sample are not among the first six.
	if _, err := CompareModels([]ModelRuns{a, other}, nil); err == nil || !strings.Contains(err.Error(), "share no template") {
		t.Errorf("no common template: %v, want an error", err)
	}
	if _, rows := cm.Table(); len(rows) != 1 || rows[0][1] != "6" || !strings.HasSuffix(rows[0][5], " (1.000)") {
		t.Errorf("cross-model table %v", rows)
	}
	if _, err := CrossModelFigure(cm); err != nil {
		t.Error(err)
	}
	if _, err := CompareModels([]ModelRuns{a}, nil); err == nil {
		t.Error("one model: no error")
	}
}

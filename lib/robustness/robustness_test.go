package robustness

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func near(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol
}

// TestMinNormLeastSquares checks β, SE and R² against hand derivations.
// With a binary regressor a and y = [1 2 3 4 6 8], a = [0 0 0 1 1 1]:
// β₀ = mean(y|a=0) = 2, β₁ = mean(y|a=1) - 2 = 4, residuals
// (-1 0 1 -2 0 2), SSE = 10, σ² = 10/4, (XᵀX)⁻¹ = [[1/3 -1/3] [-1/3 2/3]],
// SE = (√(2.5/3), √(5/3)), SST = 34, R² = 1 - 10/34. Duplicating column a
// makes X rank 2: the minimum-norm solution splits β₁ equally (2, 2) and
// (XᵀX)⁺ has a quarter of the diagonal entry, so each SE halves.
func TestMinNormLeastSquares(t *testing.T) {
	a := []float64{0, 0, 0, 1, 1, 1}
	y := []float64{1, 2, 3, 4, 6, 8}
	build := func(cols int) *mat.Dense {
		x := mat.NewDense(len(a), cols, nil)
		for i, ai := range a {
			x.Set(i, 0, 1)
			for c := 1; c < cols; c++ {
				x.Set(i, c, ai)
			}
		}
		return x
	}
	se0, se1 := math.Sqrt(2.5/3), math.Sqrt(5.0/3)
	cases := []struct {
		name     string
		x        *mat.Dense
		y        []float64
		beta, se []float64
		rank     int
		r2       float64
	}{
		{"full rank", build(2), y, []float64{2, 4}, []float64{se0, se1}, 2, 1 - 10.0/34},
		{"duplicated indicator", build(3), y, []float64{2, 2, 2}, []float64{se0, se1 / 2, se1 / 2}, 2, 1 - 10.0/34},
		{"three identical columns", build(4), y, []float64{2, 4.0 / 3, 4.0 / 3, 4.0 / 3}, []float64{se0, se1 / 3, se1 / 3, se1 / 3}, 2, 1 - 10.0/34},
		// Exact fit y = 1 + 2a: SSE = 0, so SE = 0 and R² = 1.
		{"exact duplicated", build(3), []float64{1, 1, 1, 3, 3, 3}, []float64{1, 1, 1}, []float64{0, 0, 0}, 2, 1},
	}
	const tol = 1e-12
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := MinNormLeastSquares(c.x, c.y)
			if err != nil {
				t.Fatal(err)
			}
			if r.Rank != c.rank {
				t.Errorf("rank = %d, want %d", r.Rank, c.rank)
			}
			for j := range c.beta {
				if !near(r.Beta[j], c.beta[j], tol) {
					t.Errorf("beta[%d] = %v, want %v", j, r.Beta[j], c.beta[j])
				}
				if !near(r.SE[j], c.se[j], 1e-7) {
					t.Errorf("se[%d] = %v, want %v", j, r.SE[j], c.se[j])
				}
			}
			if !near(r.R2, c.r2, tol) {
				t.Errorf("R2 = %v, want %v", r.R2, c.r2)
			}
		})
	}
	if _, err := MinNormLeastSquares(build(2), y[:5]); err == nil {
		t.Error("want an error for mismatched lengths")
	}
}

func TestCorrelate(t *testing.T) {
	tasks := func(n int, f func(i int) float64) map[string]float64 {
		m := map[string]float64{}
		for i := 0; i < n; i++ {
			m[fmt.Sprintf("t%02d", i)] = f(i)
		}
		return m
	}
	runs := []RunUtilities{
		{ID: "base", Fields: map[string]string{"task_order": "canonical", "language": "en"},
			Utilities: tasks(20, func(i int) float64 { return float64(i) })},
		// Affine copy: correlation exactly 1.
		{ID: "affine", Fields: map[string]string{"task_order": "canonical", "language": "fr"},
			Utilities: tasks(20, func(i int) float64 { return 3 - 2*float64(-i) })},
		// Reversed: correlation exactly -1.
		{ID: "reversed", Fields: map[string]string{"task_order": "reversed", "language": "en"},
			Utilities: tasks(20, func(i int) float64 { return -float64(i) })},
		// Only 9 tasks: every pair with it is skipped.
		{ID: "small", Fields: map[string]string{"task_order": "reversed"},
			Utilities: tasks(9, func(i int) float64 { return float64(i) })},
	}
	c, err := Correlate(runs, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(c.Fields), "[language task_order]"; got != want {
		t.Errorf("fields = %s, want %s", got, want)
	}
	if c.Skipped != 3 || len(c.Pairs) != 3 {
		t.Fatalf("pairs = %d skipped = %d, want 3 and 3", len(c.Pairs), c.Skipped)
	}
	want := map[string]struct {
		r    float64
		same []bool
	}{
		"base/affine":     {1, []bool{false, true}},
		"base/reversed":   {-1, []bool{true, false}},
		"affine/reversed": {-1, []bool{false, false}},
	}
	for _, p := range c.Pairs {
		w, ok := want[p.A+"/"+p.B]
		if !ok {
			t.Errorf("unexpected pair %s/%s", p.A, p.B)
			continue
		}
		if !near(p.Pearson, w.r, 1e-12) || fmt.Sprint(p.Same) != fmt.Sprint(w.same) || p.Shared != 20 {
			t.Errorf("%s/%s: r = %v same = %v shared = %d, want %v %v 20", p.A, p.B, p.Pearson, p.Same, p.Shared, w.r, w.same)
		}
	}
	// Averaging by hand: language same only for base/reversed (-1), else
	// mean(1, -1) = 0; task_order same only for base/affine (1), else -1.
	avg := c.Averaging()
	wantAvg := []FieldAverage{
		{Field: "language", MeanSame: -1, MeanDiff: 0, NSame: 1, NDiff: 2, Effect: -1},
		{Field: "task_order", MeanSame: 1, MeanDiff: -1, NSame: 1, NDiff: 2, Effect: 2},
	}
	for k, w := range wantAvg {
		g := avg[k]
		if g.Field != w.Field || g.NSame != w.NSame || g.NDiff != w.NDiff || !near(g.MeanSame, w.MeanSame, 1e-12) ||
			!near(g.MeanDiff, w.MeanDiff, 1e-12) || !near(g.Effect, w.Effect, 1e-12) {
			t.Errorf("averaging[%d] = %+v, want %+v", k, g, w)
		}
	}
	// Regression: 3 pairs, 3 columns, indicators (lang, order) = (0,1),
	// (1,0), (0,0) with r = 1, -1, -1: exact, β = (-1, 0, 2), R² = 1.
	reg, err := c.Regress()
	if err != nil {
		t.Fatal(err)
	}
	for j, w := range []float64{-1, 0, 2} {
		if !near(reg.Beta[j], w, 1e-12) {
			t.Errorf("beta[%s] = %v, want %v", reg.Terms[j], reg.Beta[j], w)
		}
	}
	if !near(reg.R2, 1, 1e-12) || !math.IsNaN(reg.SE[0]) {
		t.Errorf("R2 = %v SE = %v, want 1 and NaN (no residual degrees of freedom)", reg.R2, reg.SE)
	}

	bad := []struct {
		name string
		runs []RunUtilities
		want string // in the error
	}{
		{"empty id", []RunUtilities{{ID: ""}}, "run 0: empty id"},
		{"repeated id", []RunUtilities{{ID: "x"}, {ID: "x"}}, `run id "x" repeated`},
		{"nan utility", []RunUtilities{{ID: "x", Utilities: map[string]float64{"t": math.NaN()}}}, `run "x" task "t"`},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			if _, err := Correlate(b.runs, 0); err == nil || !strings.Contains(err.Error(), b.want) {
				t.Errorf("error %v, want one containing %q", err, b.want)
			}
		})
	}
}

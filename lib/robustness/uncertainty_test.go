package robustness

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/prefscope/prefscope/lib/stats"
)

// dyadicBrute is the textbook double sum over every ordered pair of
// observations that share a unit, i = j included: the covariance before
// clipping.
func dyadicBrute(x *mat.Dense, y []float64, a, b []int) *mat.Dense {
	n, p := x.Dims()
	var xtx, inv mat.Dense
	xtx.Mul(x.T(), x)
	if err := inv.Inverse(&xtx); err != nil {
		panic(err)
	}
	var beta mat.VecDense
	var xty mat.VecDense
	xty.MulVec(x.T(), mat.NewVecDense(n, y))
	beta.MulVec(&inv, &xty)
	e := make([]float64, n)
	units := map[int]bool{}
	for i := range n {
		e[i] = y[i] - mat.Dot(x.RowView(i), &beta)
		units[a[i]], units[b[i]] = true, true
	}
	meat := mat.NewDense(p, p, nil)
	for i := range n {
		for j := range n {
			if a[i] == a[j] || a[i] == b[j] || b[i] == a[j] || b[i] == b[j] {
				for r := range p {
					for c := range p {
						meat.Set(r, c, meat.At(r, c)+e[i]*e[j]*x.At(i, r)*x.At(j, c))
					}
				}
			}
		}
	}
	var v mat.Dense
	v.Product(&inv, meat, &inv)
	g := float64(len(units))
	corr := g / (g - 1) * float64(n-1) / float64(n-p)
	v.Scale(corr, &v)
	return &v
}

// dyads simulates the sensitivity regression's structure: g units with a
// binary and a three-level field drawn at random once (so units differ in how
// many partners share their levels, and unit effects reach the slopes), a
// unit effect u and a unit-specific sensitivity v to the first field:
// y_ab = 0.2 + (0.3 + v_a + v_b)·same₁ + 0.1·same₂ + u_a + u_b + ε_ab.
func dyads(g int, rng *rand.Rand) (x *mat.Dense, y []float64, a, b []int) {
	f1, f2, u, v := make([]int, g), make([]int, g), make([]float64, g), make([]float64, g)
	design := rand.New(rand.NewPCG(uint64(g), 7)) // the same levels in every simulation
	for k := range g {
		f1[k], f2[k] = design.IntN(2), design.IntN(3)
		u[k], v[k] = 0.15*rng.NormFloat64(), 0.05*rng.NormFloat64()
	}
	var rows []float64
	for i := range g {
		for j := i + 1; j < g; j++ {
			s1, s2 := 0.0, 0.0
			if f1[i] == f1[j] {
				s1 = 1
			}
			if f2[i] == f2[j] {
				s2 = 1
			}
			rows = append(rows, 1, s1, s2)
			y = append(y, 0.2+(0.3+v[i]+v[j])*s1+0.1*s2+u[i]+u[j]+0.1*rng.NormFloat64())
			a, b = append(a, i), append(b, j)
		}
	}
	return mat.NewDense(len(y), 3, rows), y, a, b
}

func TestDyadicSEMatchesDoubleSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y, a, b := dyads(9, rng)
	got, err := dyadicCov(x, y, a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := dyadicBrute(x, y, a, b)
	if !mat.EqualApprox(got, want, 1e-12) {
		t.Errorf("covariance\n%v\ndouble sum\n%v", mat.Formatted(got), mat.Formatted(want))
	}
	// Standard errors: the diagonal, once negative eigenvalues are clipped;
	// where the matrix is positive definite they are the plain diagonal.
	se, err := DyadicSE(x, y, a, b)
	if err != nil {
		t.Fatal(err)
	}
	var eig mat.EigenSym
	eig.Factorize(got, false)
	for j := range se {
		d := math.Sqrt(want.At(j, j))
		if eig.Values(nil)[0] > 0 && math.Abs(se[j]-d) > 1e-12 {
			t.Errorf("se[%d] = %v, want %v", j, se[j], d)
		}
		if eig.Values(nil)[0] <= 0 && !(se[j] >= 0) {
			t.Errorf("se[%d] = %v after clipping", j, se[j])
		}
	}
	if _, err := DyadicSE(x, y[:3], a, b); err == nil {
		t.Error("want an error for mismatched lengths")
	}
	a[0] = b[0]
	if _, err := DyadicSE(x, y, a, b); err == nil {
		t.Error("want an error for an observation pairing a unit with itself")
	}
}

// TestDyadicSECalibrated: across simulated data sets with unit effects (50
// units, 1225 dyads), the spread of each estimated β matches the mean dyadic
// SE within 0.8-1.25, while the OLS SE of the intercept, which every unit
// effect moves, is far too small. With 30 units the same design gives
// ratios up to 1.3: the estimator's small-sample downward bias.
func TestDyadicSECalibrated(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const sims = 400
	betas := make([][]float64, 3)
	var meanRobust, meanOLS [3]float64
	for range sims {
		x, y, a, b := dyads(50, rng)
		r, err := MinNormLeastSquares(x, y)
		if err != nil {
			t.Fatal(err)
		}
		se, err := DyadicSE(x, y, a, b)
		if err != nil {
			t.Fatal(err)
		}
		for j := range 3 {
			betas[j] = append(betas[j], r.Beta[j])
			meanRobust[j] += se[j] / sims
			meanOLS[j] += r.SE[j] / sims
		}
	}
	for j := range 3 {
		sd := stat.StdDev(betas[j], nil)
		robust, ols := sd/meanRobust[j], sd/meanOLS[j]
		t.Logf("beta[%d]: sd %.4f, sd/mean dyadic SE %.3f, sd/mean OLS SE %.3f", j, sd, robust, ols)
		if !(robust >= 0.8 && robust <= 1.25) {
			t.Errorf("beta[%d]: sd / mean dyadic SE = %.3f, want near 1", j, robust)
		}
		if j == 0 && !(ols > 2) {
			t.Errorf("intercept: sd / mean OLS SE = %.3f, want OLS far too small", ols)
		}
	}
}

func TestBootstrap(t *testing.T) {
	runs := []RunUtilities{}
	rng := rand.New(rand.NewPCG(5, 6))
	base := make([]float64, 30)
	for i := range base {
		base[i] = rng.NormFloat64()
	}
	for k := range 12 {
		u := map[string]float64{}
		lang := []string{"en", "fr", "es"}[k%3]
		shift := map[string]float64{"en": 0, "fr": 1, "es": 2}[lang]
		for i, v := range base {
			// A language-specific perturbation: runs sharing a language correlate more.
			u[fmt.Sprintf("t%02d", i)] = v + 0.8*math.Sin(float64(i)*(1+shift)) + 0.5*rng.NormFloat64()
		}
		runs = append(runs, RunUtilities{ID: fmt.Sprintf("r%02d", k), Fields: map[string]string{"language": lang, "typos": fmt.Sprint(k%2 == 0)}, Utilities: u})
	}
	c, err := Correlate(runs, 0)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := c.Regress()
	if err != nil {
		t.Fatal(err)
	}
	if reg.Runs != 12 || len(reg.RobustSE) != 3 {
		t.Fatalf("runs %d, robust SE %v", reg.Runs, reg.RobustSE)
	}
	bs, err := c.Bootstrap(&stats.BootstrapOptions{Replicates: 500, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := c.Bootstrap(&stats.BootstrapOptions{Replicates: 500, Seed: 1})
	for j, term := range bs.Terms {
		iv := bs.Beta[j]
		t.Logf("%s: beta %.3f, OLS SE %.3f, dyadic SE %.3f, bootstrap SE %.3f [%.3f, %.3f]", term, reg.Beta[j], reg.SE[j], reg.RobustSE[j], bs.SE[j], iv.Low, iv.High)
		if !(iv.Low < reg.Beta[j] && reg.Beta[j] < iv.High) {
			t.Errorf("%s: interval [%v, %v] misses the estimate %v", term, iv.Low, iv.High, reg.Beta[j])
		}
		if again.Beta[j] != iv {
			t.Errorf("%s: same seed, different interval", term)
		}
		if !(bs.SE[j] > 0) {
			t.Errorf("%s: bootstrap SE %v", term, bs.SE[j])
		}
	}
	if lang := reg.Beta[1]; !(bs.Beta[1].Low > 0) || lang <= 0 {
		t.Errorf("language effect %v with interval %+v, want clearly positive", lang, bs.Beta[1])
	}
	if !(bs.R2SE > 0) {
		t.Errorf("R² bootstrap SE %v", bs.R2SE)
	}
	if !(bs.R2.Low < reg.R2 && reg.R2 < bs.R2.High) {
		t.Errorf("R² %v outside its interval %+v", reg.R2, bs.R2)
	}
	tb, err := TaskBootstrap(runs, 0, &stats.BootstrapOptions{Replicates: 300, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if tb2, _ := TaskBootstrap(runs, 0, &stats.BootstrapOptions{Replicates: 300, Seed: 2}); !reflect.DeepEqual(tb, tb2) {
		t.Error("task bootstrap: same seed, different result")
	}
	for j, term := range tb.Terms {
		t.Logf("%s: task bootstrap SE %.3f [%.3f, %.3f]", term, tb.SE[j], tb.Beta[j].Low, tb.Beta[j].High)
		if !(tb.Beta[j].Low < reg.Beta[j] && reg.Beta[j] < tb.Beta[j].High && tb.SE[j] > 0) {
			t.Errorf("%s: task bootstrap interval %+v (SE %v) misses the estimate %v", term, tb.Beta[j], tb.SE[j], reg.Beta[j])
		}
	}
	if _, err := TaskBootstrap(runs[:1], 0, nil); err == nil {
		t.Error("task bootstrap: want an error with one run")
	}
	// Assess bundles the same three fits; its table says under which kinds
	// the clear language effect survives (all) and the null typos effect
	// does not (run bootstrap at least).
	as, err := Assess(runs, 0, &stats.BootstrapOptions{Replicates: 300, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	h, rows := UncertaintyTable(as.Terms)
	if len(rows) != 3 || len(rows[0]) != len(h) || rows[1][0] != "language" || rows[1][6] != "OLS, dyadic-robust, run bootstrap, task bootstrap" ||
		strings.Contains(rows[2][6], SERunBootstrap) {
		t.Errorf("uncertainty table %v\n%v", h, rows)
	}
	two := &Correlations{Fields: c.Fields, Pairs: c.Pairs[:1]}
	if _, err := two.Bootstrap(nil); err == nil {
		t.Error("want an error with two runs")
	}
}

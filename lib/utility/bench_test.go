package utility

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// benchData loads .cache/bench/th<n>.jsonl, written by
// scripts/bench-thurstonian.sh from the Python baseline's --dump, so that
// the Go and Python fits run on byte-identical data.
func benchData(b *testing.B, n int) (train, test *Data) {
	b.Helper()
	path := filepath.Join("..", "..", ".cache", "bench", fmt.Sprintf("th%d.jsonl", n))
	f, err := os.Open(path)
	if err != nil {
		b.Skipf("%s absent: run scripts/bench-thurstonian.sh to write it (%v)", path, err)
	}
	defer f.Close()
	train, test, err = ReadSplitJSONL(f, n, path)
	if err != nil {
		b.Fatal(err)
	}
	return train, test
}

// BenchmarkFit times Fit on the baseline's data (20 pairs per task, one
// sample per pair, 10% of pairs held out) with the default options, Case V,
// and the reference implementation's settings: free σ in [e^-2, e^2], no
// priors (the baseline's analytic-sparse objective, without its clipping of
// p at 1e-10) and its stopping rule, gradient infinity norm ≤ 1 (GradTol
// scaled by N/C so that the absolute threshold is 1).
func BenchmarkFit(b *testing.B) {
	inf := math.Inf(1)
	settings := []struct {
		name string
		opts *FitOptions
	}{
		{"default", nil},
		{"reference", &FitOptions{LogSigmaPriorSD: inf, MuPriorSD: inf, GradTol: -1}},
		{"caseV", &FitOptions{EqualSigma: true}},
	}
	for _, n := range []int{1000, 5000, 10000} {
		for _, s := range settings {
			b.Run(fmt.Sprintf("tasks=%d/pairs=%d/%s", n, n*10, s.name), func(b *testing.B) {
				train, test := benchData(b, n)
				if s.opts != nil && s.opts.GradTol < 0 {
					o := *s.opts
					o.GradTol = float64(n) / train.Comparisons()
					s.opts = &o
				}
				b.ReportAllocs()
				var u *Utilities
				for b.Loop() {
					var err error
					if u, err = Fit(train, s.opts); err != nil {
						b.Fatal(err)
					}
				}
				m := Evaluate(u, test)
				b.ReportMetric(float64(u.Evaluations), "evals")
				b.ReportMetric(m.LogLoss, "heldout-logloss")
				b.ReportMetric(m.Accuracy, "heldout-acc")
			})
		}
	}
}

// BenchmarkObjective times one evaluation of the objective and gradient on
// the baseline's data with a single worker; ns/op divided by the pairs
// gives the cost per pair.
func BenchmarkObjective(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		for _, eq := range []bool{false, true} {
			b.Run(fmt.Sprintf("tasks=%d/equal=%v", n, eq), func(b *testing.B) {
				train, _ := benchData(b, n)
				o, _ := (&FitOptions{EqualSigma: eq, MuPriorSD: 1, Workers: 1}).resolve()
				p := newProblem(train, &o)
				x := p.start()
				for i := 0; i < n; i++ {
					x[i] = float64(i%7-3) / 3
				}
				g := make([]float64, len(x))
				b.ReportAllocs()
				for b.Loop() {
					p.eval(x, g)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(train.Pairs())), "ns/pair")
			})
		}
	}
}

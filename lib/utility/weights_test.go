package utility

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// TestAddRejectsBadWeights: a weight that is no count of comparisons is an
// error at Add, naming the pair, before any fit runs.
func TestAddRejectsBadWeights(t *testing.T) {
	cases := []struct {
		name         string
		winsA, winsB float64
	}{
		{"NaN", math.NaN(), 1},
		{"+Inf", 1, math.Inf(1)},
		{"-Inf", math.Inf(-1), 1},
		{"negative", -1, 2},
		{"1e200", 1e200, 1},
		{"just above the bound", 1, 2 * MaxComparisons},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := NewData(3)
			err := d.Add(0, 2, tc.winsA, tc.winsB)
			if err == nil || !strings.Contains(err.Error(), "pair (0, 2)") {
				t.Fatalf("Add(0, 2, %v, %v) = %v, want an error naming the pair", tc.winsA, tc.winsB, err)
			}
			if len(d.Pairs()) != 0 {
				t.Errorf("a rejected count was stored: %+v", d.Pairs())
			}
		})
	}
}

// TestFitRejectsHugeTotal: counts each within the bound that sum past it
// (or overflow to +Inf) make Fit fail at once with the total, instead of
// running L-BFGS on Inf and NaN.
func TestFitRejectsHugeTotal(t *testing.T) {
	d := NewData(3)
	for i := 0; i < 4; i++ {
		if err := d.Add(0, 1, MaxComparisons, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Add(1, 2, 1, 1); err != nil {
		t.Fatal(err)
	}
	u, err := Fit(d, nil)
	if err == nil || u != nil || !strings.Contains(err.Error(), "MaxComparisons") {
		t.Fatalf("Fit = %v, %v; want an error naming MaxComparisons", u, err)
	}
	if _, err := Fit(NewData(2), nil); !errors.Is(err, ErrNoComparisons) {
		t.Errorf("Fit without comparisons = %v, want ErrNoComparisons", err)
	}
}

// TestFitLargeWeightsDocumentedResult: up to the bound, scaling every count
// by a large factor gives the fit of the data without the priors' pull (the
// likelihood dominates them), in few evaluations. With counts 3:1, 2:2, 1:3
// and 3:1 in a cycle the unpenalised maximum is the same at 1e6 and 1e14 (a total of 1.6e15).
func TestFitLargeWeightsDocumentedResult(t *testing.T) {
	fit := func(w float64) *Utilities {
		d := NewData(4)
		for _, c := range []struct {
			a, b   int
			wa, wb float64
		}{{0, 1, 3, 1}, {1, 2, 2, 2}, {2, 3, 1, 3}, {0, 3, 3, 1}} {
			if err := d.Add(c.a, c.b, c.wa*w, c.wb*w); err != nil {
				t.Fatal(err)
			}
		}
		u, err := Fit(d, nil)
		if err != nil {
			t.Fatalf("weight %g: %v", w, err)
		}
		return u
	}
	small, large := fit(1e6), fit(1e14)
	for i := range small.Mu {
		if math.Abs(small.Mu[i]-large.Mu[i]) > 1e-4 {
			t.Errorf("μ[%d] = %v at weight 1e6, %v at 1e14", i, small.Mu[i], large.Mu[i])
		}
	}
	if large.Evaluations > 200 {
		t.Errorf("%d objective evaluations at weight 1e14, want a quick fit", large.Evaluations)
	}
	// Task 0 beat 1 and 3 three to one; task 2 lost to 3 one to three.
	if !(large.Mu[0] > large.Mu[3] && large.Mu[3] > large.Mu[2]) {
		t.Errorf("μ = %v: want task 0 above 3 above 2", large.Mu)
	}
}

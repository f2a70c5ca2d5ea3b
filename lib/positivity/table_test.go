package positivity

import (
	"math"
	"testing"

	"github.com/prefscope/prefscope/lib/template"
)

// rep returns n copies of a rating of task with the given outcome and option.
func rep(n int, origin, task string, outcome template.Outcome, option, options int) []Rating {
	out := make([]Rating, n)
	for i := range out {
		out[i] = Rating{Model: "m", Framing: "did_enjoy", OptionSet: "good_neutral_bad", Origin: origin, Task: task, Outcome: outcome, Option: option, Options: options}
	}
	return out
}

// constructed is a table with known counts: origin "math" has 8 positive, 2
// neutral, 0 negative valid answers over two tasks, plus 1 refusal and 2
// unparseable; origin "wild" has 1 positive, 2 neutral and 2 negative over
// two tasks (yes/no-free three-option scale).
func constructed() []Rating {
	var rs []Rating
	rs = append(rs, rep(5, "math", "m1", template.OutcomeRating, 0, 3)...)
	rs = append(rs, rep(3, "math", "m2", template.OutcomeRating, 0, 3)...)
	rs = append(rs, rep(2, "math", "m2", template.OutcomeRating, 1, 3)...)
	rs = append(rs, rep(1, "math", "m1", template.OutcomeRefusal, 0, 3)...)
	rs = append(rs, rep(2, "math", "m2", template.OutcomeUnparseable, 0, 3)...)
	rs = append(rs, rep(1, "wild", "w1", template.OutcomeRating, 0, 3)...)
	rs = append(rs, rep(2, "wild", "w1", template.OutcomeRating, 1, 3)...)
	rs = append(rs, rep(2, "wild", "w2", template.OutcomeRating, 2, 3)...)
	return rs
}

func TestTableConstructed(t *testing.T) {
	cells, err := Table(constructed(), ByOrigin)
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 2 || cells[0].Origin != "math" || cells[1].Origin != "wild" {
		t.Fatalf("cells = %+v, want math then wild", cells)
	}
	m, w := cells[0], cells[1]
	if m.N != 13 || m.Valid != 10 || m.Refused != 1 || m.Unparsed != 2 || m.Tasks != 2 {
		t.Errorf("math counts N %d valid %d refused %d unparsed %d tasks %d, want 13 10 1 2 2", m.N, m.Valid, m.Refused, m.Unparsed, m.Tasks)
	}
	// math: 8/10 positive, 2/10 neutral, 0/10 negative; Wilson intervals by
	// hand with z = 1.959964, z² = 3.841459: 8/10 has centre
	// (0.8 + 0.192073)/1.384146 = 0.716740 and half-width
	// 1.416010·√(0.016 + 0.009604) = 0.226578; 0/10 is [0, z²/n/(1 + z²/n)].
	wantM := [3][3]float64{{0.8, 0.490162, 0.943318}, {0.2, 0.056682, 0.509838}, {0, 0, 0.277533}}
	for k, wv := range wantM {
		s := m.Share[k]
		if math.Abs(s.P-wv[0]) > 2e-6 || math.Abs(s.CI.Low-wv[1]) > 2e-6 || math.Abs(s.CI.High-wv[2]) > 2e-6 {
			t.Errorf("math %v share %.6f [%.6f, %.6f], want %v", Class(k), s.P, s.CI.Low, s.CI.High, wv)
		}
	}
	// math mean score: (8·1 + 2·0)/10 = 0.8. Clustered SE by hand: task m1
	// has 5 scores of 1 (residual sum 5·0.2 = 1), m2 has 3 of 1 and 2 of 0
	// (3·0.2 − 2·0.8 = −1); SE² = 2/1 · (1 + 1)/100 = 0.04, SE = 0.2.
	// The upper end, 0.8 + 1.96·0.2 = 1.19, is clipped to the top score 1.
	if math.Abs(m.Mean-0.8) > 1e-12 || math.Abs(m.MeanCI.Low-(0.8-1.959964*0.2)) > 1e-6 || m.MeanCI.High != 1 {
		t.Errorf("math mean %.6f %+v, want 0.8 [%.6f, 1]", m.Mean, m.MeanCI, 0.8-1.959964*0.2)
	}
	// wild: 1/5, 2/5, 2/5; mean (1 − 2)/5 = −0.2. Residual sums: w1 has
	// 1·1.2 + 2·0.2 = 1.6, w2 has 2·(−0.8) = −1.6; SE² = 2 · 5.12/25.
	if w.Share[Positive].Count != 1 || w.Share[Neutral].Count != 2 || w.Share[Negative].Count != 2 {
		t.Errorf("wild counts %+v", w.Share)
	}
	// SE = 0.64, so the interval ±1.25 is clipped to [−1, 1] on both sides.
	if math.Abs(w.Mean+0.2) > 1e-12 || w.MeanCI.Low != -1 || w.MeanCI.High != 1 {
		t.Errorf("wild mean %.6f %+v; want −0.2 [−1, 1]", w.Mean, w.MeanCI)
	}

	all, err := Table(constructed())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Valid != 15 || all[0].Share[Positive].Count != 9 || all[0].Origin != "" {
		t.Errorf("overall cell %+v, want 15 valid, 9 positive", all)
	}
}

func TestTwoOptionScoresAndNeutral(t *testing.T) {
	rs := append(rep(3, "math", "a", template.OutcomeRating, 0, 2), rep(1, "math", "b", template.OutcomeRating, 1, 2)...)
	cells, err := Table(rs)
	if err != nil {
		t.Fatal(err)
	}
	c := cells[0]
	if c.HasNeutral || c.Share[Positive].Count != 3 || c.Share[Negative].Count != 1 || c.Share[Neutral].Count != 0 || c.Mean != 0.5 {
		t.Errorf("two-option cell %+v, want 3 positive, 1 negative, mean 0.5, no neutral", c)
	}
	// Five options: 0,1 positive, 2 neutral, 3,4 negative; scores 1, .5, 0, −.5, −1.
	for k, want := range []Class{Positive, Positive, Neutral, Negative, Negative} {
		if got := classOf(k, 5); got != want {
			t.Errorf("classOf(%d, 5) = %v, want %v", k, got, want)
		}
	}
}

func TestPlantedAndCoverage(t *testing.T) {
	rs := rep(4, "math", "a", template.OutcomeRating, 0, 3)
	for i := range rs {
		rs[i].Planted = []float64{0.5, 0.3, 0.2}
	}
	rs = append(rs, Rating{Model: "m", Framing: "f", OptionSet: "s", Origin: "math", Task: "a", Outcome: template.OutcomeUnparseable, Options: 3, Planted: []float64{0.5, 0.3, 0.2}})
	cells, err := Table(rs)
	if err != nil {
		t.Fatal(err)
	}
	c := cells[0]
	if c.Planted == nil || c.Planted.Share != [3]float64{0.5, 0.3, 0.2} || math.Abs(c.Planted.Mean-0.3) > 1e-12 {
		t.Fatalf("planted %+v, want shares .5 .3 .2, mean .3", c.Planted)
	}
	// 4/4 positive: Wilson [0.510109, 1] holds 0.5? No: 0.5 < 0.510. Neutral
	// 0/4 ∈ [0, 0.489891] holds 0.3; negative holds 0.2. So 2 of 3.
	if in, tot := Coverage(cells); in != 2 || tot != 3 {
		t.Errorf("Coverage = %d of %d, want 2 of 3", in, tot)
	}
	rs[0].Planted = nil
	cells, _ = Table(rs)
	if cells[0].Planted != nil {
		t.Errorf("a cell with an answer lacking planted probabilities has Planted %+v", cells[0].Planted)
	}
}

func TestTableErrors(t *testing.T) {
	cases := []struct {
		name  string
		dims  []Dim
		spoil func(rs []Rating)
	}{
		{"unknown dimension", []Dim{"colour"}, func([]Rating) {}},
		{"option out of range", nil, func(rs []Rating) { rs[3].Option = 3 }},
		{"one-option scale", nil, func(rs []Rating) { rs[0].Options = 1 }},
		{"choice outcome", nil, func(rs []Rating) { rs[0].Outcome = template.OutcomeChoice }},
		{"planted of the wrong length", nil, func(rs []Rating) { rs[0].Planted = []float64{1} }},
	}
	for _, tc := range cases {
		rs := constructed()
		tc.spoil(rs)
		if _, err := Table(rs, tc.dims...); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

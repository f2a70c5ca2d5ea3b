package transitivity

import (
	"fmt"
	"strings"

	"github.com/prefscope/prefscope/lib/stats"
)

// Floor is the noise floor the measured rate is read against: the planted
// model's prediction on a synthetic study, else the fitted models'.
func (r Result) Floor() Prediction {
	if r.HasPlanted {
		return r.Planted
	}
	return r.Fitted
}

// WithinFloor reports whether the measured rate's interval overlaps its
// noise floor's: sampling noise alone can explain the cycles.
func (r Result) WithinFloor() bool {
	m, f := r.Measured.RateCI, r.Floor().RateCI
	return m.Low <= f.High && f.Low <= m.High
}

// Verdict is the sentence that states where the measured rate stands
// against its noise floor.
func (r Result) Verdict() string {
	if r.WithinFloor() {
		return "within its noise floor: sampling noise alone explains the cycles"
	}
	return "above its noise floor: more cycles than sampling noise explains"
}

// pct writes a rate in percent with its interval, e.g. "6.4% [4.1%, 8.9%]".
func pct(x float64, iv stats.Interval) string {
	return fmt.Sprintf("%.1f%% [%.1f%%, %.1f%%]", 100*x, 100*iv.Low, 100*iv.High)
}

// Headline is the one-paragraph reading of a result: the measured rate
// against random choices and against the floors, and the verdict.
func (r Result) Headline() string {
	m, f, p := r.Measured, r.Fitted, r.Planted
	floors := "the fitted models predict " + pct(f.HardCycleRate, f.RateCI)
	if r.HasPlanted {
		floors = fmt.Sprintf("the planted model predicts %s and the fitted models %s", pct(p.HardCycleRate, p.RateCI), pct(f.HardCycleRate, f.RateCI))
	}
	return fmt.Sprintf("Of %d closed triads drawn from %d runs (%s), %d are hard cycles: %s (95%% bootstrap interval over triads), against 25%% for random choices. For the same triads at the same samples per pair, %s, so the measured rate is %s.",
		m.Triads, r.Runs, r.Label, m.HardCycles, pct(m.HardCycleRate, m.RateCI), floors, r.Verdict())
}

// Lines is the result in a few printed lines: the triads drawn and kept,
// the measured rate with its interval and mean cycle probability, and the
// floors, rates in percent with digits decimals.
func (r Result) Lines(digits int) string {
	p := func(x float64, iv stats.Interval) string {
		return fmt.Sprintf("%.*f%% [%.*f%%, %.*f%%]", digits, 100*x, digits, 100*iv.Low, digits, 100*iv.High)
	}
	m, st := r.Measured, r.Stats
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d draws (%d open, %d repeats), %d triads kept from %d runs\n", r.Label, st.Attempts, st.Open, st.Repeats, st.Kept, r.Runs)
	fmt.Fprintf(&b, "hard-cycle rate %s (%d hard cycles); mean cycle probability %.3f (sd %.3f)\n", p(m.HardCycleRate, m.RateCI), m.HardCycles, m.MeanCycleProbability, m.SDCycleProbability)
	fmt.Fprintf(&b, "fitted-model floor %s, predicted mean cycle probability %.3f\n", p(r.Fitted.HardCycleRate, r.Fitted.RateCI), r.Fitted.MeanCycleProbability)
	if r.HasPlanted {
		fmt.Fprintf(&b, "planted-model floor %s, predicted mean cycle probability %.3f\n", p(r.Planted.HardCycleRate, r.Planted.RateCI), r.Planted.MeanCycleProbability)
	}
	fmt.Fprintf(&b, "measured rate %s\n", r.Verdict())
	return b.String()
}

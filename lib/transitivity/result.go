package transitivity

import (
	"strconv"

	"github.com/prefscope/prefscope/lib/num"
)

// Result is what a report keeps of an Analysis: everything but the
// tournaments and triads, in a form that encodes to JSON.
type Result struct {
	// Label names the data, e.g. "dense part, 2 samples per pair".
	Label string
	// Samples is the number of samples per pair kept (0: all).
	Samples            int
	Runs               int
	Stats              SampleStats
	Measured           Summary
	Fitted, Planted    Prediction
	HasPlanted         bool
	PerRun             []RunResult
	CycleProbabilities []float64
}

// Result summarises the analysis under a label.
func (a *Analysis) Result(label string, samples int) Result {
	return Result{Label: label, Samples: samples, Runs: len(a.Tournaments), Stats: a.Stats, Measured: a.Measured, Fitted: a.Fitted,
		Planted: a.Planted, HasPlanted: a.HasPlanted, PerRun: a.PerRun, CycleProbabilities: CycleProbabilities(a.Triads)}
}

// Table formats results for a report, one row each: triads, hard cycles,
// the measured rate and the floors with their 95% intervals (in percent),
// and the mean cycle probability, numbers written by num.F.
func Table(results []Result) (header []string, rows [][]string) {
	header = []string{"data", "runs", "triads", "hard cycles", "rate (%)", "fitted floor (%)", "planted floor (%)", "mean cycle probability (sd)"}
	pct := func(x float64) string { return num.F(100*x, 2) }
	iv := func(x, lo, hi float64) string { return pct(x) + " [" + pct(lo) + ", " + pct(hi) + "]" }
	for _, r := range results {
		m, f, p := r.Measured, r.Fitted, r.Planted
		planted := ""
		if r.HasPlanted {
			planted = iv(p.HardCycleRate, p.RateCI.Low, p.RateCI.High)
		}
		rows = append(rows, []string{r.Label, strconv.Itoa(r.Runs), strconv.Itoa(m.Triads), strconv.Itoa(m.HardCycles),
			iv(m.HardCycleRate, m.RateCI.Low, m.RateCI.High), iv(f.HardCycleRate, f.RateCI.Low, f.RateCI.High), planted,
			num.F(m.MeanCycleProbability, 3) + " (" + num.F(m.SDCycleProbability, 3) + ")"})
	}
	return header, rows
}

package robustness

import (
	"math"
	"strings"

	"github.com/prefscope/prefscope/lib/num"
	"github.com/prefscope/prefscope/lib/stats"
)

// TermUncertainty is one regression term with every kind of uncertainty.
type TermUncertainty struct {
	Term string
	Beta float64
	// OLS and Dyadic are standard errors; RunBootstrap and TaskBootstrap
	// percentile intervals.
	OLS, Dyadic                 float64
	RunBootstrap, TaskBootstrap stats.Interval
}

// Uncertainty is the sensitivity regression with all its uncertainties.
type Uncertainty struct {
	Regression *Regression
	Run, Task  *RunBootstrap
	Terms      []TermUncertainty
}

// Assess fits the regression on runs and adds the run and task bootstraps
// (o as for Bootstrap; minShared as for Correlate).
func Assess(runs []RunUtilities, minShared int, o *stats.BootstrapOptions) (*Uncertainty, error) {
	c, err := Correlate(runs, minShared)
	if err != nil {
		return nil, err
	}
	reg, err := c.Regress()
	if err != nil {
		return nil, err
	}
	rb, err := c.Bootstrap(o)
	if err != nil {
		return nil, err
	}
	tb, err := TaskBootstrap(runs, minShared, o)
	if err != nil {
		return nil, err
	}
	u := &Uncertainty{Regression: reg, Run: rb, Task: tb}
	for j, term := range reg.Terms {
		u.Terms = append(u.Terms, TermUncertainty{Term: term, Beta: reg.Beta[j], OLS: reg.SE[j], Dyadic: reg.RobustSE[j], RunBootstrap: rb.Beta[j], TaskBootstrap: tb.Beta[j]})
	}
	return u, nil
}

// Positive reports, per kind, whether the 95% interval of β lies above 0:
// β ± 1.96 SE for OLS and dyadic, the percentile interval for the
// bootstraps (whose level the options set). Keys are the Kind* names.
func (t TermUncertainty) Positive() map[string]bool {
	return map[string]bool{
		SEOLS:           t.Beta-stats.Z95*t.OLS > 0,
		SEDyadic:        t.Beta-stats.Z95*t.Dyadic > 0,
		SERunBootstrap:  t.RunBootstrap.Low > 0,
		SETaskBootstrap: t.TaskBootstrap.Low > 0,
	}
}

// UncertaintyTable formats terms for a report, numbers written
// with 3 decimals (num.F): β, the OLS and dyadic SEs, both bootstrap
// intervals, and the kinds whose 95% interval excludes 0 (the kinds under
// which "β > 0" survives).
func UncertaintyTable(terms []TermUncertainty) (header []string, rows [][]string) {
	f3 := func(x float64) string { return num.F(x, 3) }
	interval := func(iv stats.Interval) string { return "[" + f3(iv.Low) + ", " + f3(iv.High) + "]" }
	header = []string{"term", "β", "OLS SE", "dyadic SE", "run bootstrap 95%", "task bootstrap 95%", "β > 0 under"}
	for _, t := range terms {
		var pos []string
		for _, k := range SEMethods {
			if t.Positive()[k] {
				pos = append(pos, k)
			}
		}
		if len(pos) == 0 {
			pos = []string{"none"}
		}
		rows = append(rows, []string{t.Term, f3(t.Beta), f3(t.OLS), f3(t.Dyadic), interval(t.RunBootstrap), interval(t.TaskBootstrap), strings.Join(pos, ", ")})
	}
	return header, rows
}

// Table formats the calibration per term, numbers written by num.F:
// planted β (noiseless, then at the runs' measured reliability) and mean
// estimated β, their spread across replicates, the ratio sd / mean SE of
// each kind, and the task-bootstrap interval's coverage of the
// measured-scale planted β.
func (c *Calibration) Table() (header []string, rows [][]string) {
	f3 := func(x float64) string { return num.F(x, 3) }
	header = []string{"term", "planted β", "planted β, measured", "mean β", "sd across replicates"}
	for _, k := range SEMethods {
		header = append(header, "ratio, "+k)
	}
	header = append(header, "task bootstrap coverage")
	pct := func(x float64) string {
		if math.IsNaN(x) {
			return "–"
		}
		return num.F(100*x, 0) + "%"
	}
	at := func(x []float64, j int) float64 { // NaN where a calibration saved before coverage has none
		if j < len(x) {
			return x[j]
		}
		return math.NaN()
	}
	for j, term := range c.Terms {
		row := []string{term, f3(c.Planted[j]), f3(at(c.PlantedMeasured, j)), f3(c.MeanBeta[j]), f3(c.SD[j])}
		for _, k := range SEMethods {
			row = append(row, num.F(c.Ratio[k][j], 2))
		}
		rows = append(rows, append(row, pct(at(c.Coverage, j))))
	}
	return header, rows
}

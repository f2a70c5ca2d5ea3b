package robustness

import (
	"fmt"
	"math"
	"strconv"

	"github.com/prefscope/prefscope/lib/num"
	"github.com/prefscope/prefscope/lib/stats"
)

// FitSummary is the regression's fit with its bootstrap standard errors, as
// the report quotes it.
type FitSummary struct {
	R2     float64 `json:"r2"`
	RunSE  float64 `json:"run_se"`
	TaskSE float64 `json:"task_se"`
	Pairs  int     `json:"pairs"`
	Runs   int     `json:"runs"`
}

// Fit returns the regression's R² with both bootstrap standard errors.
func (u *Uncertainty) Fit() FitSummary {
	return FitSummary{R2: u.Regression.R2, RunSE: u.Run.R2SE, TaskSE: u.Task.R2SE, Pairs: u.Regression.N, Runs: u.Regression.Runs}
}

// String is the fit in one line.
func (f FitSummary) String() string {
	return fmt.Sprintf("%d run pairs of %d runs; R² = %.3f, bootstrap SE %.3f (runs) and %.3f (tasks)", f.Pairs, f.Runs, f.R2, f.RunSE, f.TaskSE)
}

// UncertaintyText is the report's paragraph introducing the table of every
// β's intervals (UncertaintyTable).
func (f FitSummary) UncertaintyText() string {
	return fmt.Sprintf("**How sure are the betas?** The SEs above are OLS, which treats the %d run pairs as independent although each of the %d runs enters %d of them. Each kind's 95%% interval (±1.96 SE for OLS and dyadic-robust, percentiles of 2,000 resamples for the bootstraps), and the kinds under which \"β > 0\" survives; R² = %s ± %s (1.96 task-bootstrap SE):",
		f.Pairs, f.Runs, f.Runs-1, num.F(f.R2, 2), num.F(stats.Z95*f.TaskSE, 2))
}

// RatioRange is the lowest and highest calibration ratio of one kind of
// standard error over the fields (the intercept left out).
func (c *Calibration) RatioRange(method string) stats.Interval {
	r := stats.Interval{Low: math.Inf(1), High: math.Inf(-1)}
	for _, x := range c.Ratio[method][1:] {
		r.Low, r.High = math.Min(r.Low, x), math.Max(r.High, x)
	}
	return r
}

// CoverageRange is the lowest and highest task-bootstrap coverage of the
// measured-scale planted β over the fields (the intercept left out), and
// Coverage over every field cell of every replicate.
// Both are NaN for a calibration saved before coverage was recorded.
func (c *Calibration) CoverageRange() (fields stats.Interval, overall float64) {
	if len(c.Coverage) < 2 {
		return stats.Interval{Low: math.NaN(), High: math.NaN()}, math.NaN()
	}
	fields = stats.Interval{Low: math.Inf(1), High: math.Inf(-1)}
	for _, x := range c.Coverage[1:] {
		fields.Low, fields.High = math.Min(fields.Low, x), math.Max(fields.High, x)
		overall += x / float64(len(c.Coverage)-1)
	}
	return fields, overall
}

// Text is the report's reading of the calibration: which kind of standard
// error is calibrated, by how much the others are off, and how often the
// calibrated kind's intervals hold the planted β.
func (c *Calibration) Text() string {
	task, ols, dyadic := c.RatioRange(SETaskBootstrap), c.RatioRange(SEOLS), c.RatioRange(SEDyadic)
	coverage := ""
	if cov, overall := c.CoverageRange(); !math.IsNaN(overall) {
		coverage = fmt.Sprintf(" Its 95%% intervals hold the replicate's planted β at the runs' measured reliability in %s%% of field x replicate cells (%s%%-%s%% by field).",
			num.F(100*overall, 0), num.F(100*cov.Low, 0), num.F(100*cov.High, 0))
	}
	return fmt.Sprintf("**Which standard errors to trust.** Calibrated on %d replicate studies of the simulated respondent (%d runs, %d pairs each, a new respondent seed each), the sd of β across replicates over the mean reported SE is %s-%s for the task bootstrap on every field: it is the calibrated kind, and its intervals are the ones to quote.%s OLS SEs are too small by up to %s× on the fields with large effects and too large on the null ones (ratio down to %s). Dyadic-robust SEs are not calibrated on this respondent either (too small by up to %s×): they allow for pairs that share a run, but runs with the same level of a field also share that level's per-task effect, which ties together pairs with no run in common; resampling tasks covers both.",
		len(c.Beta), c.Runs, c.Pairs, num.F(task.Low, 2), num.F(task.High, 2), coverage, num.F(ols.High, 1), num.F(ols.Low, 2), num.F(dyadic.High, 1))
}

// interval writes "x [lo, hi]" with digits decimals.
func interval(x float64, iv stats.Interval, digits int) string {
	return num.F(x, digits) + " [" + num.F(iv.Low, digits) + ", " + num.F(iv.High, digits) + "]"
}

// ModelTable formats one row per model for the report: templates and
// tasks, the mean correlation across templates and R² with task-bootstrap
// intervals, the field with the largest β, the hard-cycle rate against its
// floor (in percent; empty when the caller filled no CycleRate), and how
// many planted field βs lie inside their interval.
func ModelTable(results []ModelResult) (header []string, rows [][]string) {
	header = []string{"model", "templates", "tasks", "mean r across templates (95%)", "R²", "largest β (95%)", "hard-cycle rate (%)", "noise floor (%)", "planted β inside interval"}
	for _, r := range results {
		top := 1
		for j := 2; j < len(r.Summary.Terms); j++ {
			if r.Summary.Terms[j].Beta > r.Summary.Terms[top].Beta {
				top = j
			}
		}
		largest := ""
		if top < len(r.Summary.Terms) {
			largest = r.Summary.Terms[top].Term + " " + interval(r.Summary.Terms[top].Beta, r.TaskCI[top], 3)
		}
		rate, floor := "", ""
		if c := r.Cycles; c != nil {
			pc := func(iv stats.Interval) stats.Interval { return stats.Interval{Low: 100 * iv.Low, High: 100 * iv.High} }
			rate = interval(100*c.Rate, pc(c.RateCI), 1)
			floor = interval(100*c.Floor, pc(c.FloorCI), 1) + " (" + c.FloorSource + ")"
		}
		recovered := ""
		if in, cells := r.Recovered(); cells > 0 {
			recovered = strconv.Itoa(in) + " of " + strconv.Itoa(cells)
		}
		rows = append(rows, []string{r.Model, strconv.Itoa(r.Runs), strconv.Itoa(r.Tasks), interval(r.Summary.MeanR, r.MeanRCI, 3),
			num.F(r.Summary.R2, 2), largest, rate, floor, recovered})
	}
	return header, rows
}

// BetaTable formats every field's β per model (rows: fields; one column
// per model): "β [lo, hi]" with the task-bootstrap interval, and the
// planted β in parentheses on a synthetic study.
func BetaTable(results []ModelResult) (header []string, rows [][]string) {
	header = []string{"term"}
	for _, r := range results {
		header = append(header, r.Model)
	}
	if len(results) == 0 {
		return header, nil
	}
	for j, name := range termNames(results[0]) {
		row := []string{name}
		for _, r := range results {
			if j >= len(r.Summary.Terms) {
				row = append(row, "")
				continue
			}
			cell := interval(r.Summary.Terms[j].Beta, r.TaskCI[j], 3)
			if t := r.Summary.Terms[j]; r.Summary.HasPlanted {
				cell += " (planted " + num.F(t.PlantedMeasured, 3) + "; noiseless " + num.F(t.Planted, 3) + ")"
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	return header, rows
}

// RecoveryText states how many field x model cells have their planted β
// inside the task-bootstrap interval; empty without a planted truth.
func RecoveryText(results []ModelResult) string {
	var in, cells int
	for i := range results {
		a, b := results[i].Recovered()
		in, cells = in+a, cells+b
	}
	if cells == 0 {
		return ""
	}
	return fmt.Sprintf("The planted β (at the runs' measured reliability) lies inside the 95%% task-bootstrap interval in %d of %d field x model cells (%.0f%%; the bar is 90%%).", in, cells, 100*float64(in)/float64(cells))
}

// Table formats the cross-model comparison, one row per pair of models:
// matched templates, the mean correlation with its task-bootstrap
// interval, the lowest and highest per-template correlation, and, on a
// synthetic study, the planted mean at the runs' measured reliability with
// the noiseless one in brackets.
func (c *CrossModel) Table() (header []string, rows [][]string) {
	header = []string{"models", "templates", "mean r (95% task bootstrap)", "lowest template", "highest template"}
	if c.HasPlanted {
		header = append(header, "planted mean r (noiseless)")
	}
	for i := range c.Models {
		for j := i + 1; j < len(c.Models); j++ {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, t := range c.PerTemplate {
				if t.A == c.Models[i] && t.B == c.Models[j] {
					lo, hi = math.Min(lo, t.Pearson), math.Max(hi, t.Pearson)
				}
			}
			row := []string{c.Models[i] + " x " + c.Models[j], strconv.Itoa(c.Templates[i][j]),
				interval(c.Mean[i][j], c.CI[i][j], 3), num.F(lo, 3), num.F(hi, 3)}
			if c.HasPlanted {
				row = append(row, num.F(c.PlantedMeasured[i][j], 3)+" ("+num.F(c.Planted[i][j], 3)+")")
			}
			rows = append(rows, row)
		}
	}
	return header, rows
}

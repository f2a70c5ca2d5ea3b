package robustness

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/plot"
	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/utility"
)

// TemplateLabel is a short label of a run's template: language, response
// format, phrasing and task order.
func TemplateLabel(run *measure.Run) string {
	f := run.File.Config.Template.Fields
	return strings.Join([]string{f.Language, f.ResponseFormat, f.Phrasing, f.TaskOrder}, "/")
}

// RunFit is one run's Thurstonian fit read against the planted utilities:
// its parsed, refused and unparseable calls, and the Spearman and Pearson
// correlations of fitted and planted utility (NaN for a real model).
type RunFit struct {
	Run, Template                  string
	Choices, Refusals, Unparseable int
	Spearman, Pearson              float64
}

// WriteRunFits prints one line per run.
func WriteRunFits(w io.Writer, fits []RunFit) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "run\ttemplate\tchoices\trefusals\tunparseable\tSpearman vs planted\tPearson vs planted")
	for _, f := range fits {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%.3f\t%.3f\n", f.Run, f.Template, f.Choices, f.Refusals, f.Unparseable, f.Spearman, f.Pearson)
	}
	return tw.Flush()
}

// FitAgreement is the mean agreement of fitted with planted utilities over
// the runs that have a planted truth.
type FitAgreement struct {
	SpearmanMean float64 `json:"spearman_mean"`
	PearsonMean  float64 `json:"pearson_mean"`
	Runs         int     `json:"runs"`
	// SpearmanSE and PearsonSE are the standard errors of the means.
	SpearmanSE float64 `json:"spearman_se"`
	PearsonSE  float64 `json:"pearson_se"`
}

// Agreement averages the runs' correlations with the planted utilities;
// Runs is 0 for a real model.
func Agreement(fits []RunFit) FitAgreement {
	var rho, r []float64
	for _, f := range fits {
		if !math.IsNaN(f.Spearman) {
			rho, r = append(rho, f.Spearman), append(r, f.Pearson)
		}
	}
	if len(rho) == 0 {
		return FitAgreement{}
	}
	a := FitAgreement{Runs: len(rho)}
	a.SpearmanMean, a.SpearmanSE = stats.MeanSE(rho)
	a.PearsonMean, a.PearsonSE = stats.MeanSE(r)
	return a
}

// WinRateFigure plots each task's empirical win rate in d against its
// planted utility mu (tasks in at least minComparisons comparisons),
// coloured by origin: the direct check of a simulated respondent.
func WinRateFigure(d *utility.Data, tasks []task.Task, mu map[string]float64, minComparisons float64) (*plot.Figure, error) {
	wins, asked := d.WinCounts()
	if len(wins) != len(tasks) {
		return nil, fmt.Errorf("robustness: win-rate figure: %d tasks, data over %d", len(tasks), len(wins))
	}
	var x, y []float64
	var origin []string
	for i, t := range tasks {
		if asked[i] >= minComparisons {
			x, y, origin = append(x, mu[t.ID]), append(y, wins[i]/asked[i]), append(origin, t.Origin)
		}
	}
	return plot.Scatter(x, y, &plot.ScatterOptions{Groups: origin, Options: plot.Options{
		Title:  "Simulated respondent: win rate rises with planted utility",
		XLabel: fmt.Sprintf("planted utility μ (probit units), n = %d tasks", len(x)),
		YLabel: "empirical win rate (share of its comparisons won)",
	}})
}

// FitScatter plots one run's fitted μ against its planted context
// utility, both standardised (the fit's scale is arbitrary), coloured by
// origin, with the identity line.
func FitScatter(label string, planted, fitted []float64, origins []string) (*plot.Figure, error) {
	return plot.Scatter(utility.Standardize(planted), utility.Standardize(fitted), &plot.ScatterOptions{Groups: origins, Identity: true, Options: plot.Options{
		Title:  fmt.Sprintf("Fitted vs planted utility, one run (%s)", label),
		XLabel: fmt.Sprintf("planted context utility u(c), standardised (n = %d tasks)", len(fitted)),
		YLabel: "fitted μ, standardised",
	}})
}

// FitSettingsFigure draws each fit setting's held-out log-loss over the
// planted truth's on one scenario (utility.LogLossRatios); settings more
// than twice as bad are named in the title.
func FitSettingsFigure(rows []utility.SettingResult, scenario string, seeds int) (*plot.Figure, error) {
	names, ratio, off := utility.LogLossRatios(rows, scenario, 2)
	return plot.Bars(names, []plot.BarSeries{{Name: "held-out log-loss ÷ planted truth's", Values: ratio}}, &plot.BarsOptions{Options: plot.Options{
		Title:  fmt.Sprintf("Fit settings, %s (%d seeds)\noff the chart: %s", scenario, seeds, strings.Join(off, "; ")),
		XLabel: "fit setting",
		YLabel: "held-out log-loss ÷ truth's (1 = truth)",
		YRange: [2]float64{0.9, 1.4},
		Legend: plot.LegendNone,
		Height: 5 * 72,
	}})
}

// ActiveLearningPanel draws one run's replay: held-out accuracy after each
// batch against the comparisons used, per strategy, with the full fit as a
// dashed line. legend places the legend (plot.LegendNone for all panels but
// one of a grid).
func ActiveLearningPanel(rep *utility.StrategyReplay, title string, legend plot.LegendPosition) (*plot.Figure, error) {
	var curves []plot.Curve
	var maxX float64
	for _, c := range rep.Curves {
		x, y := c.HeldoutAccuracy()
		if len(x) == 0 {
			continue
		}
		curves, maxX = append(curves, plot.Curve{Name: c.Strategy, X: x, Y: y}), math.Max(maxX, x[len(x)-1])
	}
	curves = append(curves, plot.Curve{Name: "full MLE", X: []float64{0, maxX}, Y: []float64{rep.Full.Accuracy, rep.Full.Accuracy}, Dashed: true, NoPoint: true})
	return plot.Curves(curves, &plot.CurvesOptions{Options: plot.Options{
		Title: title, XLabel: "comparisons used", YLabel: "held-out accuracy", YRange: [2]float64{0.45, 0.9}, Legend: legend,
	}})
}

// WriteActiveLearning prints, per template and strategy, the shares of
// pairs and comparisons used and the held-out accuracy next to the full
// fit's.
func WriteActiveLearning(w io.Writer, results []utility.RunStrategyResult) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "template\tstrategy\tpairs used\tcomparisons used\theld-out acc\tfull MLE acc\tgap (points)")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%.1f%%\t%.1f%%\t%.3f\t%.3f\t%+.1f\n", r.Template, r.Strategy, 100*r.PairShare, 100*r.ComparisonShare, r.Accuracy, r.FullAccuracy, 100*(r.Accuracy-r.FullAccuracy))
	}
	return tw.Flush()
}

// ActiveLearningTable formats the replayed strategies for a report, one
// row per strategy: pairs used and the accuracy gap to the full fit, each as
// mean ± SE over templates written by meanPM (report.MeanPM).
func ActiveLearningTable(results []utility.RunStrategyResult, meanPM func(x []float64, digits int) string) (header []string, rows [][]string) {
	header = []string{"strategy", "pairs used (%)", "accuracy gap (points)"}
	for _, s := range utility.SummarizeStrategies(results) {
		rows = append(rows, []string{s.Strategy, meanPM(s.PairsUsed, 1), meanPM(s.Gap, 1)})
	}
	return header, rows
}

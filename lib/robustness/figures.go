package robustness

import (
	"fmt"
	"math"

	"gonum.org/v1/plot/vg"

	"github.com/prefscope/prefscope/lib/plot"
)

// RegressionFigure draws the sensitivity regression's field betas with ±1
// OLS SE, next to the planted betas on a synthetic study (at the runs'
// measured reliability, which the estimate targets, and noiseless).
func RegressionFigure(s *Sensitivity) (*plot.Figure, error) {
	reg := s.Regression
	series := []plot.BarSeries{{Name: "estimated (fitted utilities)", Values: reg.Beta[1:], Err: reg.SE[1:]}}
	if s.PlantedRegression != nil {
		series = append(series,
			plot.BarSeries{Name: "planted, at measured reliability", Values: s.PlantedMeasured.Beta[1:]},
			plot.BarSeries{Name: "planted, noiseless", Values: s.PlantedRegression.Beta[1:]})
	}
	return plot.Bars(reg.Terms[1:], series, &plot.BarsOptions{Options: plot.Options{
		Title:  fmt.Sprintf("Sensitivity regression: %d run pairs, R² = %.2f", reg.N, reg.R2),
		XLabel: "template field",
		YLabel: "β, Δ correlation if same (±1 SE)",
		// Inside, top right: the fields at the right end have small βs.
		Legend: plot.LegendTopRight, Width: 10 * 72, Height: 5 * 72,
	}})
}

// AveragingFigure draws the averaging view: per field, mean correlation of
// run pairs with the field the same minus different, next to the planted
// view on a synthetic study.
func AveragingFigure(s *Sensitivity) (*plot.Figure, error) {
	series := []plot.BarSeries{{Name: "estimated", Values: Effects(s.Averaging)}}
	if s.PlantedAveraging != nil {
		series = append(series, plot.BarSeries{Name: "planted", Values: Effects(s.PlantedAveraging)})
	}
	return plot.Bars(s.Correlations.Fields, series, &plot.BarsOptions{Options: plot.Options{
		Title:  "Averaging view: mean correlation, field same minus different",
		XLabel: "template field",
		YLabel: "Δ mean Pearson r",
		Height: 5 * 72,
	}})
}

// CalibrationFigure draws, per field and kind of standard error, the sd of
// β across replicate studies over the mean reported SE (1 = calibrated).
func CalibrationFigure(c *Calibration) (*plot.Figure, error) {
	var series []plot.BarSeries
	for _, k := range SEMethods {
		series = append(series, plot.BarSeries{Name: k, Values: c.Ratio[k][1:]})
	}
	return plot.Bars(c.Terms[1:], series, &plot.BarsOptions{Options: plot.Options{
		Title:  fmt.Sprintf("SE calibration: %d replicate studies of %d runs", len(c.Beta), c.Runs),
		XLabel: "field (term of the regression)",
		YLabel: "sd of β across replicates / mean SE", Legend: plot.LegendTopRight, Width: 10 * 72, Height: 5 * 72},
		RefLines: []plot.RefLine{{Y: 1, Label: "calibrated: ratio 1"}}})
}

// ModelBetasFigure draws each field's β for every model side by side, with
// task-bootstrap 95% intervals.
func ModelBetasFigure(results []ModelResult) (*plot.Figure, error) {
	if len(results) == 0 {
		return nil, fmt.Errorf("robustness: model betas figure: no models")
	}
	fields := termNames(results[0])[1:]
	var series []plot.BarSeries
	for _, r := range results {
		if len(r.Summary.Terms) != len(fields)+1 {
			return nil, fmt.Errorf("robustness: model betas figure: model %s has %d terms, %s has %d", r.Model, len(r.Summary.Terms), results[0].Model, len(fields)+1)
		}
		s := plot.BarSeries{Name: r.Model}
		for j, t := range r.Summary.Terms[1:] {
			s.Values, s.Low, s.High = append(s.Values, t.Beta), append(s.Low, r.TaskCI[j+1].Low), append(s.High, r.TaskCI[j+1].High)
		}
		series = append(series, s)
	}
	return plot.Bars(fields, series, &plot.BarsOptions{Options: plot.Options{
		Title:  "Which fields move each model's utilities: sensitivity β by model",
		XLabel: "template field",
		YLabel: "β, Δ correlation if same (95% task bootstrap)",
		Width:  12 * 72, Height: 5 * 72,
	}})
}

// RecoveryFigure draws, one panel per model, the estimated β with its
// task-bootstrap interval next to the planted β: the check that the
// regression recovers each model's planted profile.
func RecoveryFigure(results []ModelResult) (*plot.Figure, error) {
	var panels []*plot.Figure
	for _, r := range results {
		if !r.Summary.HasPlanted {
			continue
		}
		est := plot.BarSeries{Name: "estimated (95% task bootstrap)"}
		pl := plot.BarSeries{Name: "planted, at measured reliability"}
		raw := plot.BarSeries{Name: "planted, noiseless"}
		for j, t := range r.Summary.Terms[1:] {
			est.Values, est.Low, est.High = append(est.Values, t.Beta), append(est.Low, r.TaskCI[j+1].Low), append(est.High, r.TaskCI[j+1].High)
			pl.Values, raw.Values = append(pl.Values, t.PlantedMeasured), append(raw.Values, t.Planted)
		}
		inside, cells := r.Recovered()
		fig, err := plot.Bars(termNames(r)[1:], []plot.BarSeries{est, pl, raw}, &plot.BarsOptions{Options: plot.Options{
			Title:  fmt.Sprintf("%s: planted β (at measured reliability) inside the interval for %d of %d fields", r.Model, inside, cells),
			YLabel: "β (Δ correlation if same)", Width: 11 * 72, Height: 4 * 72,
		}})
		if err != nil {
			return nil, err
		}
		panels = append(panels, fig)
	}
	if len(panels) == 0 {
		return nil, fmt.Errorf("robustness: recovery figure: no model has a planted truth")
	}
	return plot.Grid(panels, 1, &plot.GridOptions{Title: "Estimated against planted sensitivity, per simulated model",
		Width: 11 * 72, Height: vg.Length(len(panels)) * 4.5 * 72})
}

// CrossModelFigure draws the model x model heatmap of the mean utility
// correlation over matched templates, each cell labelled with its
// task-bootstrap 95% interval (and the planted mean on a synthetic study).
func CrossModelFigure(c *CrossModel) (*plot.Figure, error) {
	labels := make([][]string, len(c.Mean))
	for i := range c.Mean {
		labels[i] = make([]string, len(c.Mean))
		for j, m := range c.Mean[i] {
			switch {
			case i == j:
				labels[i][j] = "1"
			case math.IsNaN(m):
				labels[i][j] = "–"
			default:
				labels[i][j] = fmt.Sprintf("%.2f\n[%.2f, %.2f]", m, c.CI[i][j].Low, c.CI[i][j].High)
				if c.HasPlanted {
					labels[i][j] += fmt.Sprintf("\nplanted %.2f", c.PlantedMeasured[i][j])
				}
			}
		}
	}
	return plot.Heatmap(c.Mean, c.Models, c.Models, &plot.HeatmapOptions{Labels: labels, Min: 0, Max: 1,
		ColorBarLabel: "mean Pearson r over templates", Options: plot.Options{
			Title: "Utility correlation between models, same template (mean over templates, 95% task bootstrap)",
		}})
}

func termNames(r ModelResult) []string {
	out := make([]string, len(r.Summary.Terms))
	for j, t := range r.Summary.Terms {
		out[j] = t.Term
	}
	return out
}

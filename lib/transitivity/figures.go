package transitivity

import (
	"fmt"
	"strings"

	"github.com/prefscope/prefscope/lib/plot"
)

// series names the measured rate and the floors in figures; the planted
// floor only where there is one.
func floorSeries(planted bool) []string {
	names := []string{"measured", "fitted-model floor", "planted-model floor"}
	if !planted {
		names = names[:2]
	}
	return names
}

// rates is the measured rate and the two floors of r as one list, in the
// order of floorSeries.
func (r Result) rates() []Prediction {
	return []Prediction{{HardCycleRate: r.Measured.HardCycleRate, RateCI: r.Measured.RateCI}, r.Fitted, r.Planted}
}

// RateFigure draws each result's measured hard-cycle rate next to its
// floors, with 95% intervals and the rate of random choices.
func RateFigure(results []Result) (*plot.Figure, error) {
	if len(results) == 0 {
		return nil, fmt.Errorf("transitivity: rate figure: no results")
	}
	var cats []string
	names := floorSeries(results[0].HasPlanted)
	series := make([]plot.BarSeries, len(names))
	for i, n := range names {
		series[i].Name = n
	}
	for _, r := range results {
		cats = append(cats, fmt.Sprintf("%s (%d runs, %d triads)", r.Label, r.Runs, r.Measured.Triads))
		for i, p := range r.rates()[:len(names)] {
			s := &series[i]
			s.Values, s.Low, s.High = append(s.Values, p.HardCycleRate), append(s.Low, p.RateCI.Low), append(s.High, p.RateCI.High)
		}
	}
	return plot.Bars(cats, series, &plot.BarsOptions{Options: plot.Options{
		Title: "Hard cycles: measured against the noise floor (95% intervals)", XLabel: "data", YLabel: "share of triads that are hard cycles", Height: 5 * 72},
		RefLines: []plot.RefLine{{Y: 0.25, Label: "random choices (0.25)"}}})
}

// CycleProbabilityFigure is the histogram of a result's triads' cycle
// probabilities.
func CycleProbabilityFigure(r Result) (*plot.Figure, error) {
	return plot.Histogram([]plot.Group{{Name: r.Label, Values: r.CycleProbabilities}}, &plot.HistogramOptions{
		Bins: 28, Range: [2]float64{-1.0 / 54, 1 + 1.0/54},
		Options: plot.Options{Title: fmt.Sprintf("Cycle probabilities, %s (%d triads)", r.Label, r.Measured.Triads), Legend: plot.LegendTopRight,
			XLabel: "cycle probability p_ij·p_jk·p_ki + (1−p_ij)(1−p_jk)(1−p_ki)", YLabel: "triads"}})
}

// SamplesFigure draws the measured rate and its floors against the number
// of samples per pair kept (one result per number, in order) of the data
// named what (e.g. "dense part").
func SamplesFigure(results []Result, what string) (*plot.Figure, error) {
	if len(results) == 0 {
		return nil, fmt.Errorf("transitivity: samples figure: no results")
	}
	var cs []plot.Curve
	for i, name := range floorSeries(results[len(results)-1].HasPlanted) {
		c := plot.Curve{Name: name}
		for _, r := range results {
			p := r.rates()[i]
			c.X, c.Y = append(c.X, float64(r.Samples)), append(c.Y, p.HardCycleRate)
			c.Low, c.High = append(c.Low, p.RateCI.Low), append(c.High, p.RateCI.High)
		}
		cs = append(cs, c)
	}
	return plot.Curves(cs, &plot.CurvesOptions{Points: true, Options: plot.Options{Title: "Hard-cycle rate against samples per pair (" + what + ")",
		XLabel: "samples per pair kept", YLabel: "hard-cycle rate (95% band)", XRange: [2]float64{0.8, float64(len(results)) + 0.2}, Legend: plot.LegendTopRight}})
}

// RunLabel is a short label of a run's template: language, response
// format and phrasing.
func (r RunResult) RunLabel() string {
	f := r.Template.Fields
	return strings.Join([]string{f.Language, f.ResponseFormat, f.Phrasing}, "/")
}

// PerRunFigure draws each run's measured rate next to the floor of its own
// model, with ±½ of each 95% interval.
func PerRunFigure(r Result) (*plot.Figure, error) {
	var cats []string
	meas, floor := plot.BarSeries{Name: "measured"}, plot.BarSeries{Name: "floor of the run's own model"}
	if r.HasPlanted {
		floor.Name = "planted-model floor"
	}
	for _, rr := range r.PerRun {
		cats = append(cats, rr.RunLabel())
		meas.Values, meas.Err = append(meas.Values, rr.Measured.HardCycleRate), append(meas.Err, rr.Measured.RateCI.Width()/2)
		floor.Values, floor.Err = append(floor.Values, rr.Floor.HardCycleRate), append(floor.Err, rr.Floor.RateCI.Width()/2)
	}
	return plot.Bars(cats, []plot.BarSeries{meas, floor}, &plot.BarsOptions{Options: plot.Options{
		Title: fmt.Sprintf("Hard-cycle rate per run, %s", r.Label), XLabel: "template (language/format/phrasing)", YLabel: "hard-cycle rate (±½ 95% interval)", Height: 5 * 72}})
}

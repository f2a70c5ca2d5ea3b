package robustness

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"gonum.org/v1/gonum/stat"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/num"
	"github.com/prefscope/prefscope/lib/utility"
)

// FromStore builds the runs of the analysis from stored measurement runs:
// each run's fitted utilities (utilities.csv, written by utility.WriteRunFit)
// and its template fields (measure.FieldLevels). A field with one value in
// every run (such as the kind, within a part) is left out: its "same"
// indicator would repeat the intercept.
func FromStore(runs []*measure.Run) ([]RunUtilities, error) {
	out := make([]RunUtilities, len(runs))
	levels := map[string]map[string]bool{} // field -> values seen
	for k, r := range runs {
		u, err := utility.ReadRunUtilities(r.Dir)
		if err != nil {
			return nil, fmt.Errorf("robustness: run %s: %w (fit it with utility.FitRun and WriteRunFit first)", r.File.ID, err)
		}
		out[k] = RunUtilities{ID: r.File.ID, Fields: measure.FieldLevels(r.File.Config.Template), Utilities: u}
	}
	for _, r := range out {
		for f := range r.Fields {
			levels[f] = map[string]bool{}
		}
	}
	for _, r := range out {
		for f := range levels {
			levels[f][r.Fields[f]] = true // a missing field has the value ""
		}
	}
	for f, seen := range levels {
		if len(seen) < 2 {
			for _, r := range out {
				delete(r.Fields, f)
			}
		}
	}
	return out, nil
}

// Sensitivity is the whole sensitivity analysis of a set of stored runs:
// their pairwise correlations, the regression and the averaging view, and,
// for a synthetic study, the same views of the planted correlations.
type Sensitivity struct {
	Correlations *Correlations
	Regression   *Regression
	Averaging    []FieldAverage
	// Planted holds the correlations of the runs' planted utilities
	// (PlantedCorrelations) for the same run pairs; it and the two views
	// below are nil without a planted truth.
	Planted           *Correlations
	PlantedRegression *Regression
	PlantedAveraging  []FieldAverage
	// Reliability is each run's share of fitted-utility variance that is
	// planted utility (Reliabilities); PlantedMeasured is the regression
	// on the planted correlations attenuated by it (Correlations.Attenuate):
	// the value the estimate targets, since fitting noise lowers every
	// correlation between runs. Both are nil without a planted truth.
	Reliability     map[string]float64
	PlantedMeasured *Regression
}

// Analyze correlates the fitted utilities of stored runs (FromStore,
// Correlate with DefaultMinShared), fits the regression and the averaging
// view, and, when planted is not nil (a synthetic study), the same views of
// the planted correlations (PlantedCorrelations).
func Analyze(runs []*measure.Run, planted Planted) (*Sensitivity, error) {
	rr, err := FromStore(runs)
	if err != nil {
		return nil, err
	}
	s := &Sensitivity{}
	if s.Correlations, err = Correlate(rr, 0); err != nil {
		return nil, err
	}
	if s.Regression, err = s.Correlations.Regress(); err != nil {
		return nil, err
	}
	s.Averaging = s.Correlations.Averaging()
	if planted == nil {
		return s, nil
	}
	if s.Planted, err = s.Correlations.PlantedCorrelations(planted); err != nil {
		return nil, err
	}
	if s.PlantedRegression, err = s.Planted.Regress(); err != nil {
		return nil, fmt.Errorf("robustness: planted correlations: %w", err)
	}
	s.PlantedAveraging = s.Planted.Averaging()
	if s.Reliability, err = Reliabilities(rr, planted); err != nil {
		return nil, err
	}
	attenuated, err := s.Planted.Attenuate(s.Reliability)
	if err != nil {
		return nil, err
	}
	if s.PlantedMeasured, err = attenuated.Regress(); err != nil {
		return nil, fmt.Errorf("robustness: attenuated planted correlations: %w", err)
	}
	return s, nil
}

// Effects returns the Effect of each field of an averaging view, in order.
func Effects(avg []FieldAverage) []float64 {
	out := make([]float64, len(avg))
	for i, a := range avg {
		out[i] = a.Effect
	}
	return out
}

// Pearsons returns the correlation of every run pair, in order.
func (c *Correlations) Pearsons() []float64 {
	out := make([]float64, len(c.Pairs))
	for i, p := range c.Pairs {
		out[i] = p.Pearson
	}
	return out
}

// Term is one regression term of a Summary: the estimate and its standard
// error, the planted estimate (0 without a truth) with PlantedMeasured, the
// same at the runs' measured reliability (what the estimate targets; see
// Sensitivity.PlantedMeasured), and the field's averaging effect (0 for the
// intercept, which has none).
type Term struct {
	Term                         string
	Beta, SE, Planted, Averaging float64
	PlantedMeasured              float64
}

// Summary is what the robustness notebook saves of a Sensitivity for its
// report: one Term per regression term, the fit's R² over Pairs run pairs,
// and the mean correlation MeanR between runs.
type Summary struct {
	Terms []Term  `json:"terms"`
	R2    float64 `json:"r2"`
	Pairs int     `json:"pairs"`
	MeanR float64 `json:"mean_r"`
	// HasPlanted says whether the Planted values come from a truth.
	HasPlanted bool `json:"has_planted"`
}

// Summary returns the typed summary of s.
func (s *Sensitivity) Summary() Summary {
	reg := s.Regression
	out := Summary{R2: reg.R2, Pairs: reg.N, MeanR: stat.Mean(s.Correlations.Pearsons(), nil), HasPlanted: s.PlantedRegression != nil}
	for i, t := range reg.Terms {
		term := Term{Term: t, Beta: reg.Beta[i], SE: reg.SE[i]}
		if out.HasPlanted && !math.IsNaN(s.PlantedRegression.Beta[i]) {
			term.Planted = s.PlantedRegression.Beta[i]
		}
		if out.HasPlanted && !math.IsNaN(s.PlantedMeasured.Beta[i]) {
			term.PlantedMeasured = s.PlantedMeasured.Beta[i]
		}
		if i > 0 {
			term.Averaging = s.Averaging[i-1].Effect
		}
		out.Terms = append(out.Terms, term)
	}
	return out
}

// WriteTable prints the summary's terms as an aligned text table.
func (s Summary) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "term\tβ\tSE\tplanted β\tplanted β, measured\taveraging effect")
	for _, t := range s.Terms {
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\n", t.Term, t.Beta, t.SE, t.Planted, t.PlantedMeasured, t.Averaging)
	}
	return tw.Flush()
}

// Table returns the summary's terms as table rows for a report, numbers
// written with 3 decimals (num.F): term, β, SE, planted β noiseless and at
// the runs' measured reliability (both empty without a truth) and averaging
// effect (empty for the intercept).
func (s Summary) Table() (header []string, rows [][]string) {
	header = []string{"term", "β", "SE", "planted β", "planted β, measured", "averaging effect"}
	for i, t := range s.Terms {
		planted, measured, avg := num.F(t.Planted, 3), num.F(t.PlantedMeasured, 3), num.F(t.Averaging, 3)
		if !s.HasPlanted {
			planted, measured = "", ""
		}
		if i == 0 {
			avg = "" // the intercept has no averaging view
		}
		rows = append(rows, []string{t.Term, num.F(t.Beta, 3), num.F(t.SE, 3), planted, measured, avg})
	}
	return header, rows
}

package study

import (
	"math"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/plot"
	"github.com/prefscope/prefscope/lib/robustness"
	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/utility"
)

// PlantedContext is the planted utility of each task in ids in run's
// template context (ContextUtilities with the truth of the model
// that measured run); nil, and no error, for a model that is not simulated.
func PlantedContext(dir string, run *measure.Run, ids []string) ([]float64, error) {
	t, err := runTruth(dir, run)
	if err != nil || t == nil {
		return nil, err
	}
	return ContextUtilities(t, run, ids)
}

// FitRuns fits every run with the Thurstonian model (utility.FitRun),
// writes each fit next to its run (utility.WriteRunFit), and reads it
// against the planted context utilities (PlantedContext; NaN
// correlations for a real model).
func FitRuns(dir string, runs []*measure.Run) ([]robustness.RunFit, error) {
	var out []robustness.RunFit
	for _, run := range runs {
		u, counts, err := utility.FitRun(run, nil)
		if err != nil {
			return nil, err
		}
		if err := utility.WriteRunFit(run.Dir, u, counts); err != nil {
			return nil, err
		}
		f := robustness.RunFit{Run: run.File.ID, Template: robustness.TemplateLabel(run), Choices: counts.Choices, Refusals: counts.Refusals,
			Unparseable: counts.Unparseable, Spearman: math.NaN(), Pearson: math.NaN()}
		p, err := PlantedContext(dir, run, u.IDs)
		if err != nil {
			return nil, err
		}
		if p != nil {
			if f.Spearman, err = stats.Spearman(u.Mu, p); err != nil {
				return nil, err
			}
			if f.Pearson, err = stats.Pearson(u.Mu, p); err != nil {
				return nil, err
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// FitVsPlanted is one run's fit next to its planted context utilities and
// the tasks' origins.
type FitVsPlanted struct {
	Run             *measure.Run
	Fitted, Planted []float64
	Origins         []string
}

// Figure is robustness.FitScatter of the run.
func (f *FitVsPlanted) Figure() (*plot.Figure, error) {
	return robustness.FitScatter(robustness.TemplateLabel(f.Run), f.Planted, f.Fitted, f.Origins)
}

// PlantedFit fits one run and reads it against its planted context
// utilities; nil, and no error, for a model that is not simulated.
func PlantedFit(dir string, run *measure.Run) (*FitVsPlanted, error) {
	t, err := runTruth(dir, run)
	if err != nil || t == nil {
		return nil, err
	}
	u, _, err := utility.FitRun(run, nil)
	if err != nil {
		return nil, err
	}
	f := &FitVsPlanted{Run: run, Fitted: u.Mu}
	if f.Planted, err = ContextUtilities(t, run, u.IDs); err != nil {
		return nil, err
	}
	for _, id := range u.IDs {
		f.Origins = append(f.Origins, t.Origin[id])
	}
	return f, nil
}

// runTruth is the planted truth of the model that measured run, read from
// the study in dir; nil, and no error, for a model that is not simulated.
func runTruth(dir string, run *measure.Run) (*synth.Truth, error) {
	truths, err := LoadTruths(dir)
	if err != nil {
		return nil, err
	}
	return truthOf(truths, run)
}

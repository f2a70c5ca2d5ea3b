package utility

import (
	"fmt"

	"gonum.org/v1/gonum/stat"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model/synth"
)

// PlantedUtilities returns the simulated respondent's planted utility of
// each task id in the template context of run r: u_i(c) = μ_i plus the
// planted per-field perturbations (synth.Truth.Utility), the yardstick a
// synthetic run's fit is compared with. A nil truth (a real model) gives
// nil; an id the truth does not know is an error.
func PlantedUtilities(truth *synth.Truth, r *measure.Run, ids []string) ([]float64, error) {
	if truth == nil {
		return nil, nil
	}
	ctx := synth.ContextOf(r.File.Config.Template)
	out := make([]float64, len(ids))
	for i, id := range ids {
		if _, ok := truth.Mu[id]; !ok {
			return nil, fmt.Errorf("utility: run %s: task %q has no planted utility", r.File.ID, id)
		}
		out[i] = truth.Utility(id, ctx)
	}
	return out, nil
}

// Standardize returns the standard scores (x_i - mean) / sd of x, with the
// sample standard deviation (n-1 in the denominator), as gonum's
// stat.MeanStdDev and stat.StdScore compute them. Fits fix μ only up to
// location and scale, so scores are what two fits can be plotted against.
func Standardize(x []float64) []float64 {
	mean, sd := stat.MeanStdDev(x, nil)
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = stat.StdScore(v, mean, sd)
	}
	return out
}

package study

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/robustness"
	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/transitivity"
	"github.com/prefscope/prefscope/lib/utility"
)

// ModelLabel is how tables and figures name a model: "synth:<seed>" with
// its sensitivity profile, a served model's name, a local checkpoint's
// folder name.
func ModelLabel(spec model.Spec) string {
	switch spec.Kind {
	case "synth":
		label := "synth:" + strconv.FormatInt(spec.Seed, 10)
		if spec.Name != "" {
			label += " " + spec.Name
		}
		return label
	case "llama":
		return filepath.Base(spec.Path)
	}
	if spec.Name != "" {
		return spec.Name
	}
	return spec.Kind
}

// RobustnessModels gathers the robustness design as each model answered
// it: one part per model (parts of the same design that name their own
// model:), each run fitted (utility.FitRun, written next to the run, unless
// a fit newer than its measurements is there) and,
// on a synthetic study, with its planted utilities (PlantedRobustness). Two
// parts of the same model are an error.
func RobustnessModels(dir string, parts ...string) ([]robustness.ModelRuns, error) {
	var out []robustness.ModelRuns
	seen := map[string]string{}
	for _, part := range parts {
		runs, err := PartRuns(dir, part)
		if err != nil {
			return nil, err
		}
		label := ModelLabel(runs[0].File.Config.Model)
		if prev, dup := seen[label]; dup {
			return nil, fmt.Errorf("study: parts %q and %q both measure model %s; robustness by model needs one part per model", prev, part, label)
		}
		seen[label] = part
		for _, r := range runs {
			if l := ModelLabel(r.File.Config.Model); l != label {
				return nil, fmt.Errorf("study: part %q: run %s measures %s, run %s measures %s", part, runs[0].File.ID, label, r.File.ID, l)
			}
			if err := fitIfStale(r); err != nil {
				return nil, err
			}
		}
		planted, err := PlantedRobustness(dir, runs)
		if err != nil {
			return nil, err
		}
		out = append(out, robustness.ModelRuns{Model: label, Runs: runs, Planted: planted})
	}
	return out, nil
}

// RobustnessByModel analyses each model's robustness (robustness.AnalyzeModel
// with bootstrap options o) and adds its hard-cycle rate against the noise
// floor (transitivity.Analyze with o's settings; the planted model's floor on
// a synthetic study, else the fitted models').
func RobustnessByModel(dir string, models []robustness.ModelRuns, o *stats.BootstrapOptions) ([]robustness.ModelResult, error) {
	var out []robustness.ModelResult
	for _, m := range models {
		res, err := robustness.AnalyzeModel(m, o)
		if err != nil {
			return nil, err
		}
		planted, err := PlantedThurstonian(dir, m.Runs)
		if err != nil {
			return nil, err
		}
		opts := &transitivity.AnalysisOptions{Sample: transitivity.SampleOptions{Seed: 1}, Planted: planted}
		if o != nil {
			opts.Bootstrap = *o
		}
		a, err := transitivity.Analyze(m.Runs, opts)
		if err != nil {
			return nil, fmt.Errorf("study: model %s: %w", m.Model, err)
		}
		r := a.Result(m.Model, 0)
		fl := r.Floor()
		src := "fitted"
		if r.HasPlanted {
			src = "planted"
		}
		res.Cycles = &robustness.CycleRate{Triads: r.Measured.Triads, Rate: r.Measured.HardCycleRate, RateCI: r.Measured.RateCI,
			Floor: fl.HardCycleRate, FloorCI: fl.RateCI, FloorSource: src}
		out = append(out, *res)
	}
	return out, nil
}

// fitIfStale fits a run and writes the fit unless its utilities.csv is
// newer than its measurements.
func fitIfStale(r *measure.Run) error {
	if fit, err := os.Stat(layout.Utilities(r.Dir)); err == nil {
		if m, err := os.Stat(layout.Measurements(r.Dir)); err == nil && fit.ModTime().After(m.ModTime()) {
			return nil
		}
	}
	u, counts, err := utility.FitRun(r, nil)
	if err != nil {
		return err
	}
	return utility.WriteRunFit(r.Dir, u, counts)
}

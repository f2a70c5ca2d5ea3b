package robustness

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/stats"
)

// ModelRuns is the robustness design as one model answered it: its
// fitted runs and, on a synthetic study, what was planted in each.
type ModelRuns struct {
	// Model names the model in tables and figures.
	Model   string
	Runs    []*measure.Run
	Planted Planted // nil for a real model
}

// ModelResult is the robustness of one model: the sensitivity regression
// with task-bootstrap intervals, the mean correlation across templates with
// its interval, and (filled by the caller, from lib/transitivity) the
// hard-cycle rate against its noise floor.
type ModelResult struct {
	Model   string  `json:"model"`
	Summary Summary `json:"summary"`
	// TaskCI[j] is the task-bootstrap interval of Summary.Terms[j]'s β.
	TaskCI []stats.Interval `json:"task_ci"`
	// MeanRCI is the task-bootstrap interval of Summary.MeanR.
	MeanRCI stats.Interval `json:"mean_r_ci"`
	// Runs and Tasks: templates measured and tasks in the runs.
	Runs   int        `json:"runs"`
	Tasks  int        `json:"tasks"`
	Cycles *CycleRate `json:"cycles,omitempty"`
}

// CycleRate is a model's hard-cycle rate next to its noise floor, as
// lib/transitivity measures them (copied here as plain numbers, so this
// package does not depend on that one).
type CycleRate struct {
	Triads          int
	Rate, Floor     float64
	RateCI, FloorCI stats.Interval
	// FloorSource says which model predicts the floor ("planted" or "fitted").
	FloorSource string
}

// AnalyzeModel runs the sensitivity analysis on one model's runs (Analyze)
// and adds the task bootstrap of every β and of the mean correlation.
func AnalyzeModel(m ModelRuns, o *stats.BootstrapOptions) (*ModelResult, error) {
	sens, err := Analyze(m.Runs, m.Planted)
	if err != nil {
		return nil, fmt.Errorf("robustness: model %s: %w", m.Model, err)
	}
	rr, err := FromStore(m.Runs)
	if err != nil {
		return nil, err
	}
	tb, err := TaskBootstrap(rr, 0, o)
	if err != nil {
		return nil, fmt.Errorf("robustness: model %s: %w", m.Model, err)
	}
	tasks := map[string]bool{}
	for _, r := range rr {
		for t := range r.Utilities {
			tasks[t] = true
		}
	}
	return &ModelResult{Model: m.Model, Summary: sens.Summary(), TaskCI: tb.Beta, MeanRCI: tb.MeanR, Runs: len(rr), Tasks: len(tasks)}, nil
}

// Recovered counts the field terms (the intercept left out) whose planted
// β lies inside the task-bootstrap interval; cells is the number of field
// terms. Both are 0 without a planted truth.
func (r *ModelResult) Recovered() (inside, cells int) {
	if !r.Summary.HasPlanted {
		return 0, 0
	}
	for j, t := range r.Summary.Terms {
		if j == 0 {
			continue
		}
		cells++
		if r.TaskCI[j].Contains(t.PlantedMeasured) {
			inside++
		}
	}
	return inside, cells
}

// templateKey identifies a run's template across models: every field
// level (the seed of the template's perturbations included) and the kind.
func templateKey(r *measure.Run) string {
	lv := r.File.Config.Template.Tags()
	keys := slices.Sorted(maps.Keys(lv))
	var b strings.Builder
	b.WriteString(string(r.File.Config.Template.Kind))
	for _, k := range keys {
		b.WriteString("|" + k + "=" + lv[k])
	}
	return b.String()
}

// CrossModel is the agreement of utilities between models: for every two
// models, the Pearson correlation of their utilities over shared tasks,
// template by template (runs matched by identical template), and its mean
// over the matched templates with a task-bootstrap interval.
type CrossModel struct {
	Models []string `json:"models"`
	// Mean[i][j] is the mean correlation over Templates[i][j] matched
	// templates (1 on the diagonal), CI[i][j] its task-bootstrap interval.
	Mean      [][]float64        `json:"mean"`
	CI        [][]stats.Interval `json:"ci"`
	Templates [][]int            `json:"templates"`
	// Planted[i][j], on a synthetic study (HasPlanted), is the same mean
	// over the same templates and tasks of the correlation of the two
	// models' planted utilities: what the estimate would be without
	// sampling noise.
	Planted [][]float64 `json:"planted,omitempty"`
	// PlantedMeasured[i][j] is the same with each template's planted
	// correlation attenuated by the two runs' reliabilities
	// (Correlations.Attenuate): the value the estimate targets.
	PlantedMeasured [][]float64 `json:"planted_measured,omitempty"`
	HasPlanted      bool        `json:"has_planted"`
	// PerTemplate lists every matched template's correlation.
	PerTemplate []TemplateCorrelation `json:"per_template"`
}

// TemplateCorrelation is the correlation of two models' utilities under one
// template, over Shared tasks.
type TemplateCorrelation struct {
	Template string  `json:"template"`
	A        string  `json:"a"`
	B        string  `json:"b"`
	Pearson  float64 `json:"pearson"`
	Shared   int     `json:"shared"`
}

// CompareModels correlates the models' fitted utilities template by
// template and averages over templates; the interval resamples tasks (each
// replicate reweights every template's correlation by the drawn tasks) with
// o's settings. When every model has planted utilities, Planted holds the
// same means of the planted correlations. Two models with no template in
// common are an error. Pairs of runs sharing fewer than DefaultMinShared
// tasks are left out.
func CompareModels(models []ModelRuns, o *stats.BootstrapOptions) (*CrossModel, error) {
	n := len(models)
	if n < 2 {
		return nil, fmt.Errorf("robustness: compare models: %d models, need at least 2", n)
	}
	byModel := make([]map[string]map[string]float64, n) // template key -> utilities
	runOf := make([]map[string]string, n)               // template key -> run id
	relOf := make([]map[string]float64, n)              // run id -> reliability
	planted := true
	var all []map[string]float64
	for i, m := range models {
		rr, err := FromStore(m.Runs)
		if err != nil {
			return nil, fmt.Errorf("robustness: model %s: %w", m.Model, err)
		}
		byModel[i], runOf[i] = map[string]map[string]float64{}, map[string]string{}
		planted = planted && m.Planted != nil
		if planted {
			if relOf[i], err = Reliabilities(rr, m.Planted); err != nil {
				return nil, fmt.Errorf("robustness: model %s: %w", m.Model, err)
			}
		}
		for k, r := range m.Runs {
			key := templateKey(r)
			if _, dup := byModel[i][key]; dup {
				return nil, fmt.Errorf("robustness: model %s: two runs with template %s", m.Model, key)
			}
			byModel[i][key], runOf[i][key] = rr[k].Utilities, r.File.ID
			all = append(all, rr[k].Utilities)
		}
	}
	tasks, taskIndex := indexTasks(all)
	out := &CrossModel{Mean: make([][]float64, n), CI: make([][]stats.Interval, n), Templates: make([][]int, n)}
	for i := range models {
		out.Models = append(out.Models, models[i].Model)
		out.Mean[i], out.CI[i], out.Templates[i] = make([]float64, n), make([]stats.Interval, n), make([]int, n)
		out.Mean[i][i], out.CI[i][i] = 1, stats.Interval{Low: 1, High: 1}
	}
	if planted {
		out.HasPlanted, out.Planted, out.PlantedMeasured = true, make([][]float64, n), make([][]float64, n)
		for i := range n {
			out.Planted[i], out.PlantedMeasured[i] = make([]float64, n), make([]float64, n)
			out.Planted[i][i], out.PlantedMeasured[i][i] = 1, 1
		}
	}
	// shared holds, per model pair and matched template, the task indices
	// and the two utility vectors.
	type shared struct {
		task   []int
		x, y   []float64
		px, py []float64 // planted, when every model has them
		rel    float64   // the product of the two runs' reliabilities
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			var cells []shared
			for _, key := range slices.Sorted(maps.Keys(byModel[i])) {
				ub, ok := byModel[j][key]
				if !ok {
					continue
				}
				ua := byModel[i][key]
				var pa, pb map[string]float64
				if planted {
					pa, pb = models[i].Planted[runOf[i][key]], models[j].Planted[runOf[j][key]]
				}
				var s shared
				if planted {
					s.rel = relOf[i][runOf[i][key]] * relOf[j][runOf[j][key]]
				}
				for _, t := range tasks {
					a, okA := ua[t]
					b, okB := ub[t]
					if !okA || !okB {
						continue
					}
					s.task, s.x, s.y = append(s.task, taskIndex[t]), append(s.x, a), append(s.y, b)
					if planted {
						qa, okA := pa[t]
						qb, okB := pb[t]
						if !okA || !okB {
							return nil, fmt.Errorf("robustness: compare models: task %s has no planted utility in run %s or %s", t, runOf[i][key], runOf[j][key])
						}
						s.px, s.py = append(s.px, qa), append(s.py, qb)
					}
				}
				if len(s.task) < DefaultMinShared {
					continue
				}
				cells = append(cells, s)
				out.PerTemplate = append(out.PerTemplate, TemplateCorrelation{Template: key, A: models[i].Model, B: models[j].Model,
					Pearson: stat.Correlation(s.x, s.y, nil), Shared: len(s.task)})
			}
			out.Templates[i][j], out.Templates[j][i] = len(cells), len(cells)
			if len(cells) == 0 {
				return nil, fmt.Errorf("robustness: compare models: %s and %s share no template (with at least %d tasks); give their parts the same templates", models[i].Model, models[j].Model, DefaultMinShared)
			}
			if planted {
				var sum, measured float64
				for _, c := range cells {
					r := stat.Correlation(c.px, c.py, nil)
					sum, measured = sum+r, measured+r*math.Sqrt(c.rel)
				}
				out.Planted[i][j] = sum / float64(len(cells))
				out.Planted[j][i] = out.Planted[i][j]
				out.PlantedMeasured[i][j] = measured / float64(len(cells))
				out.PlantedMeasured[j][i] = out.PlantedMeasured[i][j]
			}
			mean := func(weight func(task int) float64) float64 {
				var sum float64
				var w []float64
				for _, c := range cells {
					w = w[:0]
					for _, t := range c.task {
						w = append(w, weight(t))
					}
					sum += stat.Correlation(c.x, c.y, w)
				}
				return sum / float64(len(cells))
			}
			out.Mean[i][j] = mean(func(int) float64 { return 1 })
			count := make([]float64, len(tasks))
			bs, err := stats.Bootstrap(len(tasks), o, func(draw []int) float64 {
				clear(count)
				for _, d := range draw {
					count[d]++
				}
				return mean(func(t int) float64 { return count[t] })
			})
			if err != nil {
				return nil, fmt.Errorf("robustness: compare models %s and %s: %w", models[i].Model, models[j].Model, err)
			}
			out.Mean[j][i] = out.Mean[i][j]
			out.CI[i][j], out.CI[j][i] = bs.Interval, bs.Interval
		}
	}
	return out, nil
}

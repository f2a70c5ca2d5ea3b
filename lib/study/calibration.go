package study

import (
	"context"
	"fmt"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/robustness"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
	"github.com/prefscope/prefscope/lib/utility"
)

// CalibrationDesign is the design of the replicate studies with which
// robustness.Calibrate checks standard errors: small studies of the
// simulated respondent that differ only in its seed. The zero value of each
// field selects the documented default.
type CalibrationDesign struct {
	// Seed: replicate r's respondent has seed Seed+r+1, a new planted
	// truth each time. With FixedTruth every replicate has seed Seed+1 and
	// they differ only in the seeds of the calls (the same respondent
	// answering again), which leaves out the spread over tasks' planted
	// perturbations.
	Seed       int64
	FixedTruth bool
	// Profile is the respondent's sensitivity profile (synth.Profiles);
	// empty is the default one.
	Profile string
	// Runs is the number of templates per study, drawn once by the
	// balanced sampler with TemplateSeed (default 24 and 7, as the default
	// study's robustness part).
	Runs         int
	TemplateSeed int64
	// Tasks is the number of tasks per run, drawn once from the default
	// task set with TaskSeed; every pair of them is measured Samples times
	// at temperature 1. Defaults 30 and 1.
	Tasks    int
	TaskSeed uint64
	Samples  int
	// Concurrency of the measurement engine; 0 means 4.
	Concurrency int
}

func (d CalibrationDesign) withDefaults() CalibrationDesign {
	def := func(x *int, v int) {
		if *x <= 0 {
			*x = v
		}
	}
	def(&d.Runs, 24)
	def(&d.Tasks, 30)
	def(&d.Samples, 1)
	def(&d.Concurrency, 4)
	if d.TemplateSeed == 0 {
		d.TemplateSeed = 7
	}
	return d
}

// Settings names everything a replicate depends on besides its number, for
// robustness.CalibrationOptions.Settings. "planted v2": planted
// correlations from the runs' planted utilities with the position bias's
// shift (PlantedRunUtilities); the respondent's version (synth.Version),
// so a replicate an older simulator measured is measured again.
func (d CalibrationDesign) Settings() string {
	d = d.withDefaults()
	return fmt.Sprintf("seed %d fixed %v profile %q runs %d tseed %d tasks %d taskseed %d samples %d planted v2 respondent %s",
		d.Seed, d.FixedTruth, d.Profile, d.Runs, d.TemplateSeed, d.Tasks, d.TaskSeed, d.Samples, synth.Version)
}

// Options returns robustness.Calibrate's options for this design, with
// replicates, bootstrap resamples, directory and progress from o.
func (d CalibrationDesign) Options(o robustness.CalibrationOptions) *robustness.CalibrationOptions {
	o.Replicate, o.Settings = d.Replicate, d.Settings()
	return &o
}

// Replicate measures replicate study r in dir with the measurement engine,
// fits each run (utility.FitRun, written next to it), and returns the runs
// as robustness.FromStore reads them with each run's planted utilities
// (PlantedRunUtilities): a robustness.ReplicateFunc.
func (d CalibrationDesign) Replicate(ctx context.Context, r int, dir string) ([]robustness.RunUtilities, robustness.Planted, error) {
	d = d.withDefaults()
	all, err := task.Default()
	if err != nil {
		return nil, nil, fmt.Errorf("study: calibration: %w", err)
	}
	tasks, err := task.Sample(all, task.SampleOptions{N: d.Tasks, Seed: d.TaskSeed})
	if err != nil {
		return nil, nil, fmt.Errorf("study: calibration: %w", err)
	}
	cat, err := template.DefaultCatalog()
	if err != nil {
		return nil, nil, fmt.Errorf("study: calibration: %w", err)
	}
	tpls := template.SampleBalanced(cat.Generate(template.PreRevealed, ""), d.Runs, d.TemplateSeed)
	seed, callSeed := d.Seed+1, 1_000_003*int64(r+1)
	if !d.FixedTruth {
		seed, callSeed = d.Seed+int64(r)+1, 1_000_003
	}
	sm, err := synth.New(synth.Options{Seed: seed, Tasks: all, Catalog: cat, Profile: d.Profile})
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]task.Task{}
	var ids []string
	for _, t := range tasks {
		byID[t.ID] = t
		ids = append(ids, t.ID)
	}
	var pairs [][2]string
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			pairs = append(pairs, [2]string{min(ids[i], ids[j]), max(ids[i], ids[j])})
		}
	}
	eng := &measure.Engine{Model: sm, Catalog: cat, Tasks: byID, Concurrency: d.Concurrency}
	var stored []*measure.Run
	planted := robustness.Planted{}
	for ti, tpl := range tpls {
		cfg := measure.RunConfig{Study: "calibration", Part: "robustness", Model: model.Spec{Kind: "synth", Seed: seed, Name: d.Profile}, Respondent: synth.Version,
			Template: tpl, Tasks: ids, Pairs: pairs, Samples: d.Samples, Temperature: 1, Seed: callSeed + int64(ti)}
		sum, err := eng.Run(ctx, layout.Runs(dir), cfg)
		if err != nil {
			return nil, nil, err
		}
		run, err := measure.ReadRun(sum.Dir)
		if err != nil {
			return nil, nil, err
		}
		u, counts, err := utility.FitRun(run, nil)
		if err != nil {
			return nil, nil, err
		}
		if err := utility.WriteRunFit(run.Dir, u, counts); err != nil {
			return nil, nil, err
		}
		stored = append(stored, run)
		if planted[run.File.ID], err = PlantedRunUtilities(sm.Truth(), run); err != nil {
			return nil, nil, err
		}
	}
	runs, err := robustness.FromStore(stored)
	return runs, planted, err
}

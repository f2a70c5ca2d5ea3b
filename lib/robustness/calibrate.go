package robustness

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"gonum.org/v1/gonum/stat"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/progress"
	"github.com/prefscope/prefscope/lib/repo"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
	"github.com/prefscope/prefscope/lib/utility"
)

// The kinds of standard error Calibrate compares.
const (
	KindOLS       = "OLS"
	KindDyadic    = "dyadic-robust"
	KindBootstrap = "run bootstrap"
	KindTasks     = "task bootstrap"
)

// Kinds lists the standard-error kinds in display order.
var Kinds = []string{KindOLS, KindDyadic, KindBootstrap, KindTasks}

// CalibrationOptions are the settings of Calibrate: replicate small
// studies of the simulated respondent that differ only in its seed. The
// zero value of each field selects the documented default.
type CalibrationOptions struct {
	// Replicates is the number of studies. Default 20.
	Replicates int
	// Seed: replicate r's respondent has seed Seed+r+1, a new planted
	// truth each time. With FixedTruth every replicate has seed Seed+1 and
	// they differ only in the seeds of the calls (the same respondent
	// answering again), which leaves out the spread over tasks' planted
	// perturbations.
	Seed       int64
	FixedTruth bool
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
	// Bootstrap is the number of run-bootstrap resamples per study.
	// Default 200.
	Bootstrap int
	// Dir keeps each finished replicate's result (Dir/rep-NN.json; its runs
	// are removed once it is done), so an interrupted calibration resumes
	// where it stopped; empty uses a temporary directory removed at the end.
	Dir string
	// Concurrency of the measurement engine; 0 means 4.
	Concurrency int
	// Progress draws one bar over the replicates (rate and ETA); nil shows
	// nothing. Replicates read back from Dir count at once.
	Progress progress.Bars
}

func (o *CalibrationOptions) withDefaults() CalibrationOptions {
	c := CalibrationOptions{}
	if o != nil {
		c = *o
	}
	def := func(x *int, d int) {
		if *x <= 0 {
			*x = d
		}
	}
	def(&c.Replicates, 20)
	def(&c.Runs, 24)
	def(&c.Tasks, 30)
	def(&c.Samples, 1)
	def(&c.Bootstrap, 200)
	def(&c.Concurrency, 4)
	if c.TemplateSeed == 0 {
		c.TemplateSeed = 7
	}
	return c
}

// Calibration compares, per regression term, the spread of the estimated
// β across replicate studies with the mean standard error each kind
// reported.
type Calibration struct {
	Terms []string
	// Planted is the mean over replicates of the planted β: the regression
	// on the runs' planted correlations (synth.Truth.ExpectedCorrelation).
	Planted []float64
	// Beta[r][j] and SE[kind][r][j] are replicate r's estimate and
	// standard errors.
	Beta [][]float64
	SE   map[string][][]float64
	// SD[j] is the standard deviation of β_j across replicates, MeanBeta[j]
	// its mean; MeanSE[kind][j] the mean reported SE and Ratio[kind][j] =
	// SD[j] / MeanSE[kind][j] (1 for a calibrated kind).
	SD, MeanBeta []float64
	MeanSE       map[string][]float64
	Ratio        map[string][]float64
	// Pairs and Runs per replicate study.
	Pairs, Runs int
}

// Calibrate runs the replicate studies (respondent, measurement engine,
// Thurstonian fit per run, sensitivity regression) and compares standard
// errors with the spread of estimates. The template design and tasks are
// the same in every replicate, so the spread is conditional on the design,
// as the standard errors are.
func Calibrate(ctx context.Context, o *CalibrationOptions) (*Calibration, error) {
	opt := o.withDefaults()
	all, err := task.Default()
	if err != nil {
		return nil, fmt.Errorf("robustness: calibrate: %w", err)
	}
	tasks, err := task.Sample(all, task.SampleOptions{N: opt.Tasks, Seed: opt.TaskSeed})
	if err != nil {
		return nil, fmt.Errorf("robustness: calibrate: %w", err)
	}
	cat, err := template.DefaultCatalog()
	if err != nil {
		return nil, fmt.Errorf("robustness: calibrate: %w", err)
	}
	tpls := template.SampleBalanced(cat.Generate(template.PreRevealed, ""), opt.Runs, opt.TemplateSeed)
	dir := opt.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "prefscope-calibration-"); err != nil {
			return nil, fmt.Errorf("robustness: calibrate: %w", err)
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("robustness: calibrate: %w", err)
	}
	cal := &Calibration{SE: map[string][][]float64{}}
	bar := progress.Start(opt.Progress, "calibration replicate studies", opt.Replicates)
	defer bar.Finish()
	for r := range opt.Replicates {
		rep, err := cachedReplicate(ctx, opt, r, all, tasks, cat, tpls, dir)
		if err != nil {
			return nil, fmt.Errorf("robustness: calibrate: replicate %d: %w", r, err)
		}
		if cal.Terms == nil {
			cal.Terms, cal.Planted = rep.Terms, make([]float64, len(rep.Terms))
			cal.Pairs, cal.Runs = rep.Pairs, rep.Runs
		}
		if !slices.Equal(rep.Terms, cal.Terms) {
			return nil, fmt.Errorf("robustness: calibrate: replicate %d has terms %v, the first had %v", r, rep.Terms, cal.Terms)
		}
		cal.Beta = append(cal.Beta, rep.Beta)
		for _, k := range Kinds {
			cal.SE[k] = append(cal.SE[k], rep.SE[k])
		}
		for j, b := range rep.Planted {
			cal.Planted[j] += b / float64(opt.Replicates)
		}
		bar.Add(1)
	}
	cal.summarize()
	return cal, nil
}

// replicateResult is what one replicate study contributes; with
// CalibrationOptions.Dir it is kept as rep-NN.json, with the settings that
// produced it, so that a resumed calibration skips finished replicates.
type replicateResult struct {
	Settings    string               `json:"settings"`
	Terms       []string             `json:"terms"`
	Beta        []float64            `json:"beta"`
	SE          map[string][]float64 `json:"se"`
	Planted     []float64            `json:"planted"`
	Pairs, Runs int
}

// settingsKey names everything a replicate's result depends on.
func (o CalibrationOptions) settingsKey(r int) string {
	return fmt.Sprintf("replicate %d seed %d fixed %v runs %d tseed %d tasks %d taskseed %d samples %d bootstrap %d",
		r, o.Seed, o.FixedTruth, o.Runs, o.TemplateSeed, o.Tasks, o.TaskSeed, o.Samples, o.Bootstrap)
}

// cachedReplicate returns replicate r from dir/rep-NN.json when it was made
// with the same settings, and otherwise measures it in dir/rep-NN/ (which
// the engine resumes if interrupted), saves the result and removes the runs.
func cachedReplicate(ctx context.Context, opt CalibrationOptions, r int, all, tasks []task.Task, cat *template.Catalog, tpls []template.Template, dir string) (*replicateResult, error) {
	path := filepath.Join(dir, fmt.Sprintf("rep-%02d.json", r))
	if b, err := os.ReadFile(path); err == nil {
		var rep replicateResult
		if err := json.Unmarshal(b, &rep); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if rep.Settings == opt.settingsKey(r) {
			return &rep, nil
		}
	}
	runsDir := filepath.Join(dir, fmt.Sprintf("rep-%02d", r))
	rep, err := replicate(ctx, opt, r, all, tasks, cat, tpls, runsDir)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return nil, fmt.Errorf("encoding replicate %d: %w", r, err)
	}
	if err := repo.WriteFileAtomic(path, b, 0o644); err != nil {
		return nil, err
	}
	return rep, os.RemoveAll(runsDir)
}

func replicate(ctx context.Context, opt CalibrationOptions, r int, all, tasks []task.Task, cat *template.Catalog, tpls []template.Template, dir string) (*replicateResult, error) {
	seed, callSeed := opt.Seed+1, 1_000_003*int64(r+1)
	if !opt.FixedTruth {
		seed, callSeed = opt.Seed+int64(r)+1, 1_000_003
	}
	sm, err := synth.New(synth.Options{Seed: seed, Tasks: all, Catalog: cat})
	if err != nil {
		return nil, err
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
	eng := &measure.Engine{Model: sm, Catalog: cat, Tasks: byID, Concurrency: opt.Concurrency}
	var stored []*measure.Run
	ctxs := map[string]synth.Context{}
	for ti, tpl := range tpls {
		cfg := measure.RunConfig{Study: "calibration", Part: "robustness", Model: model.Spec{Kind: "synth", Seed: seed},
			Template: tpl, Tasks: ids, Pairs: pairs, Samples: opt.Samples, Temperature: 1, Seed: callSeed + int64(ti)}
		sum, err := eng.Run(ctx, layout.Runs(dir), cfg)
		if err != nil {
			return nil, err
		}
		run, err := measure.ReadRun(sum.Dir)
		if err != nil {
			return nil, err
		}
		u, counts, err := utility.FitRun(run, nil)
		if err != nil {
			return nil, err
		}
		if err := utility.WriteRunFit(run.Dir, u, counts); err != nil {
			return nil, err
		}
		stored = append(stored, run)
		ctxs[run.File.ID] = synth.ContextOf(tpl)
	}
	// From here on exactly what a notebook does with a stored study.
	runs, err := FromStore(stored)
	if err != nil {
		return nil, err
	}
	as, err := Assess(runs, 0, &BootstrapOptions{Replicates: opt.Bootstrap, Seed: uint64(r)})
	if err != nil {
		return nil, err
	}
	c, err := Correlate(runs, 0)
	if err != nil {
		return nil, err
	}
	pc := &Correlations{Fields: c.Fields, Pairs: append([]PairCorrelation(nil), c.Pairs...)}
	for i := range pc.Pairs {
		pc.Pairs[i].Pearson = sm.Truth().ExpectedCorrelation(ctxs[pc.Pairs[i].A], ctxs[pc.Pairs[i].B])
	}
	planted, err := MinNormLeastSquares(design(pc.Pairs, len(pc.Fields)))
	if err != nil {
		return nil, err
	}
	reg := as.Regression
	return &replicateResult{Settings: opt.settingsKey(r), Terms: reg.Terms, Beta: reg.Beta, Planted: planted.Beta, Pairs: reg.N, Runs: reg.Runs,
		SE: map[string][]float64{KindOLS: reg.SE, KindDyadic: reg.RobustSE, KindBootstrap: as.Run.SE, KindTasks: as.Task.SE}}, nil
}

func (c *Calibration) summarize() {
	p := len(c.Terms)
	c.SD, c.MeanBeta = make([]float64, p), make([]float64, p)
	c.MeanSE, c.Ratio = map[string][]float64{}, map[string][]float64{}
	col := make([]float64, len(c.Beta))
	for j := range p {
		for r := range c.Beta {
			col[r] = c.Beta[r][j]
		}
		c.MeanBeta[j], c.SD[j] = stat.MeanStdDev(col, nil)
	}
	for _, k := range Kinds {
		c.MeanSE[k], c.Ratio[k] = make([]float64, p), make([]float64, p)
		for j := range p {
			var s float64
			for r := range c.SE[k] {
				s += c.SE[k][r][j]
			}
			c.MeanSE[k][j] = s / float64(len(c.SE[k]))
			c.Ratio[k][j] = c.SD[j] / c.MeanSE[k][j]
			if math.IsInf(c.Ratio[k][j], 0) {
				c.Ratio[k][j] = math.NaN()
			}
		}
	}
}

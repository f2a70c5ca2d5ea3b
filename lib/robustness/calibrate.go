package robustness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"gonum.org/v1/gonum/stat"

	"github.com/prefscope/prefscope/lib/progress"
	"github.com/prefscope/prefscope/lib/repo"
	"github.com/prefscope/prefscope/lib/stats"
)

// The kinds of standard error Calibrate compares.
const (
	SEOLS           = "OLS"
	SEDyadic        = "dyadic-robust"
	SERunBootstrap  = "run bootstrap"
	SETaskBootstrap = "task bootstrap"
)

// SEMethods lists the standard-error kinds in display order.
var SEMethods = []string{SEOLS, SEDyadic, SERunBootstrap, SETaskBootstrap}

// ReplicateFunc measures replicate study r in dir (an empty directory it
// may fill; Calibrate removes it once the replicate is done) and returns its
// runs as FromStore gives them (fitted utilities and template fields) and,
// as plain numbers, what each run's respondent planted. lib/study's
// CalibrationDesign.Replicate builds them on the simulated respondent.
type ReplicateFunc func(ctx context.Context, r int, dir string) ([]RunUtilities, Planted, error)

// CalibrationOptions are the settings of Calibrate. The zero value of each
// numeric field selects the documented default; Replicate is required.
type CalibrationOptions struct {
	// Replicates is the number of studies. Default 20.
	Replicates int
	// Bootstrap is the number of run- and task-bootstrap resamples per
	// study. Default 200.
	Bootstrap int
	// Replicate builds replicate study r.
	Replicate ReplicateFunc
	// Settings names everything the replicates depend on besides their
	// number (design, respondent, seeds): a replicate kept in Dir under other
	// settings is measured again.
	Settings string
	// Dir keeps each finished replicate's result (Dir/rep-NN.json), so an
	// interrupted calibration resumes where it stopped; empty uses a
	// temporary directory removed at the end.
	Dir string
	// Progress draws one bar over the replicates (rate and ETA); nil shows
	// nothing. Replicates read back from Dir count at once.
	Progress progress.Bars
}

func (o *CalibrationOptions) withDefaults() CalibrationOptions {
	c := CalibrationOptions{}
	if o != nil {
		c = *o
	}
	if c.Replicates <= 0 {
		c.Replicates = 20
	}
	if c.Bootstrap <= 0 {
		c.Bootstrap = 200
	}
	return c
}

// Calibration compares, per regression term, the spread of the estimated
// β across replicate studies with the mean standard error each kind
// reported.
type Calibration struct {
	Terms []string
	// Planted is the mean over replicates of the planted β: the regression
	// on the runs' planted correlations (PlantedCorrelations).
	// PlantedMeasured is the same attenuated by each run's reliability
	// (Sensitivity.PlantedMeasured), the value the estimate targets.
	Planted, PlantedMeasured []float64
	// Coverage[j] is the share of replicates whose 95% task-bootstrap
	// interval of β_j contains that replicate's PlantedMeasured β_j (0.95
	// for calibrated intervals).
	Coverage []float64
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

// Calibrate runs the replicate studies (through opts.Replicate), fits the
// sensitivity regression with every kind of standard error on each, and
// compares the standard errors with the spread of the estimates. When the
// replicates share their template design and tasks, the spread is
// conditional on the design, as the standard errors are.
func Calibrate(ctx context.Context, o *CalibrationOptions) (*Calibration, error) {
	opt := o.withDefaults()
	if opt.Replicate == nil {
		return nil, errors.New("robustness: calibrate: no Replicate function (lib/study's CalibrationDesign.Replicate builds replicates on the simulated respondent)")
	}
	dir := opt.Dir
	if dir == "" {
		var err error
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
		rep, err := cachedReplicate(ctx, opt, r, dir)
		if err != nil {
			return nil, fmt.Errorf("robustness: calibrate: replicate %d: %w", r, err)
		}
		if cal.Terms == nil {
			p := len(rep.Terms)
			cal.Terms, cal.Planted, cal.PlantedMeasured, cal.Coverage = rep.Terms, make([]float64, p), make([]float64, p), make([]float64, p)
			cal.Pairs, cal.Runs = rep.Pairs, rep.Runs
		}
		if !slices.Equal(rep.Terms, cal.Terms) {
			return nil, fmt.Errorf("robustness: calibrate: replicate %d has terms %v, the first had %v", r, rep.Terms, cal.Terms)
		}
		cal.Beta = append(cal.Beta, rep.Beta)
		for _, k := range SEMethods {
			cal.SE[k] = append(cal.SE[k], rep.SE[k])
		}
		for j, b := range rep.Planted {
			cal.Planted[j] += b / float64(opt.Replicates)
			cal.PlantedMeasured[j] += rep.PlantedMeasured[j] / float64(opt.Replicates)
			if rep.TaskCovers[j] {
				cal.Coverage[j] += 1 / float64(opt.Replicates)
			}
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
	Settings string               `json:"settings"`
	Terms    []string             `json:"terms"`
	Beta     []float64            `json:"beta"`
	SE       map[string][]float64 `json:"se"`
	Planted  []float64            `json:"planted"`
	// PlantedMeasured is Planted at the runs' reliability; TaskCovers[j]
	// says whether the task-bootstrap interval of β_j contains it.
	PlantedMeasured []float64 `json:"planted_measured"`
	TaskCovers      []bool    `json:"task_covers"`
	Pairs, Runs     int
}

// settingsKey names everything a replicate's result depends on.
func (o CalibrationOptions) settingsKey(r int) string {
	// "v2": results since replicates record the measured-scale planted β.
	return fmt.Sprintf("v2 replicate %d %s bootstrap %d", r, o.Settings, o.Bootstrap)
}

// cachedReplicate returns replicate r from dir/rep-NN.json when it was made
// with the same settings, and otherwise measures it in dir/rep-NN/ (which
// a resumable Replicate picks up if interrupted), saves the result and
// removes the replicate's directory.
func cachedReplicate(ctx context.Context, opt CalibrationOptions, r int, dir string) (*replicateResult, error) {
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
	repDir := filepath.Join(dir, fmt.Sprintf("rep-%02d", r))
	runs, planted, err := opt.Replicate(ctx, r, repDir)
	if err != nil {
		return nil, err
	}
	rep, err := assessReplicate(runs, planted, opt.Bootstrap, uint64(r))
	if err != nil {
		return nil, err
	}
	rep.Settings = opt.settingsKey(r)
	b, err := json.Marshal(rep)
	if err != nil {
		return nil, fmt.Errorf("encoding replicate %d: %w", r, err)
	}
	if err := repo.WriteFileAtomic(path, b, 0o644); err != nil {
		return nil, err
	}
	return rep, os.RemoveAll(repDir)
}

// assessReplicate is what a notebook does with one stored study: the
// regression with every kind of standard error, and the regression on the
// planted correlations.
func assessReplicate(runs []RunUtilities, planted Planted, bootstrap int, seed uint64) (*replicateResult, error) {
	as, err := Assess(runs, 0, &stats.BootstrapOptions{Replicates: bootstrap, Seed: seed})
	if err != nil {
		return nil, err
	}
	c, err := Correlate(runs, 0)
	if err != nil {
		return nil, err
	}
	pc, err := c.PlantedCorrelations(planted)
	if err != nil {
		return nil, err
	}
	pr, err := MinNormLeastSquares(design(pc.Pairs, len(pc.Fields)))
	if err != nil {
		return nil, err
	}
	rel, err := Reliabilities(runs, planted)
	if err != nil {
		return nil, err
	}
	attenuated, err := pc.Attenuate(rel)
	if err != nil {
		return nil, err
	}
	pm, err := MinNormLeastSquares(design(attenuated.Pairs, len(attenuated.Fields)))
	if err != nil {
		return nil, err
	}
	covers := make([]bool, len(pm.Beta))
	for j, b := range pm.Beta {
		covers[j] = as.Task.Beta[j].Contains(b)
	}
	reg := as.Regression
	return &replicateResult{Terms: reg.Terms, Beta: reg.Beta, Planted: pr.Beta, PlantedMeasured: pm.Beta, TaskCovers: covers, Pairs: reg.N, Runs: reg.Runs,
		SE: map[string][]float64{SEOLS: reg.SE, SEDyadic: reg.RobustSE, SERunBootstrap: as.Run.SE, SETaskBootstrap: as.Task.SE}}, nil
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
	for _, k := range SEMethods {
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

package utility

import (
	"bytes"
	"context"
	"fmt"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/repo"
	"github.com/prefscope/prefscope/lib/template"
)

// RunCounts tallies a run's records by what they say about preference.
type RunCounts struct {
	// Choices parsed to a winner; Refusals and Unparseable carry no
	// preference and are not fitted, but are counted, never dropped.
	Choices, Refusals, Unparseable int
	// Source names the run's records the counts (and a fit on them) come
	// from; WriteRunFit stores it in fit.yaml as fitted_on.
	Source measure.StoreDigest `yaml:"-"`
}

// FromRun pools a revealed-preference run's choices into comparison data
// over the run's tasks (both display orders pooled, one win per choice).
func FromRun(r *measure.Run) (*Data, RunCounts, error) {
	c := RunCounts{Source: r.Store}
	ids := append([]string(nil), r.File.Config.Tasks...)
	sort.Strings(ids)
	d, err := NewDataIDs(ids)
	if err != nil {
		return nil, c, fmt.Errorf("utility: run %s: %w", r.File.ID, err)
	}
	for _, rec := range r.Records {
		if rec.TaskB == "" {
			return nil, c, fmt.Errorf("utility: run %s: record %s is not a pairwise choice", r.File.ID, rec.Key)
		}
		switch rec.Outcome {
		case template.OutcomeChoice:
			if err := d.AddID(rec.Winner, rec.Loser(), 1, 0); err != nil {
				return nil, c, fmt.Errorf("utility: run %s record %s: %w", r.File.ID, rec.Key, err)
			}
			c.Choices++
		case template.OutcomeRefusal:
			c.Refusals++
		default:
			c.Unparseable++
		}
	}
	return d, c, nil
}

// SamplesFromRun lists a run's choices one by one (for Replay), in record
// order, with task indices into the run's sorted task IDs.
func SamplesFromRun(r *measure.Run) (ids []string, samples []Comparison, err error) {
	ids = append([]string(nil), r.File.Config.Tasks...)
	sort.Strings(ids)
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	for _, rec := range r.Records {
		if rec.Outcome != template.OutcomeChoice {
			continue
		}
		a, okA := index[rec.TaskA]
		b, okB := index[rec.TaskB]
		if !okA || !okB {
			return nil, nil, fmt.Errorf("utility: run %s record %s: task not in the run's task list", r.File.ID, rec.Key)
		}
		win := 0.0
		if rec.Winner == rec.TaskA {
			win = 1
		}
		samples = append(samples, Comparison{A: a, B: b, WinsA: win})
	}
	return ids, samples, nil
}

// FitRun fits a revealed run (see FromRun and Fit).
func FitRun(r *measure.Run, opts *FitOptions) (*Utilities, RunCounts, error) {
	d, c, err := FromRun(r)
	if err != nil {
		return nil, c, err
	}
	u, err := Fit(d, opts)
	if err != nil {
		return nil, c, fmt.Errorf("utility: run %s: %w", r.File.ID, err)
	}
	return u, c, nil
}

// RunActive is live active learning: it drives the measurement engine
// batch by batch with the strategy's queries, over base's tasks (base's
// Pairs are ignored). Batch b is stored as its own run, part
// "<base.Part>-b<b>", with its own seed, so a killed active-learning run
// resumes like any run: the strategy is deterministic given the data, the
// finished batches are read back from the store, and only unfinished calls
// are made again. A pair asked twice in one batch goes into a second run of
// that batch ("-b<b>r1"), since a run holds each pair once.
func RunActive(ctx context.Context, eng *measure.Engine, runsDir string, base measure.RunConfig, s Strategy, o *ActiveOptions) (*Utilities, []measure.Summary, error) {
	ids := append([]string(nil), base.Tasks...)
	sort.Strings(ids)
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	run, err := NewActiveRun(len(ids), s, o)
	if err != nil {
		return nil, nil, err
	}
	var sums []measure.Summary
	for b := 0; ; b++ {
		batch, err := run.Next()
		if err != nil {
			return nil, sums, err
		}
		if len(batch) == 0 {
			break
		}
		// Layer the batch: the k-th time a pair appears goes to layer k.
		var layers [][][2]string
		seen := map[[2]string]int{}
		for _, q := range batch {
			a, bb := ids[q.I], ids[q.J]
			if a > bb {
				a, bb = bb, a
			}
			k := seen[[2]string{a, bb}]
			seen[[2]string{a, bb}]++
			if k == len(layers) {
				layers = append(layers, nil)
			}
			layers[k] = append(layers[k], [2]string{a, bb})
		}
		for k, pairs := range layers {
			cfg := base
			cfg.Part = fmt.Sprintf("%s-b%03d", base.Part, b)
			if k > 0 {
				cfg.Part += fmt.Sprintf("r%d", k)
			}
			cfg.Pairs = pairs
			cfg.Tasks = ids
			// A new seed per batch and layer, so a pair asked again is a
			// fresh sample rather than a replay of the same call.
			cfg.Seed = base.Seed*1_000_003 + int64(b)*101 + int64(k)
			sum, err := eng.Run(ctx, runsDir, cfg)
			sums = append(sums, sum)
			if err != nil {
				return nil, sums, err
			}
			if sum.Failed > 0 {
				// Continuing would fit on data that a resume would complete
				// differently, so the strategy's later batches would diverge.
				return nil, sums, fmt.Errorf("utility: active run %s: %d calls failed; resume to retry them before the next batch", cfg.Part, sum.Failed)
			}
			stored, err := measure.ReadRun(sum.Dir)
			if err != nil {
				return nil, sums, err
			}
			for _, rec := range stored.Records {
				if rec.Outcome != template.OutcomeChoice {
					continue
				}
				if err := run.Add(index[rec.Winner], index[rec.Loser()], 1, 0); err != nil {
					return nil, sums, err
				}
			}
		}
	}
	u, err := run.Result()
	if err != nil {
		return nil, sums, err
	}
	u.IDs = ids
	return u, sums, nil
}

// FitFile is a run's fit.yaml: how utilities.csv was fitted.
type FitFile struct {
	Options     FitOptions `yaml:"options"`
	Counts      RunCounts  `yaml:"counts"`
	Comparisons float64    `yaml:"comparisons"`
	NegLogLik   float64    `yaml:"neg_log_lik"`
	Iterations  int        `yaml:"iterations"`
	Status      string     `yaml:"status"`
	MuPriorSD   float64    `yaml:"mu_prior_sd"`
	// FittedOn names the records of measurements.jsonl the fit used (absent
	// for a fit that is not of one stored run, an active learner's);
	// UtilitiesSHA256 is the digest of the utilities.csv written with it.
	// ReadRunUtilities checks both, so a stale or mismatched fit is never
	// read silently.
	FittedOn        *measure.StoreDigest `yaml:"fitted_on,omitempty"`
	UtilitiesSHA256 string               `yaml:"utilities_sha256,omitempty"`
}

// WriteRunFit stores a fit next to its run: utilities.csv (task_id, mu,
// sigma) and fit.yaml (the options, what the fit saw, c.Source as the
// records it was fitted on, the digest of utilities.csv), each written to
// a temporary file and renamed into place, fit.yaml last.
func WriteRunFit(runDir string, u *Utilities, c RunCounts) error {
	var buf bytes.Buffer
	if err := u.WriteCSV(&buf); err != nil {
		return err
	}
	if err := writeAtomic(layout.Utilities(runDir), buf.Bytes()); err != nil {
		return err
	}
	ff := FitFile{Options: u.Options, Counts: c, Comparisons: u.Comparisons, NegLogLik: u.NegLogLik, Iterations: u.Iterations, Status: u.Status, MuPriorSD: u.MuPriorSD,
		UtilitiesSHA256: sha256Hex(buf.Bytes())}
	if c.Source != (measure.StoreDigest{}) {
		src := c.Source
		ff.FittedOn = &src
	}
	b, err := yaml.Marshal(ff)
	if err != nil {
		return fmt.Errorf("utility: fit.yaml: %w", err)
	}
	return writeAtomic(layout.Fit(runDir), b)
}

// ReadRunUtilities reads a run's utilities.csv as task id -> mu, after
// checking with fit.yaml that the fit is current (CheckRunFit): a fit made
// on fewer or other records than the run now holds is an error naming the
// run, never used silently.
func ReadRunUtilities(runDir string) (map[string]float64, error) {
	path := layout.Utilities(runDir)
	data, err := CheckRunFit(runDir)
	if err != nil {
		return nil, err
	}
	ids, mu, _, err := ReadCSV(bytes.NewReader(data), path)
	if err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(ids))
	for i, id := range ids {
		out[id] = mu[i]
	}
	return out, nil
}

func writeAtomic(path string, b []byte) error {
	if err := repo.WriteFileAtomic(path, b, 0o644); err != nil {
		return fmt.Errorf("utility: %w", err)
	}
	return nil
}

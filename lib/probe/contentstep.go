package probe

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/prefscope/prefscope/lib/task"
)

// ContentResult is the activation probe against the content baseline per
// target and design.
type ContentResult struct {
	// Probe[design][target] and Words[design][target] for the designs "CV
	// within origins" (5-fold CV, activations or words and target demeaned
	// by origin), "new origin" and "new topic" (held out by group).
	Targets []string
	Designs []string
	Probe   [][]Scores
	Words   [][]Scores
}

// ContentBaseline runs the activation probe (layer, fixed α) and the same
// ridge on the tasks' text features (α by its own CV) for each target in
// three designs: 5-fold CV with features and target demeaned by origin (what
// is left inside an origin, where the planted text share is defined), held
// out by origin, held out by topic (groups of 4+ tasks). A study with fewer
// than 2 such topics gets NaN scores for the last design, which Rows leaves
// out.
func ContentBaseline(src Source, layer int, alpha float64, targets map[string]map[string]float64, tasks []task.Task, opt *Options) (*ContentResult, error) {
	texts := map[string]string{}
	for _, t := range tasks {
		texts[t.ID] = t.Prompt
	}
	res := &ContentResult{Targets: slices.Sorted(maps.Keys(targets)), Designs: []string{"CV within origins", "new origin", "new topic"}}
	res.Probe, res.Words = make([][]Scores, 3), make([][]Scores, 3)
	for _, name := range res.Targets {
		ds, err := src.Dataset(layer, targets[name])
		if err != nil {
			return nil, err
		}
		words, err := ContentDataset(ds, texts, task.DefaultTextDim)
		if err != nil {
			return nil, err
		}
		topics, err := MetaGroups(ds, tasks, "topic")
		if err != nil {
			return nil, err
		}
		for k := range res.Designs {
			if k == 2 && GroupCount(topics, 4) < 2 {
				// No topics to hold out (tasks without a topic): NaN scores.
				nan := Scores{R2: math.NaN(), MSE: math.NaN(), Pearson: math.NaN(), R2MeanAdjusted: math.NaN(), VarY: math.NaN()}
				res.Probe[k], res.Words[k] = append(res.Probe[k], nan), append(res.Words[k], nan)
				continue
			}
			for j, d := range []*Dataset{ds, words} {
				o := opt.withDefaults()
				if j == 0 {
					o.Alphas = []float64{alpha}
				}
				switch k {
				case 0:
					o.DemeanByOrigin, o.DemeanTargetByOrigin = true, true
				case 1:
					o.ByOrigin = true
				case 2:
					o.Groups, o.MinGroup = topics, 4
				}
				sw, err := CrossValidate(d, &o)
				if err != nil {
					return nil, fmt.Errorf("probe: content baseline, %s, %s: %w", name, res.Designs[k], err)
				}
				s := meanScores(sw.Scores[sw.Best])
				if j == 0 {
					res.Probe[k] = append(res.Probe[k], s)
				} else {
					res.Words[k] = append(res.Words[k], s)
				}
			}
		}
	}
	return res, nil
}

// Rows is the comparison in a metric's natural design: R² under CV with
// origin-demeaned targets, the mean-adjusted R² and Pearson r held out.
func (c *ContentResult) Rows(metric string) []Comparison {
	designs := []int{0}
	if metric != "R²" {
		designs = []int{1, 2}
	}
	var out []Comparison
	for _, k := range designs {
		for t, name := range c.Targets {
			if math.IsNaN(c.Probe[k][t].R2) && math.IsNaN(c.Words[k][t].R2) {
				continue
			}
			out = append(out, Comparison{Label: name + ": " + c.Designs[k], Probe: c.Probe[k][t], Words: c.Words[k][t]})
		}
	}
	return out
}

// String tabulates the comparison and, with a planted text share, states
// it next to the baseline's R².
func (c *ContentResult) String(planted float64) string {
	var s strings.Builder
	for k, d := range c.Designs {
		for t, name := range c.Targets {
			p, w := c.Probe[k][t], c.Words[k][t]
			fmt.Fprintf(&s, "%-18s %-16s probe R² %6.3f adj %6.3f r %6.3f | words R² %6.3f adj %6.3f r %6.3f\n", d, name, p.R2, p.R2MeanAdjusted, p.Pearson, w.R2, w.R2MeanAdjusted, w.Pearson)
		}
	}
	if planted > 0 {
		fmt.Fprintf(&s, "planted text share of the within-origin utility variance: %.3f\n", planted)
	}
	return s.String()
}

// Summary is the content baseline's R² (CV within origins) and Pearson r
// held out by topic per target, for the report; NaN values are left out.
func (c *ContentResult) Summary() map[string]float64 {
	out := map[string]float64{}
	for t, name := range c.Targets {
		for k, v := range map[string]float64{
			"words_r2_" + name: c.Words[0][t].R2, "probe_r2_" + name: c.Probe[0][t].R2,
			"words_topic_r_" + name: c.Words[2][t].Pearson, "probe_topic_r_" + name: c.Probe[2][t].Pearson,
		} {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				out[k] = v
			}
		}
	}
	return out
}

// PairReport is the Bradley-Terry step's numbers.
type PairReport struct {
	Unit                  string
	Summary               []PairSummary
	Verdict               string
	CosineBT, CosineRidge []float64
	Ceiling               float64
}

func (r *PairReport) String() string {
	var s strings.Builder
	for k, p := range r.Summary {
		fmt.Fprintf(&s, "%3.0f%% of the %s (%4.0f pairs): BT %.3f [%.3f, %.3f], ridge on μ %.3f [%.3f, %.3f], BT − ridge %+.3f [%.3f, %.3f]",
			100*p.Fraction, r.Unit, p.TrainPairs, p.BT, p.BTCI.Low, p.BTCI.High, p.Ridge, p.RidgeCI.Low, p.RidgeCI.High, p.Difference, p.DiffCI.Low, p.DiffCI.High)
		if k < len(r.CosineBT) {
			fmt.Fprintf(&s, "; cosine with planted direction BT %.3f, ridge %.3f", r.CosineBT[k], r.CosineRidge[k])
		}
		s.WriteString("\n")
	}
	if r.Ceiling > 0 {
		fmt.Fprintf(&s, "planted utilities predict %.3f of all choices\n", r.Ceiling)
	}
	return s.String() + r.Verdict + "\n"
}

// PairAccuracyOf is the accuracy of per-task scores (a map by task id, such
// as planted utilities) on pairs of ds's rows.
func PairAccuracyOf(ds *Dataset, pairs *PairSet, score map[string]float64) float64 {
	s := make([]float64, ds.Rows())
	for i, id := range ds.TaskIDs {
		s[i] = score[id]
	}
	return PairAccuracy(s, pairs)
}

// Report summarises the comparison (without planted numbers).
func (c *PairComparison) Report() *PairReport {
	return &PairReport{Unit: c.Unit, Summary: c.Summary(), Verdict: c.Verdict()}
}

// AddPlanted adds the planted yardsticks: each probe's cosine with the
// planted direction dir, and the accuracy of the planted utilities
// (ceiling) on all pairs.
func (r *PairReport) AddPlanted(c *PairComparison, dir []float64, ceiling float64) error {
	var err error
	r.CosineBT, r.CosineRidge, err = c.CosinesWith(dir)
	r.Ceiling = ceiling
	return err
}

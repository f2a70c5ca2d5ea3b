package probe

import (
	"fmt"
	"strings"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/plot"
	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/task"
)

// MetaGroups labels each row of ds by its task's metadata value for key
// ("" when the task has none); the key "origin" is the task's Origin. A row
// whose task is unknown is an error.
func MetaGroups(ds *Dataset, tasks []task.Task, key string) ([]string, error) {
	meta := map[string]map[string]string{}
	for _, t := range tasks {
		meta[t.ID] = t.Meta
		if key == "origin" {
			meta[t.ID] = map[string]string{"origin": t.Origin}
		}
	}
	out := make([]string, ds.Rows())
	for i, id := range ds.TaskIDs {
		m, ok := meta[id]
		if !ok {
			return nil, fmt.Errorf("probe: task %s of the activations is not in the study's tasks", id)
		}
		out[i] = m[key]
	}
	return out, nil
}

// Verdict states the split-half cosines in numbers.
func (s *SplitHalf) Verdict() string {
	var parts []string
	for k, n := range s.Sizes {
		p := fmt.Sprintf("%d tasks: %.2f", n, s.Mean[k])
		if s.Skipped[k] > 0 {
			p += fmt.Sprintf(" (%d repetitions without target variance left out)", s.Skipped[k])
		}
		parts = append(parts, p)
	}
	return "Two probes on disjoint task sets with one true direction agree only this well (mean cosine) — " + strings.Join(parts, ", ") +
		": few tasks per group bias a cosine low, so a per-group cosine is read against the curve at its group's size."
}

// TargetRow is one layer's comparison of targets.
type TargetRow struct {
	Layer  int
	R2, SE []float64
	Cosine float64
}

// TargetsComparison is TargetsCompared's result.
type TargetsComparison struct {
	Rows    []TargetRow
	Figures []*plot.Figure `json:"-"`
}

// TargetsCompared sweeps two targets per layer: their CV R² and the cosine
// of their probes, with a figure of each.
func TargetsCompared(src Source, names []string, targets []map[string]float64, opt *Options) (*TargetsComparison, error) {
	if len(names) != 2 || len(targets) != 2 {
		return nil, fmt.Errorf("probe: targets compared: want 2 targets, have %d", len(targets))
	}
	out := &TargetsComparison{}
	series := []plot.BarSeries{{Name: "target: " + names[0]}, {Name: "target: " + names[1]}}
	cos := plot.BarSeries{}
	var cats []string
	for _, l := range src.Layers {
		row := TargetRow{Layer: l}
		var w [2][]float64
		for t, y := range targets {
			ds, err := src.Dataset(l, y)
			if err != nil {
				return nil, err
			}
			sw, err := CrossValidate(ds, opt)
			if err != nil {
				return nil, err
			}
			m, se := sw.Metric(sw.Best, R2Of)
			row.R2, row.SE = append(row.R2, m), append(row.SE, se)
			series[t].Values, series[t].Err = append(series[t].Values, m), append(series[t].Err, se)
			p, err := Fit(ds, sw.BestAlpha(), opt)
			if err != nil {
				return nil, err
			}
			w[t] = p.W
		}
		row.Cosine, _ = Cosine(w[0], w[1])
		cos.Values = append(cos.Values, row.Cosine)
		cats = append(cats, fmt.Sprintf("layer %d", l))
		out.Rows = append(out.Rows, row)
	}
	left, err := plot.Bars(cats, series, &plot.BarsOptions{Options: plot.Options{Title: "Held-out R² by target", YLabel: "mean CV R² (±1 SE over folds)"}})
	if err != nil {
		return nil, err
	}
	right, err := plot.Bars(cats, []plot.BarSeries{cos}, &plot.BarsOptions{Options: plot.Options{Title: names[0] + " probe vs " + names[1] + " probe: one direction?", YLabel: "cosine of the two probes' weights", YRange: [2]float64{0, 1}}})
	out.Figures = []*plot.Figure{left, right}
	return out, err
}

// PlantedCosine is the cosine of each target's probe with the planted
// direction per layer, raw and with activations demeaned by origin.
type PlantedCosine struct {
	Layers   []string
	Names    []string
	Raw      [][]float64 // [target][layer]
	Demeaned [][]float64
	Figure   *plot.Figure `json:"-"`
}

// PlantedCosines fits each target's probe per layer (α by CV), raw and
// origin-demeaned, and compares its weights with dirs[layer].
func PlantedCosines(src Source, names []string, targets []map[string]float64, dirs [][]float64, strength []float64, opt *Options) (*PlantedCosine, error) {
	pc := &PlantedCosine{Names: names, Raw: make([][]float64, len(names)), Demeaned: make([][]float64, len(names))}
	demeaned := opt.withDefaults()
	demeaned.DemeanByOrigin = true
	var series []plot.BarSeries
	for _, l := range src.Layers {
		if l >= len(dirs) || l >= len(strength) {
			return nil, fmt.Errorf("probe: no planted direction at layer %d", l)
		}
		pc.Layers = append(pc.Layers, fmt.Sprintf("layer %d (strength %.2f)", l, strength[l]))
		for t, y := range targets {
			ds, err := src.Dataset(l, y)
			if err != nil {
				return nil, err
			}
			for k, o := range []*Options{opt, &demeaned} {
				sw, err := CrossValidate(ds, o)
				if err != nil {
					return nil, err
				}
				p, err := Fit(ds, sw.BestAlpha(), o)
				if err != nil {
					return nil, err
				}
				c, err := Cosine(p.W, dirs[l])
				if err != nil {
					return nil, err
				}
				dst := [][][]float64{pc.Raw, pc.Demeaned}[k]
				dst[t] = append(dst[t], c)
			}
		}
	}
	for t, n := range names {
		series = append(series, plot.BarSeries{Name: n, Values: pc.Raw[t]})
	}
	for t, n := range names {
		series = append(series, plot.BarSeries{Name: n + ", origin-demeaned", Values: pc.Demeaned[t]})
	}
	var err error
	pc.Figure, err = plot.Bars(pc.Layers, series, &plot.BarsOptions{Options: plot.Options{Title: "Probe weights vs the planted direction, by target",
		YLabel: "cosine(probe w, planted direction)", XLabel: "layer (planted signal strength)", YRange: [2]float64{0, 1}, Width: 11 * 72}})
	return pc, err
}

func (pc *PlantedCosine) String() string {
	var s strings.Builder
	for k, l := range pc.Layers {
		fmt.Fprintf(&s, "%s cosine (raw / origin-demeaned):", l)
		for t, n := range pc.Names {
			fmt.Fprintf(&s, " %s %.3f / %.3f;", n, pc.Raw[t][k], pc.Demeaned[t][k])
		}
		s.WriteString("\n")
	}
	return s.String()
}

// CrossTargetFromSet joins one layer to every target (shared tasks only)
// and runs CrossTarget.
func CrossTargetFromSet(set *activations.Set, names []string, targets []map[string]float64, opt *Options) (*CrossTargets, error) {
	ds, ys, err := TargetsFromSet(set, targets)
	if err != nil {
		return nil, err
	}
	return CrossTarget(ds, names, ys, opt)
}

// Transfer is the mean Pearson r of a probe on other targets relative to
// its own (1 = no loss), over every ordered pair of distinct targets.
func (c *CrossTargets) Transfer() (own, other float64) {
	var a, b []float64
	for t := range c.Names {
		for u := range c.Names {
			if t == u {
				a = append(a, c.Scores[t][u].Pearson)
			} else {
				b = append(b, c.Scores[t][u].Pearson)
			}
		}
	}
	own, _ = stats.MeanSE(a)
	other, _ = stats.MeanSE(b)
	return own, other
}

// Verdict states how far probes transfer between targets.
func (c *CrossTargets) Verdict() string {
	own, other := c.Transfer()
	return fmt.Sprintf("Over %d targets, a probe's out-of-fold Pearson r is %.3f on its own target and %.3f on the others (mean over pairs): %s.",
		len(c.Names), own, other, map[bool]string{true: "the probes transfer, losing little", false: "the probes lose much of their score on other targets"}[other > 0.8*own])
}

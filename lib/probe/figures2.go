package probe

import (
	"fmt"
	"math"
	"strings"

	"github.com/prefscope/prefscope/lib/plot"
)

// GroupResult is a probe held out by the groups of one metadata key:
// each held-out group's scores, and their means.
type GroupResult struct {
	Key    string
	Groups []string
	Sizes  []int
	Scores []Scores
	Mean   Scores
	Small  []string
}

// HeldOutGroups scores the probe (fixed α) on each group of key held out
// in turn; groups smaller than minGroup only train.
func HeldOutGroups(ds *Dataset, key string, groups []string, alpha float64, minGroup int, opt *Options) (*GroupResult, error) {
	o := opt.withDefaults()
	o.Groups, o.MinGroup, o.Alphas, o.ByOrigin = groups, minGroup, []float64{alpha}, false
	sw, err := CrossValidate(ds, &o)
	if err != nil {
		return nil, fmt.Errorf("probe: held out by %s: %w", key, err)
	}
	g := &GroupResult{Key: key, Small: sw.SmallGroups, Scores: sw.Scores[0], Mean: meanScores(sw.Scores[0])}
	for _, f := range sw.Folds {
		g.Groups, g.Sizes = append(g.Groups, f.Group), append(g.Sizes, len(f.Test))
	}
	return g, nil
}

// GroupFigure draws standard R², mean-adjusted R² and Pearson r per
// held-out group (target names the probe's target). A group whose targets
// are all equal has no R² (NaN): it is named under the axis instead.
func GroupFigure(g *GroupResult, layer int, target string) (*plot.Figure, error) {
	series := []plot.BarSeries{{Name: "standard R²"}, {Name: "mean-adjusted R²"}, {Name: "Pearson r"}}
	var cats, constant []string
	for k, s := range g.Scores {
		if math.IsNaN(s.R2) {
			constant = append(constant, g.Groups[k])
			continue
		}
		cats = append(cats, fmt.Sprintf("%s (%d)", g.Groups[k], g.Sizes[k]))
		series[0].Values = append(series[0].Values, s.R2)
		series[1].Values = append(series[1].Values, s.R2MeanAdjusted)
		series[2].Values = append(series[2].Values, nanToZero(s.Pearson))
	}
	xlab := fmt.Sprintf("held-out %s (tasks)", g.Key)
	if len(constant) > 0 {
		xlab += "; not drawn, all targets equal: " + strings.Join(constant, ", ")
	}
	return plot.Bars(cats, series, &plot.BarsOptions{Options: plot.Options{
		Title:  fmt.Sprintf("Layer %d, target %s: scores on the held-out %s", layer, target, g.Key),
		YLabel: "score on the held-out group", XLabel: xlab}})
}

func nanToZero(v float64) float64 {
	if v != v {
		return 0
	}
	return v
}

// String lists each group's scores.
func (g *GroupResult) String() string {
	var s strings.Builder
	for k, sc := range g.Scores {
		fmt.Fprintf(&s, "%-16s n=%3d  R² %6.3f  mean-adjusted R² %6.3f  Pearson %.3f\n", g.Groups[k], g.Sizes[k], sc.R2, sc.R2MeanAdjusted, sc.Pearson)
	}
	if len(g.Small) > 0 {
		fmt.Fprintf(&s, "too small to hold out (train only): %s\n", strings.Join(g.Small, ", "))
	}
	return s.String()
}

// CosineFigure draws the groups' probe cosines as a heatmap, each cell
// with its bootstrap interval.
func CosineFigure(gc *GroupCosines, key string, layer int) (*plot.Figure, error) {
	labels := make([][]string, len(gc.Groups))
	var names []string
	for a := range gc.Groups {
		names = append(names, fmt.Sprintf("%s (%d)", gc.Groups[a], gc.Sizes[a]))
		for c := range gc.Groups {
			iv := gc.Interval[a][c]
			labels[a] = append(labels[a], fmt.Sprintf("%.2f\n[%.2f, %.2f]", gc.Cosine[a][c], iv.Low, iv.High))
		}
	}
	return plot.Heatmap(gc.Cosine, names, names, &plot.HeatmapOptions{Diverging: true, Min: -1, Max: 1, Labels: labels,
		ColorBarLabel: "cosine of probe weights", Options: plot.Options{
			Title: fmt.Sprintf("Layer %d: probes trained on one %s each (tasks)\ncells: cosine [95%% bootstrap interval]", layer, key)}})
}

// SplitHalfFigure draws the split-half cosine against tasks per half.
func SplitHalfFigure(sh *SplitHalf, layer int) (*plot.Figure, error) {
	c := plot.Curve{}
	for k, n := range sh.Sizes {
		c.X, c.Y = append(c.X, float64(n)), append(c.Y, sh.Mean[k])
		c.Low, c.High = append(c.Low, sh.Interval[k].Low), append(c.High, sh.Interval[k].High)
	}
	return plot.Curves([]plot.Curve{c}, &plot.CurvesOptions{Points: true, Options: plot.Options{
		Title:  fmt.Sprintf("Layer %d: two probes on disjoint task sets, one true direction", layer),
		XLabel: "tasks per probe", YLabel: "cosine of the two probes (mean, 95% range)", YRange: [2]float64{-0.2, 1}, Legend: plot.LegendNone}})
}

// CrossTargetFigure draws the Pearson r of each training target's probe
// against each test target.
func CrossTargetFigure(ct *CrossTargets, layer int) (*plot.Figure, error) {
	m := make([][]float64, len(ct.Names))
	for t := range m {
		for u := range ct.Names {
			m[t] = append(m[t], ct.Scores[t][u].Pearson)
		}
	}
	return plot.Heatmap(m, ct.Names, ct.Names, &plot.HeatmapOptions{Min: 0, Max: 1, ColorBarLabel: "Pearson r, out-of-fold (5 folds)",
		Options: plot.Options{Title: fmt.Sprintf("Layer %d: probe trained on the row's target, tested on the column's", layer),
			XLabel: "test target", YLabel: "training target"}})
}

// Comparison is a labelled set of scores for grouped bars.
type Comparison struct {
	Label string
	Probe Scores
	Words Scores
}

// ContentFigure draws the activation probe against the content baseline
// (words only) on the same targets and designs, with a planted reference.
func ContentFigure(rows []Comparison, metric string, planted float64) (*plot.Figure, error) {
	probe, words := plot.BarSeries{Name: "probe on activations"}, plot.BarSeries{Name: "content baseline (words only)"}
	var cats []string
	pick := map[string]func(Scores) float64{"R²": R2Of, "mean-adjusted R²": AdjR2Of, "Pearson r": PearsonOf}[metric]
	if pick == nil {
		return nil, fmt.Errorf("probe: content figure: unknown metric %q", metric)
	}
	for _, r := range rows {
		cats = append(cats, r.Label)
		probe.Values, words.Values = append(probe.Values, nanToZero(pick(r.Probe))), append(words.Values, nanToZero(pick(r.Words)))
	}
	var ref []plot.RefLine
	if planted > 0 {
		ref = []plot.RefLine{{Y: planted, Label: fmt.Sprintf("planted text share\nwithin origins %.2f", planted)}}
	}
	design := "5-fold CV within origins"
	if metric != "R²" {
		design = "held out by origin and by topic"
	}
	return plot.Bars(cats, []plot.BarSeries{probe, words}, &plot.BarsOptions{RefLines: ref, Options: plot.Options{
		Title: "What the activations add to the words of the prompt\n" + design, YLabel: metric + " (held out)", XLabel: "target: design",
		Width: 10 * 72}})
}

// PairFigure draws held-out pair accuracy by share of training pairs, BT
// against ridge on μ, with 95% intervals over seeds.
func PairFigure(c *PairComparison, ceiling float64) (*plot.Figure, error) {
	bt, rg := plot.BarSeries{Name: "Bradley-Terry probe"}, plot.BarSeries{Name: "ridge on fitted μ"}
	var cats []string
	for _, s := range c.Summary() {
		cats = append(cats, fmt.Sprintf("%.0f%% of the %s (%.0f pairs)", 100*s.Fraction, c.Unit, s.TrainPairs))
		bt.Values, bt.Low, bt.High = append(bt.Values, s.BT), append(bt.Low, s.BTCI.Low), append(bt.High, s.BTCI.High)
		rg.Values, rg.Low, rg.High = append(rg.Values, s.Ridge), append(rg.Low, s.RidgeCI.Low), append(rg.High, s.RidgeCI.High)
	}
	var ref []plot.RefLine
	if ceiling > 0 {
		ref = []plot.RefLine{{Y: ceiling, Label: fmt.Sprintf("planted utilities %.3f", ceiling)}}
	}
	return plot.Bars(cats, []plot.BarSeries{bt, rg}, &plot.BarsOptions{RefLines: ref, Options: plot.Options{
		Title:  fmt.Sprintf("Held-out pair accuracy, training %s thinned (%d seeds, 95%% intervals)", c.Unit, len(c.Seeds)),
		YLabel: "share of held-out choices predicted", XLabel: "share of the training data (mean number of pairs left)", YRange: [2]float64{0.5, 1}}})
}

// Verdict says whether BT beats ridge at the smallest fraction, with the
// paired difference and its interval.
func (c *PairComparison) Verdict() string {
	s := c.Summary()[0]
	word := "neither beats nor loses to"
	switch {
	case s.DiffCI.Low > 0:
		word = "beats"
	case s.DiffCI.High < 0:
		word = "loses to"
	}
	return fmt.Sprintf("At %.0f%% of the %s the Bradley-Terry probe %s ridge on μ: accuracy %.3f against %.3f, difference %+.3f [%.3f, %.3f] (paired over %d seeds).",
		100*s.Fraction, c.Unit, word, s.BT, s.Ridge, s.Difference, s.DiffCI.Low, s.DiffCI.High, len(c.Seeds))
}

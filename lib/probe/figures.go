package probe

import (
	"fmt"
	"math"
	"strings"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/plot"
	"github.com/prefscope/prefscope/lib/stats"
	"gonum.org/v1/plot/vg"
)

// Source is where the notebook's probes read activations: one activation
// store (activations.Dir of the study and model) and the layers it holds.
type Source struct {
	Store  string
	Layers []int
}

// Dataset joins one layer of the store to a per-task target.
func (s Source) Dataset(layer int, y map[string]float64) (*Dataset, error) {
	set, err := activations.Load(s.Store, layer)
	if err != nil {
		return nil, err
	}
	return FromSet(set, y)
}

// LayerResult is one layer's alpha sweep: chosen α and its CV R² ± SE.
type LayerResult struct {
	Layer          int
	Alpha, R2, SE  float64
	R2AtSmallAlpha float64
	Form           string
}

// Metric accessors for Sweep.Metric.
var (
	R2Of      = func(s Scores) float64 { return s.R2 }
	MSEOf     = func(s Scores) float64 { return s.MSE }
	AdjR2Of   = func(s Scores) float64 { return s.R2MeanAdjusted }
	PearsonOf = func(s Scores) float64 { return s.Pearson }
	VarYOf    = func(s Scores) float64 { return s.VarY }
)

// Sweeps are every layer's sweep and their figure.
type Sweeps struct {
	Layers []LayerResult
	Figure *plot.Figure
}

// AlphaSweeps runs the sweep of y at every layer of src and draws one panel
// per layer: mean CV R² against α with the chosen α dashed.
func AlphaSweeps(src Source, y map[string]float64, opt *Options) (*Sweeps, error) {
	out, fig, err := alphaSweeps(src, y, opt)
	if err != nil {
		return nil, err
	}
	return &Sweeps{out, fig}, nil
}

func alphaSweeps(src Source, y map[string]float64, opt *Options) ([]LayerResult, *plot.Figure, error) {
	var out []LayerResult
	var panels []*plot.Figure
	for _, l := range src.Layers {
		ds, err := src.Dataset(l, y)
		if err != nil {
			return nil, nil, err
		}
		sw, err := CrossValidate(ds, opt)
		if err != nil {
			return nil, nil, fmt.Errorf("probe: layer %d: %w", l, err)
		}
		c := plot.Curve{X: sw.Alphas}
		for k := range sw.Alphas {
			m, se := sw.Metric(k, R2Of)
			c.Y, c.Err = append(c.Y, m), append(c.Err, se)
		}
		m, se := sw.Metric(sw.Best, R2Of)
		out = append(out, LayerResult{l, sw.BestAlpha(), m, se, c.Y[0], sw.Form.String()})
		lo := math.Max(-2, math.Floor(10*minOf(c.Y)-1)/10) // the axis starts below the worst α, at -2 at most
		chosen := plot.Curve{X: []float64{sw.BestAlpha(), sw.BestAlpha()}, Y: []float64{lo, m}, Dashed: true, NoPoint: true}
		p, err := plot.Curves([]plot.Curve{c, chosen}, &plot.CurvesOptions{Points: true, Options: plot.Options{
			Title: fmt.Sprintf("layer %d: chosen α = %.3g", l, sw.BestAlpha()), LogX: true, YRange: [2]float64{lo, math.Min(1, math.Ceil(10*m+1)/10)},
			Legend: plot.LegendNone, XLabel: "ridge penalty α (log scale)", YLabel: "mean CV R², 5 folds (±1 SE)",
		}})
		if err != nil {
			return nil, nil, err
		}
		panels = append(panels, p)
	}
	fig, err := plot.Grid(panels, 1, &plot.GridOptions{Title: "Rating probe: held-out R² against the ridge penalty (dashed: chosen α)", Width: 7 * 72, Height: vg.Length(3 * 72 * len(panels))})
	return out, fig, err
}

// Best is the layer with the highest CV R²; no layers is an error.
func Best(layers []LayerResult) (LayerResult, error) {
	if len(layers) == 0 {
		return LayerResult{}, fmt.Errorf("probe: no layers to choose from (the study's extract key names none)")
	}
	best := layers[0]
	for _, l := range layers[1:] {
		if l.R2 > best.R2 {
			best = l
		}
	}
	return best, nil
}

func minOf(v []float64) float64 {
	m := math.Inf(1)
	for _, x := range v {
		m = math.Min(m, x)
	}
	return m
}

// Baselines are the real probe against its noise baselines: R² and MSE
// pooled over the folds (and seeds) of each, as mean ± SE.
type Baselines struct {
	Layer int
	Alpha float64
	Names []string
	R2    [][2]float64
	MSE   [][2]float64
	VarY  float64
	// Figures: R² and MSE bars.
	Figures []*plot.Figure `json:"-"`
}

// NoiseBaselines sweeps ds, its shuffled-label and its Gaussian-activation
// baselines (DefaultSeeds) and draws the R² and MSE bars.
func NoiseBaselines(ds *Dataset, layer int, opt *Options) (*Baselines, error) {
	real, err := CrossValidate(ds, opt)
	if err != nil {
		return nil, err
	}
	shuffled, err := ShuffledLabels(ds, opt, DefaultSeeds)
	if err != nil {
		return nil, err
	}
	gauss, err := GaussianActivations(ds, opt, DefaultSeeds)
	if err != nil {
		return nil, err
	}
	b := &Baselines{Layer: layer, Alpha: real.BestAlpha(), Names: []string{"real probe", "shuffled labels", "Gaussian activations"}}
	for _, g := range [][]*Sweep{{real}, shuffled, gauss} {
		b.R2, b.MSE = append(b.R2, pooled(g, R2Of)), append(b.MSE, pooled(g, MSEOf))
	}
	b.VarY = pooled([]*Sweep{real}, VarYOf)[0]
	bar := func(v [][2]float64, title, ylab string, ref []plot.RefLine) (*plot.Figure, error) {
		s := plot.BarSeries{}
		for _, x := range v {
			s.Values, s.Err = append(s.Values, x[0]), append(s.Err, x[1])
		}
		return plot.Bars(b.Names, []plot.BarSeries{s}, &plot.BarsOptions{RefLines: ref, Options: plot.Options{Title: title, YLabel: ylab}})
	}
	r2f, err := bar(b.R2, fmt.Sprintf("Layer %d: held-out R², real probe vs noise", layer), "CV R² at best α (±1 SE, folds × seeds)", nil)
	if err != nil {
		return nil, err
	}
	msef, err := bar(b.MSE, fmt.Sprintf("Layer %d: held-out MSE, real probe vs noise", layer), "CV MSE, rating² (±1 SE, folds × seeds)",
		[]plot.RefLine{{Y: b.VarY, Label: fmt.Sprintf("Var(y) = %.3f", b.VarY)}})
	b.Figures = []*plot.Figure{r2f, msef}
	return b, err
}

// String is the baselines' table as text.
func (b *Baselines) String() string {
	var s strings.Builder
	for i, n := range b.Names {
		fmt.Fprintf(&s, "%-22s R² %.3f ± %.3f   MSE %.4f ± %.4f\n", n, b.R2[i][0], b.R2[i][1], b.MSE[i][0], b.MSE[i][1])
	}
	return s.String()
}

// pooled is a metric's mean and SE over every fold of several sweeps, each
// at its own best α.
func pooled(sweeps []*Sweep, metric func(Scores) float64) [2]float64 {
	var v []float64
	for _, sw := range sweeps {
		for _, s := range sw.Scores[sw.Best] {
			v = append(v, metric(s))
		}
	}
	m, se := stats.MeanSE(v)
	return [2]float64{m, se}
}

// PredictedFigure plots each task's out-of-fold prediction at the chosen α
// against its target, by origin.
func PredictedFigure(ds *Dataset, sw *Sweep, layer int, target string) (*plot.Figure, error) {
	return plot.Scatter(ds.Y, sw.Predictions[sw.Best], &plot.ScatterOptions{Groups: ds.Origins, Identity: true, Options: plot.Options{
		Title:  fmt.Sprintf("Layer %d probe: out-of-fold prediction vs %s (α = %.3g)", layer, target, sw.BestAlpha()),
		XLabel: fmt.Sprintf("%s (n = %d tasks)", target, ds.Rows()), YLabel: "out-of-fold prediction",
	}})
}

package plot

import (
	"fmt"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ScatterOptions are the settings of Scatter. The zero value draws one
// group of points with no identity line.
type ScatterOptions struct {
	Options
	// Groups, when not nil, gives each point's group (len(x) entries); each
	// group gets its own colour and marker and a legend entry, in order of
	// first appearance.
	Groups []string
	// Identity draws the line y = x (dashed grey, legend "y = x") and gives
	// both axes the same range, for comparing two estimates of one quantity.
	Identity bool
	// Radius of the markers; zero means 3 pt.
	Radius vg.Length
}

// Scatter draws points (x[i], y[i]). It returns an error when x, y and
// Groups differ in length, when there are no points, or when a value is NaN
// or infinite (the error names the index).
func Scatter(x, y []float64, o *ScatterOptions) (*Figure, error) {
	if o == nil {
		o = &ScatterOptions{}
	}
	if len(x) != len(y) {
		return nil, fmt.Errorf("plot: scatter: len(x) = %d, len(y) = %d", len(x), len(y))
	}
	if len(x) == 0 {
		return nil, fmt.Errorf("plot: scatter: no points")
	}
	if o.Groups != nil && len(o.Groups) != len(x) {
		return nil, fmt.Errorf("plot: scatter: len(Groups) = %d, want %d", len(o.Groups), len(x))
	}
	if err := checkFinite("scatter x", x); err != nil {
		return nil, err
	}
	if err := checkFinite("scatter y", y); err != nil {
		return nil, err
	}
	if err := checkLog(&o.Options, x, y); err != nil {
		return nil, err
	}
	radius := o.Radius
	if radius <= 0 {
		radius = vg.Points(3)
	}

	p := newPlot(&o.Options, gridBoth)
	f := newFigure(p, &o.Options)

	// Group the points, keeping the order of first appearance.
	var names []string
	idx := map[string][]int{}
	for i := range x {
		g := ""
		if o.Groups != nil {
			g = o.Groups[i]
		}
		if _, ok := idx[g]; !ok {
			names = append(names, g)
		}
		idx[g] = append(idx[g], i)
	}

	if o.Identity {
		lo, hi := math.Min(minOf(x), minOf(y)), math.Max(maxOf(x), maxOf(y))
		if o.XRange != [2]float64{} {
			lo, hi = o.XRange[0], o.XRange[1]
		}
		pad := 0.04 * (hi - lo)
		if pad == 0 {
			pad = 0.5
		}
		lo, hi = lo-pad, hi+pad
		if o.LogX || o.LogY {
			lo, hi = math.Min(minOf(x), minOf(y))/1.1, math.Max(maxOf(x), maxOf(y))*1.1
		}
		line, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
		if err != nil {
			return nil, fmt.Errorf("plot: scatter: identity line: %w", err)
		}
		line.Color = identityCol
		line.Width = vg.Points(1.2)
		line.Dashes = []vg.Length{vg.Points(5), vg.Points(4)}
		p.Add(line)
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo, hi, lo, hi
		defer f.AddLegend("y = x", line)
	}

	for gi, name := range names {
		xys := make(plotter.XYs, len(idx[name]))
		for k, i := range idx[name] {
			xys[k] = plotter.XY{X: x[i], Y: y[i]}
		}
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, fmt.Errorf("plot: scatter: group %q: %w", name, err)
		}
		col := SeriesColor(gi)
		s.GlyphStyle = draw.GlyphStyle{Color: withAlpha(col, 0.8), Radius: radius, Shape: seriesGlyph(gi)}
		if o.Groups == nil {
			s.GlyphStyle.Color = withAlpha(col, 0.7)
		}
		p.Add(s)
		if o.Groups != nil {
			f.AddLegend(name, s)
		}
	}
	applyRanges(p, &o.Options)
	if o.Identity && o.XRange != [2]float64{} && o.YRange == [2]float64{} {
		p.Y.Min, p.Y.Max = p.X.Min, p.X.Max
	}
	return f, nil
}

func checkFinite(what string, v []float64) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("plot: %s[%d] = %v, want a finite value", what, i, x)
		}
	}
	return nil
}

func checkLog(o *Options, x, y []float64) error {
	if o.LogX {
		for i, v := range x {
			if v <= 0 {
				return fmt.Errorf("plot: log x axis: x[%d] = %v, want > 0", i, v)
			}
		}
	}
	if o.LogY {
		for i, v := range y {
			if v <= 0 {
				return fmt.Errorf("plot: log y axis: y[%d] = %v, want > 0", i, v)
			}
		}
	}
	return nil
}

func minOf(v []float64) float64 {
	m := math.Inf(1)
	for _, x := range v {
		m = math.Min(m, x)
	}
	return m
}

func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}

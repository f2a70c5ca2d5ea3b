package plot

import (
	"fmt"
	"image/color"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Curve is one line of a Curves figure. X and Y have one entry per point.
// Err, when not nil, draws error bars ±Err at each point; Low and High,
// when not nil, shade the band between them (a confidence band, a min–max
// range), spelled as in BarSeries and stats.Interval. Both may be given.
type Curve struct {
	Name    string
	X, Y    []float64
	Err     []float64
	Low     []float64
	High    []float64
	Dashed  bool
	NoPoint bool // no marker at the points even when CurvesOptions.Points is set
}

// CurvesOptions are the settings of Curves. The zero value draws lines
// without markers.
type CurvesOptions struct {
	Options
	// Points marks each data point with the series' marker.
	Points bool
}

// Curves draws lines through (X[i], Y[i]) for each curve, with optional
// markers, error bars and shaded bands; named curves get a legend entry.
// It returns an error when a curve's slices differ in length, a value is
// not finite, or a value is not positive on a log axis.
func Curves(curves []Curve, o *CurvesOptions) (*Figure, error) {
	if o == nil {
		o = &CurvesOptions{}
	}
	if len(curves) == 0 {
		return nil, fmt.Errorf("plot: curves: no curves")
	}
	for ci, c := range curves {
		n := len(c.X)
		if n == 0 || len(c.Y) != n {
			return nil, fmt.Errorf("plot: curves: curve %d %q: len(X) = %d, len(Y) = %d", ci, c.Name, n, len(c.Y))
		}
		for _, s := range []struct {
			name string
			v    []float64
		}{{"Err", c.Err}, {"Low", c.Low}, {"High", c.High}} {
			if s.v != nil && len(s.v) != n {
				return nil, fmt.Errorf("plot: curves: curve %d %q: len(%s) = %d, want %d", ci, c.Name, s.name, len(s.v), n)
			}
		}
		if (c.Low == nil) != (c.High == nil) {
			return nil, fmt.Errorf("plot: curves: curve %d %q: Low and High must be given together", ci, c.Name)
		}
		for _, s := range [][]float64{c.X, c.Y, c.Err, c.Low, c.High} {
			if err := checkFinite(fmt.Sprintf("curve %q", c.Name), s); err != nil {
				return nil, err
			}
		}
		ys := append(append(append([]float64{}, c.Y...), c.Low...), c.High...)
		if err := checkLog(&o.Options, c.X, ys); err != nil {
			return nil, fmt.Errorf("curve %q: %w", c.Name, err)
		}
		if o.LogY && c.Err != nil {
			for i := range c.Y {
				if c.Y[i]-math.Abs(c.Err[i]) <= 0 {
					return nil, fmt.Errorf("plot: curves: curve %q: error bar at %d reaches %v on a log y axis", c.Name, i, c.Y[i]-math.Abs(c.Err[i]))
				}
			}
		}
	}

	p := newPlot(&o.Options, gridBoth)
	f := newFigure(p, &o.Options)
	// Bands first, so every line is drawn on top of every band.
	for ci, c := range curves {
		if c.Low == nil {
			continue
		}
		n := len(c.X)
		poly := make(plotter.XYs, 0, 2*n)
		for i := 0; i < n; i++ {
			poly = append(poly, plotter.XY{X: c.X[i], Y: c.High[i]})
		}
		for i := n - 1; i >= 0; i-- {
			poly = append(poly, plotter.XY{X: c.X[i], Y: c.Low[i]})
		}
		band, err := plotter.NewPolygon(poly)
		if err != nil {
			return nil, fmt.Errorf("plot: curves: curve %q band: %w", c.Name, err)
		}
		band.Color = withAlpha(SeriesColor(ci), 0.2)
		band.LineStyle.Width = 0
		p.Add(band)
	}
	for ci, c := range curves {
		xys := make(plotter.XYs, len(c.X))
		for i := range c.X {
			xys[i] = plotter.XY{X: c.X[i], Y: c.Y[i]}
		}
		col := SeriesColor(ci)
		line, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("plot: curves: curve %q: %w", c.Name, err)
		}
		line.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.8)}
		if c.Dashed {
			line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		p.Add(line)
		thumbs := []gplot.Thumbnailer{line}
		if c.Err != nil {
			pts := make(errPoints, len(c.X))
			for i := range c.X {
				pts[i] = errPoint{x: c.X[i], y: c.Y[i], lo: math.Abs(c.Err[i]), hi: math.Abs(c.Err[i])}
			}
			eb, err := plotter.NewYErrorBars(pts)
			if err != nil {
				return nil, fmt.Errorf("plot: curves: curve %q error bars: %w", c.Name, err)
			}
			eb.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.2)}
			eb.CapWidth = vg.Points(6)
			p.Add(eb)
		}
		if o.Points && !c.NoPoint {
			s, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, fmt.Errorf("plot: curves: curve %q: %w", c.Name, err)
			}
			s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3.2), Shape: seriesGlyph(ci)}
			p.Add(s)
			thumbs = append(thumbs, s)
		}
		if c.Low != nil {
			thumbs = append([]gplot.Thumbnailer{bandThumb{withAlpha(col, 0.2)}}, thumbs...)
		}
		if c.Name != "" {
			f.AddLegend(c.Name, thumbs...)
		}
	}
	applyRanges(p, &o.Options)
	return f, nil
}

// bandThumb draws a shaded band behind a curve's legend line.
type bandThumb struct{ c color.Color }

func (b bandThumb) Thumbnail(c *draw.Canvas) {
	h := (c.Max.Y - c.Min.Y) / 4
	pts := []vg.Point{
		{X: c.Min.X, Y: c.Min.Y + h}, {X: c.Max.X, Y: c.Min.Y + h},
		{X: c.Max.X, Y: c.Max.Y - h}, {X: c.Min.X, Y: c.Max.Y - h},
	}
	c.FillPolygon(b.c, pts)
}

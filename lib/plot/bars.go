package plot

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// BarSeries is one series of a grouped bar chart: one value per category
// and, optionally, a symmetric error per category (nil for none).
type BarSeries struct {
	Name   string
	Values []float64
	// Err draws symmetric error bars ±Err[i]. Low and High, given instead,
	// draw an interval [Low[i], High[i]] around each value (a bootstrap or
	// Wilson interval need not be symmetric).
	Err       []float64
	Low, High []float64
}

// BarsOptions are the settings of Bars. The zero value draws bars starting
// at zero with the legend to the right (no legend for a single unnamed
// series).
type BarsOptions struct {
	Options
	// RefLines are dashed horizontal lines across the plot, each with a
	// legend entry: a baseline or target the bars are read against.
	RefLines []RefLine
}

// RefLine is a horizontal reference line at Y, named Label in the legend.
type RefLine struct {
	Y     float64
	Label string
}

// Bars draws grouped bars: for each category, one bar per series side by
// side, in series order, with error bars ±Err where given. Category labels
// that do not fit their slot are wrapped at spaces, and rotated by 30° when
// wrapping is not enough. It returns an error when a series' lengths do not
// match the categories, or a value is not finite.
func Bars(categories []string, series []BarSeries, o *BarsOptions) (*Figure, error) {
	if o == nil {
		o = &BarsOptions{}
	}
	if len(categories) == 0 || len(series) == 0 {
		return nil, fmt.Errorf("plot: bars: need at least one category and one series (got %d, %d)", len(categories), len(series))
	}
	for si, s := range series {
		if len(s.Values) != len(categories) {
			return nil, fmt.Errorf("plot: bars: series %d %q: %d values for %d categories", si, s.Name, len(s.Values), len(categories))
		}
		if s.Err != nil && len(s.Err) != len(categories) {
			return nil, fmt.Errorf("plot: bars: series %d %q: %d errors for %d categories", si, s.Name, len(s.Err), len(categories))
		}
		if (s.Low != nil || s.High != nil) && (s.Err != nil || len(s.Low) != len(categories) || len(s.High) != len(categories)) {
			return nil, fmt.Errorf("plot: bars: series %d %q: give Err, or Low and High with one bound per category (%d), not both", si, s.Name, len(categories))
		}
		for i := range s.Low {
			if err := checkFinite(fmt.Sprintf("bars %q interval", s.Name), []float64{s.Low[i], s.High[i]}); err != nil {
				return nil, err
			}
			if s.Low[i] > s.Values[i] || s.High[i] < s.Values[i] {
				return nil, fmt.Errorf("plot: bars: series %q category %q: value %v outside its interval [%v, %v]", s.Name, categories[i], s.Values[i], s.Low[i], s.High[i])
			}
		}
		if err := checkFinite(fmt.Sprintf("bars %q values", s.Name), s.Values); err != nil {
			return nil, err
		}
		if err := checkFinite(fmt.Sprintf("bars %q errors", s.Name), s.Err); err != nil {
			return nil, err
		}
	}
	if o.LogY {
		return nil, fmt.Errorf("plot: bars: a log y axis is not supported (bars start at zero)")
	}
	p := newPlot(&o.Options, gridHorizontal)
	f := newFigure(p, &o.Options)

	n := len(series)
	const groupWidth = 0.8
	w := groupWidth / float64(n)
	for si, s := range series {
		off := (float64(si) - float64(n-1)/2) * w
		col := SeriesColor(si)
		b := &barPlotter{values: s.Values, offset: off, width: w * 0.92, color: col}
		p.Add(b)
		if s.Err != nil || s.Low != nil {
			pts := make(errPoints, len(s.Values))
			for i, v := range s.Values {
				if s.Err != nil {
					pts[i] = errPoint{x: float64(i) + off, y: v, lo: math.Abs(s.Err[i]), hi: math.Abs(s.Err[i])}
				} else {
					pts[i] = errPoint{x: float64(i) + off, y: v, lo: v - s.Low[i], hi: s.High[i] - v}
				}
			}
			eb, err := plotter.NewYErrorBars(pts)
			if err != nil {
				return nil, fmt.Errorf("plot: bars: series %q error bars: %w", s.Name, err)
			}
			eb.LineStyle = draw.LineStyle{Color: color.Gray{Y: 0x22}, Width: vg.Points(1.1)}
			eb.CapWidth = vg.Points(math.Min(8, 200*w/float64(len(categories))))
			p.Add(eb)
		}
		if n > 1 || s.Name != "" {
			f.AddLegend(s.Name, b)
		}
	}
	for i, r := range o.RefLines {
		if math.IsNaN(r.Y) || math.IsInf(r.Y, 0) {
			return nil, fmt.Errorf("plot: bars: reference line %q at %v is not finite", r.Label, r.Y)
		}
		l, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: r.Y}, {X: float64(len(categories)) - 0.5, Y: r.Y}})
		if err != nil {
			return nil, fmt.Errorf("plot: bars: reference line %q: %w", r.Label, err)
		}
		l.LineStyle = draw.LineStyle{Color: color.Gray{Y: 0x33 + uint8(0x30*(i%3))}, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(6), vg.Points(3)}}
		p.Add(l)
		f.AddLegend(r.Label, l)
	}
	p.X.Min, p.X.Max = -0.5, float64(len(categories))-0.5
	// Headroom, so that no bar or error bar touches the frame.
	span := p.Y.Max - p.Y.Min
	if p.Y.Max > 0 {
		p.Y.Max += 0.05 * span
	}
	if p.Y.Min < 0 {
		p.Y.Min -= 0.05 * span
	}
	p.X.Tick.Length = 0
	p.X.Tick.Marker = nominalTicks(categories)
	applyRanges(p, &o.Options)

	// Width of one category slot, in points, estimated from the figure
	// width less the y axis, the margins and a legend to the right.
	lw, _ := f.legendSize()
	if f.Legend != LegendRight || f.nLegend == 0 {
		lw = 0
	}
	avail := f.Width - 2*margin - lw - vg.Inch
	fitTickLabels(&p.X, categories, avail/vg.Length(len(categories)))
	return f, nil
}

// minTickSize is the smallest tick label font, in points, that fitting
// will shrink to.
const minTickSize = 7

// fitTickLabels makes nominal tick labels on the x axis fit a slot of the
// given width (the distance between neighbouring ticks), trying in turn:
// the labels as they are; wrapped at spaces (at most three lines); turned by
// 30°; turned by 90°; turned by 90° in a smaller font (down to 7 pt); and
// last, labelling only every k-th tick.
func fitTickLabels(ax *gplot.Axis, labels []string, slot vg.Length) {
	sty := ax.Tick.Label
	fits := func(ls []string) bool {
		for _, l := range ls {
			if sty.Width(l) > slot*0.95 {
				return false
			}
		}
		return true
	}
	if fits(labels) {
		return
	}
	// Try wrapping with a decreasing line budget in characters.
	longest := 0
	for _, l := range labels {
		longest = max(longest, len([]rune(l)))
	}
	for limit := longest - 1; limit >= 4; limit-- {
		wrapped := make([]string, len(labels))
		ok := true
		for i, l := range labels {
			wrapped[i] = wrapWords(l, limit)
			if strings.Count(wrapped[i], "\n") > 2 {
				ok = false
				break
			}
		}
		if !ok {
			break
		}
		if fits(wrapped) {
			ax.Tick.Marker = nominalTicks(wrapped)
			return
		}
	}
	// Turned labels do not collide when the distance between neighbours,
	// measured across the text, exceeds the line height.
	lineH := sty.FontExtents().Height
	if slot*vg.Length(math.Sin(math.Pi/6)) >= lineH*1.1 {
		ax.Tick.Label.Rotation = math.Pi / 6
		ax.Tick.Label.XAlign = draw.XRight
		ax.Tick.Label.YAlign = draw.YTop
		return
	}
	ax.Tick.Label.Rotation = math.Pi / 2
	ax.Tick.Label.XAlign = draw.XRight
	ax.Tick.Label.YAlign = draw.YCenter
	fitAcross(ax, labels, slot, false)
	// gonum lifts tick labels by the font's descent, which a turned label
	// spends along its length: pad the data away by as much.
	ax.Padding = max(ax.Padding, ax.Tick.Label.FontExtents().Descent+vg.Points(2))
}

// fitAcross fits labels stacked across their reading direction (y tick
// labels, or x tick labels turned by 90°) into a slot: the font shrinks down
// to minTickSize, then only every k-th label is kept, counting from the
// first label, or from the last when fromEnd is set (a heatmap's y axis
// lists rows bottom-up, and the top row's label should stay).
func fitAcross(ax *gplot.Axis, labels []string, slot vg.Length, fromEnd bool) {
	size := float64(ax.Tick.Label.Font.Size.Points())
	for size > minTickSize && ax.Tick.Label.FontExtents().Height*1.05 > slot {
		size--
		ax.Tick.Label.Font.Size = vg.Points(size)
	}
	h := ax.Tick.Label.FontExtents().Height * 1.05
	if h <= slot {
		return
	}
	k := int(math.Ceil(float64(h / slot)))
	thinned := make([]string, len(labels))
	for i, l := range labels {
		idx := i
		if fromEnd {
			idx = len(labels) - 1 - i
		}
		if idx%k == 0 {
			thinned[i] = l
		}
	}
	ax.Tick.Marker = nominalTicks(thinned)
}

// wrapWords breaks s at spaces into lines of at most limit runes where
// possible (a longer word stays whole on its own line).
func wrapWords(s string, limit int) string {
	words := strings.Fields(s)
	var lines []string
	cur := ""
	for _, w := range words {
		switch {
		case cur == "":
			cur = w
		case len([]rune(cur))+1+len([]rune(w)) <= limit:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return strings.Join(lines, "\n")
}

// barPlotter draws one series of bars in data units: bar i covers
// [i+offset-width/2, i+offset+width/2] × [0, values[i]].
type barPlotter struct {
	values        []float64
	offset, width float64
	color         color.Color
}

func (b *barPlotter) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	for i, v := range b.values {
		x0 := trX(float64(i) + b.offset - b.width/2)
		x1 := trX(float64(i) + b.offset + b.width/2)
		y0, y1 := trY(0), trY(v)
		if y0 > y1 {
			y0, y1 = y1, y0
		}
		r := vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x1, Y: y1}}
		pts := c.ClipPolygonXY([]vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}})
		c.FillPolygon(b.color, pts)
	}
}

func (b *barPlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin = b.offset - b.width/2
	xmax = float64(len(b.values)-1) + b.offset + b.width/2
	ymin, ymax = 0, 0
	for _, v := range b.values {
		ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
	}
	return
}

func (b *barPlotter) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y},
		{X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y},
	}
	c.FillPolygon(b.color, pts)
}

// errPoint is a point with y errors below (lo) and above (hi), for
// plotter.YErrorBars.
type errPoint struct{ x, y, lo, hi float64 }

type errPoints []errPoint

func (e errPoints) Len() int                        { return len(e) }
func (e errPoints) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e errPoints) YError(i int) (float64, float64) { return e[i].lo, e[i].hi }

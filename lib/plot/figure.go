package plot

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Figure is a plot in the package style, ready to Save or Show. The legend
// and, for heatmaps, the colour bar are drawn by the Figure around Plot, so
// add legend entries with AddLegend rather than to Plot.Legend.
type Figure struct {
	// Plot is the underlying gonum plot; adjust it freely.
	Plot *gplot.Plot
	// Width and Height of the image; DPI its resolution.
	Width, Height vg.Length
	DPI           int
	// Legend places the legend entries added with AddLegend.
	Legend LegendPosition

	legend   gplot.Legend
	nLegend  int
	colorBar *colorBar
	// panels, when set, makes this a grid of small multiples (see Grid).
	panels []*Figure
	cols   int
}

// Wrap puts a gonum plot into a Figure of the given options' size and legend
// position, applying the package's fonts and colours to its title, axes and
// legend text. Data already added keeps its own style.
func Wrap(p *gplot.Plot, o *Options) *Figure {
	if o == nil {
		o = &Options{}
	}
	styled := newPlot(&Options{Title: p.Title.Text, XLabel: p.X.Label.Text, YLabel: p.Y.Label.Text}, gridNone)
	p.Title.TextStyle = styled.Title.TextStyle
	p.Title.Padding = styled.Title.Padding
	p.X.Label.TextStyle, p.Y.Label.TextStyle = styled.X.Label.TextStyle, styled.Y.Label.TextStyle
	p.X.Tick.Label, p.Y.Tick.Label = styled.X.Tick.Label, styled.Y.Tick.Label
	p.Legend.TextStyle = newLegend().TextStyle
	return newFigure(p, o)
}

func newFigure(p *gplot.Plot, o *Options) *Figure {
	w, h := o.size()
	return &Figure{Plot: p, Width: w, Height: h, DPI: DefaultDPI, Legend: o.Legend, legend: newLegend()}
}

// AddLegend adds a legend entry drawn with the given thumbnails (the
// plotters themselves usually implement plot.Thumbnailer).
func (f *Figure) AddLegend(name string, thumbs ...gplot.Thumbnailer) {
	f.legend.Add(name, thumbs...)
	f.nLegend++
}

// outer margin around everything, so that text never touches the edge.
const margin = 6 * vg.Millimeter / 2

// Draw draws the figure on c: the plot, the legend and the colour bar.
func (f *Figure) Draw(c draw.Canvas) {
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	if f.panels != nil {
		f.drawGrid(c)
		return
	}
	inner := draw.Crop(c, margin, -margin, margin, -margin)

	var strip vg.Length
	legendW, legendH := f.legendSize()
	showLegend := f.nLegend > 0 && f.Legend != LegendNone
	if showLegend && f.Legend == LegendRight {
		strip = legendW + 4*boxPad
	}
	if f.colorBar != nil {
		strip += f.colorBar.width()
	}
	main := draw.Crop(inner, 0, -strip, 0, 0)
	main, restore := f.drawWideTitle(inner, main)
	f.Plot.Draw(main)
	da := f.Plot.DataCanvas(main)
	restore()

	x := main.Max.X
	if f.colorBar != nil {
		cb := da
		cb.Min.X = x + boxPad*2
		cb.Max.X = cb.Min.X + f.colorBar.width()
		f.colorBar.draw(cb)
		x = cb.Max.X
	}
	if !showLegend {
		return
	}
	var box vg.Rectangle
	switch f.Legend {
	case LegendRight:
		box.Min = vg.Point{X: x + 2*boxPad, Y: da.Max.Y - legendH}
	case LegendTopLeft:
		box.Min = vg.Point{X: da.Min.X + 2*boxPad, Y: da.Max.Y - 2*boxPad - legendH}
	case LegendBottomRight:
		box.Min = vg.Point{X: da.Max.X - 2*boxPad - legendW, Y: da.Min.Y + 2*boxPad}
	case LegendBottomLeft:
		box.Min = vg.Point{X: da.Min.X + 2*boxPad, Y: da.Min.Y + 2*boxPad}
	default: // LegendTopRight
		box.Min = vg.Point{X: da.Max.X - 2*boxPad - legendW, Y: da.Max.Y - 2*boxPad - legendH}
	}
	box.Max = vg.Point{X: box.Min.X + legendW, Y: box.Min.Y + legendH}
	f.drawLegend(c, box, f.Legend != LegendRight)
}

// drawWideTitle handles a title wider than the plot's own area (gonum
// centres it there, so a legend strip on the right pushes its start off the
// figure): it draws the title centred as near the plot as the figure's
// width allows, on two lines split at the middle space if one line is wider
// than the figure, and hides it from gonum for this draw. It returns the
// canvas left for the plot and a function that restores the title. A title
// that fits is left to gonum.
func (f *Figure) drawWideTitle(inner, main draw.Canvas) (draw.Canvas, func()) {
	t := f.Plot.Title
	if t.Text == "" || t.TextStyle.Width(t.Text) <= main.Max.X-main.Min.X {
		return main, func() {}
	}
	txt := t.Text
	if t.TextStyle.Width(txt) > inner.Max.X-inner.Min.X {
		txt = splitMiddle(txt)
	}
	half := t.TextStyle.Width(txt) / 2
	cx := min(max(main.Center().X, inner.Min.X+half), inner.Max.X-half)
	inner.FillText(t.TextStyle, vg.Point{X: cx, Y: main.Max.Y + t.TextStyle.FontExtents().Descent}, txt)
	main.Max.Y -= t.TextStyle.Rectangle(txt).Size().Y + t.Padding
	f.Plot.Title.Text = ""
	return main, func() { f.Plot.Title.Text = t.Text }
}

// splitMiddle breaks a one-line title at the space nearest its middle.
func splitMiddle(s string) string {
	if strings.Contains(s, "\n") {
		return s
	}
	best := -1
	for i, r := range s {
		if r == ' ' && (best < 0 || abs(i-len(s)/2) < abs(best-len(s)/2)) {
			best = i
		}
	}
	if best < 0 {
		return s
	}
	return s[:best] + "\n" + s[best+1:]
}

func abs(x int) int { return max(x, -x) }

// boxPad is the padding inside the legend box.
const boxPad = 3 * vg.Millimeter / 2

// legendSize is the size of the legend's box, padding included.
func (f *Figure) legendSize() (w, h vg.Length) {
	if f.nLegend == 0 {
		return 0, 0
	}
	r := f.legend.Rectangle(draw.Canvas{})
	s := r.Size()
	return s.X + 2*boxPad, s.Y + 2*boxPad
}

func (f *Figure) drawLegend(c draw.Canvas, box vg.Rectangle, framed bool) {
	if framed {
		c.SetColor(withAlpha(color.White, 0.9))
		c.Fill(box.Path())
		c.SetLineStyle(draw.LineStyle{Color: color.Gray{Y: 0xAA}, Width: vg.Points(0.6)})
		c.Stroke(box.Path())
	}
	l := f.legend
	l.Left, l.Top = true, true
	lc := c
	lc.Rectangle = vg.Rectangle{
		Min: vg.Point{X: box.Min.X + boxPad, Y: box.Min.Y + boxPad},
		Max: vg.Point{X: box.Max.X - boxPad, Y: box.Max.Y - boxPad},
	}
	l.Draw(lc)
}

// Image renders the figure at its DPI.
func (f *Figure) Image() (image.Image, error) {
	if f == nil || f.Plot == nil {
		return nil, fmt.Errorf("plot: nil figure")
	}
	dpi := f.DPI
	if dpi <= 0 {
		dpi = DefaultDPI
	}
	cv := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(dpi))
	if err := safeDraw(f, draw.New(cv)); err != nil {
		return nil, err
	}
	return cv.Image(), nil
}

// safeDraw turns a panic inside gonum/plot (it panics on some degenerate
// inputs, such as an empty log axis) into an error.
func safeDraw(f *Figure, c draw.Canvas) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plot: drawing %q: %v", f.Plot.Title.Text, r)
		}
	}()
	f.Draw(c)
	return nil
}

// PNG renders the figure and encodes it as PNG.
func (f *Figure) PNG() ([]byte, error) {
	img, err := f.Image()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("plot: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// colorBar is the heatmap scale drawn to the right of the data area.
type colorBar struct {
	cmap     func(v float64) color.Color
	min, max float64
	label    string
	tick     text.Style
	lab      text.Style
}

const colorBarThick = 4 * vg.Millimeter

func (cb *colorBar) ticks() []gplot.Tick {
	var out []gplot.Tick
	for _, t := range (readableTicks{}).Ticks(cb.min, cb.max) {
		if t.Label != "" && t.Value >= cb.min-1e-12 && t.Value <= cb.max+1e-12 {
			out = append(out, t)
		}
	}
	return out
}

func (cb *colorBar) width() vg.Length {
	var tw vg.Length
	for _, t := range cb.ticks() {
		tw = vg.Length(math.Max(float64(tw), float64(cb.tick.Width(t.Label))))
	}
	w := colorBarThick + vg.Points(4) + tw
	if cb.label != "" {
		w += vg.Points(6) + cb.lab.Height(cb.label)
	}
	return w + vg.Points(4)
}

func (cb *colorBar) draw(c draw.Canvas) {
	const steps = 128
	h := c.Max.Y - c.Min.Y
	for i := 0; i < steps; i++ {
		v := cb.min + (cb.max-cb.min)*(float64(i)+0.5)/steps
		y0 := c.Min.Y + h*vg.Length(i)/steps
		y1 := c.Min.Y + h*vg.Length(i+1)/steps + vg.Points(0.3)
		if i == steps-1 {
			y1 = c.Max.Y
		}
		r := vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: y0}, Max: vg.Point{X: c.Min.X + colorBarThick, Y: y1}}
		c.SetColor(cb.cmap(v))
		c.Fill(r.Path())
	}
	frame := vg.Rectangle{Min: c.Min, Max: vg.Point{X: c.Min.X + colorBarThick, Y: c.Max.Y}}
	c.SetLineStyle(draw.LineStyle{Color: color.Gray{Y: 0x44}, Width: vg.Points(0.6)})
	c.Stroke(frame.Path())
	tx := c.Min.X + colorBarThick
	var tw vg.Length
	for _, t := range cb.ticks() {
		y := c.Min.Y + h*vg.Length((t.Value-cb.min)/(cb.max-cb.min))
		c.StrokeLine2(draw.LineStyle{Color: color.Gray{Y: 0x44}, Width: vg.Points(0.6)}, tx, y, tx+vg.Points(3), y)
		c.FillText(cb.tick, vg.Point{X: tx + vg.Points(4), Y: y}, t.Label)
		tw = vg.Length(math.Max(float64(tw), float64(cb.tick.Width(t.Label))))
	}
	if cb.label != "" {
		ls := cb.lab
		ls.Rotation = math.Pi / 2
		ls.XAlign = draw.XCenter
		ls.YAlign = draw.YTop
		c.FillText(ls, vg.Point{X: tx + vg.Points(10) + tw, Y: c.Center().Y}, cb.label)
	}
}

// nominalTicks returns fixed ticks at 0, 1, ... with the given labels.
func nominalTicks(labels []string) gplot.ConstantTicks {
	ts := make([]gplot.Tick, len(labels))
	for i, l := range labels {
		ts[i] = gplot.Tick{Value: float64(i), Label: l}
	}
	return ts
}

package plot

import (
	"image/color"
	"math"
	"strconv"

	xfont "golang.org/x/image/font"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Default figure geometry.
const (
	DefaultWidth  = 7 * vg.Inch
	DefaultHeight = 4.5 * vg.Inch
	DefaultDPI    = 150
)

// Font sizes of the style, in points.
const (
	TitleSize     = 14
	LabelSize     = 12
	TickSize      = 11
	LegendSize    = 11
	CellLabelSize = 10
)

var (
	sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	boldFont = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}
)

// Palette is the Okabe–Ito colour-blind-safe palette in the order series use
// it: blue, orange, bluish green, vermillion, reddish purple, sky blue,
// black, yellow (last: low contrast on white).
var Palette = []color.Color{
	color.RGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0xFF},
	color.RGBA{R: 0xE6, G: 0x9F, B: 0x00, A: 0xFF},
	color.RGBA{R: 0x00, G: 0x9E, B: 0x73, A: 0xFF},
	color.RGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 0xFF},
	color.RGBA{R: 0xCC, G: 0x79, B: 0xA7, A: 0xFF},
	color.RGBA{R: 0x56, G: 0xB4, B: 0xE9, A: 0xFF},
	color.RGBA{R: 0x00, G: 0x00, B: 0x00, A: 0xFF},
	color.RGBA{R: 0xF0, G: 0xE4, B: 0x42, A: 0xFF},
}

// SeriesColor returns the palette colour of series i (cycling).
func SeriesColor(i int) color.Color { return Palette[i%len(Palette)] }

// glyphs pairs with Palette so each series also differs in shape.
var glyphs = []draw.GlyphDrawer{
	draw.CircleGlyph{},
	draw.PyramidGlyph{},
	draw.BoxGlyph{},
	diamondGlyph{},
	draw.TriangleGlyph{},
	draw.RingGlyph{},
	draw.CrossGlyph{},
	draw.PlusGlyph{},
}

func seriesGlyph(i int) draw.GlyphDrawer { return glyphs[i%len(glyphs)] }

// diamondGlyph is a filled square turned by 45°.
type diamondGlyph struct{}

func (diamondGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetColor(sty.Color)
	r := sty.Radius * 1.2
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y})
	p.Line(vg.Point{X: pt.X, Y: pt.Y - r})
	p.Line(vg.Point{X: pt.X - r, Y: pt.Y})
	p.Close()
	c.Fill(p)
}

var (
	gridColor   = color.Gray{Y: 0xDD}
	identityCol = color.Gray{Y: 0x66}
	missingCol  = color.Gray{Y: 0xCC}
)

// withAlpha returns c with its alpha set to a in [0, 1] (premultiplied).
func withAlpha(c color.Color, a float64) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: uint8(math.Round(a * 255))}
}

func textStyle(f font.Font, size float64) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(f, font.Length(size)),
		XAlign:  draw.XCenter,
		YAlign:  draw.YTop,
		Handler: gplot.DefaultTextHandler,
	}
}

// LegendPosition says where a figure's legend goes.
type LegendPosition int

const (
	// LegendRight (the zero value) puts the legend outside the data area,
	// to the right, where it can never cover data.
	LegendRight LegendPosition = iota
	// LegendTopRight and the three others put it inside the data area, in
	// that corner, on a white box.
	LegendTopRight
	LegendTopLeft
	LegendBottomRight
	LegendBottomLeft
	// LegendNone draws no legend.
	LegendNone
)

// Options are the settings all builders share. The zero value is a figure
// with no title or axis labels, a legend to the right, 7 × 4.5 in, axes
// fitted to the data.
type Options struct {
	// Title, drawn 14 pt bold above the plot. Use "\n" for a second line.
	Title string
	// XLabel and YLabel name the axes; give units and n, e.g.
	// "utility μ, run B (n = 120 tasks)".
	XLabel, YLabel string
	// Legend places the legend; see LegendPosition.
	Legend LegendPosition
	// Width and Height of the figure; zero means DefaultWidth, DefaultHeight.
	Width, Height vg.Length
	// XRange and YRange fix an axis to [min, max]; the zero value [0 0]
	// fits the axis to the data.
	XRange, YRange [2]float64
	// LogX and LogY use a base-10 log scale; all values on that axis must
	// then be positive.
	LogX, LogY bool
}

func (o *Options) size() (vg.Length, vg.Length) {
	w, h := o.Width, o.Height
	if w <= 0 {
		w = DefaultWidth
	}
	if h <= 0 {
		h = DefaultHeight
	}
	return w, h
}

// Grid modes for newPlot.
const (
	gridNone = iota
	gridBoth
	gridHorizontal
)

// newPlot returns a gonum plot in the package style with the options' title,
// labels, scales and grid lines.
func newPlot(o *Options, grid int) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = o.Title
	p.Title.TextStyle = textStyle(boldFont, TitleSize)
	p.Title.Padding = vg.Points(8)
	for _, ax := range []*gplot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle = textStyle(sansFont, LabelSize)
		ax.Label.TextStyle.YAlign = draw.YBottom // gonum rotates and places axis labels assuming this
		ax.Tick.Marker = readableTicks{}
		ax.Label.Padding = vg.Points(4)
		ax.Tick.Label = textStyle(sansFont, TickSize)
		ax.LineStyle.Color = color.Gray{Y: 0x44}
		ax.Tick.LineStyle.Color = color.Gray{Y: 0x44}
		ax.Padding = vg.Points(4)
	}
	p.X.Tick.Label.YAlign = draw.YTop
	p.Y.Tick.Label.XAlign = draw.XRight
	p.Y.Tick.Label.YAlign = draw.YCenter
	p.X.Label.Text = o.XLabel
	p.Y.Label.Text = o.YLabel
	if o.LogX {
		p.X.Scale = gplot.LogScale{}
		p.X.Tick.Marker = gplot.LogTicks{Prec: -1}
	}
	if o.LogY {
		p.Y.Scale = gplot.LogScale{}
		p.Y.Tick.Marker = gplot.LogTicks{Prec: -1}
	}
	if grid != gridNone {
		g := plotter.NewGrid()
		g.Vertical.Color = gridColor
		if grid == gridHorizontal {
			g.Vertical.Color = nil
		}
		g.Horizontal.Color = gridColor
		g.Vertical.Width = vg.Points(0.6)
		g.Horizontal.Width = vg.Points(0.6)
		p.Add(g)
	}
	return p
}

// applyRanges fixes the axes that the options fix; call after adding data.
func applyRanges(p *gplot.Plot, o *Options) {
	if o.XRange != [2]float64{} {
		p.X.Min, p.X.Max = o.XRange[0], o.XRange[1]
	}
	if o.YRange != [2]float64{} {
		p.Y.Min, p.Y.Max = o.YRange[0], o.YRange[1]
	}
}

func newLegend() gplot.Legend {
	l := gplot.NewLegend()
	l.TextStyle = textStyle(sansFont, LegendSize)
	l.TextStyle.XAlign = draw.XLeft
	l.TextStyle.YAlign = draw.YBottom
	l.Padding = vg.Points(3)
	l.ThumbnailWidth = vg.Points(22)
	l.YPosition = draw.PosCenter
	return l
}

// readableTicks puts four to seven labelled ticks on an axis, at multiples
// of a round step (1, 2, 2.5 or 5 times a power of ten), with an unlabelled
// tick halfway between labelled ones, and labels them all with the same
// number of decimals.
type readableTicks struct{}

func (readableTicks) Ticks(lo, hi float64) []gplot.Tick {
	if !(hi > lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil
	}
	span := hi - lo
	base := math.Floor(math.Log10(span / 5))
	bestStep, bestScore, bestDigits := 0.0, math.Inf(1), 0
	for e := base - 1; e <= base+1; e++ {
		for rank, m := range []float64{1, 2, 5, 2.5} {
			step := m * math.Pow(10, e)
			n := math.Floor(hi/step+1e-9) - math.Ceil(lo/step-1e-9) + 1
			// Prefer 4-7 labels, then the simpler multiplier.
			score := float64(rank) * 0.1
			if n < 4 {
				score += 10 * (4 - n)
			} else if n > 7 {
				score += 10 * (n - 7)
			}
			if score < bestScore {
				digits := int(math.Max(0, -e))
				if m == 2.5 {
					digits++
				}
				bestStep, bestScore, bestDigits = step, score, digits
			}
		}
	}
	var ts []gplot.Tick
	k0, k1 := math.Ceil(lo/bestStep-1e-9), math.Floor(hi/bestStep+1e-9)
	for k := k0 - 1; k <= k1; k++ {
		v := k * bestStep
		if v >= lo-1e-9*span && v <= hi+1e-9*span {
			label := strconv.FormatFloat(v, 'f', bestDigits, 64)
			if v == 0 || math.Abs(v) < 1e-9*span {
				label = strconv.FormatFloat(0, 'f', bestDigits, 64)
			}
			ts = append(ts, gplot.Tick{Value: v, Label: label})
		}
		if h := v + bestStep/2; h >= lo && h <= hi {
			ts = append(ts, gplot.Tick{Value: h})
		}
	}
	return ts
}

package plot

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// HeatmapOptions are the settings of Heatmap. The zero value colours cells
// with the sequential map over the data's range, labels each cell with its
// value to 2 decimals, and draws a colour bar without a label.
type HeatmapOptions struct {
	Options
	// Diverging uses the blue–white–red map centred on Center (for
	// correlations, differences, signed effects).
	Diverging bool
	Center    float64
	// Min and Max fix the colour scale; both zero means the data range
	// (for Diverging, symmetric around Center).
	Min, Max float64
	// Digits of the cell labels; zero means 2, negative hides the labels.
	Digits int
	// Labels, when not nil, are the cells' texts (same shape as m) in place
	// of their values, for labels that carry more than the value (a share
	// and its count); a label may hold a line break. Digits < 0 still hides
	// them.
	Labels [][]string
	// ColorBarLabel names the colour bar's quantity, with units.
	ColorBarLabel string
}

// Heatmap draws matrix m (rows × columns, row 0 at the top) as coloured
// cells labelled with their values, with rowLabels on the y axis and
// colLabels on the x axis (row labels longer than 32 runes are cut with
// "…"). NaN cells are drawn grey and labelled "–". It
// returns an error when m is empty or ragged, or the label counts do not
// match.
func Heatmap(m [][]float64, rowLabels, colLabels []string, o *HeatmapOptions) (*Figure, error) {
	if o == nil {
		o = &HeatmapOptions{}
	}
	if len(m) == 0 || len(m[0]) == 0 {
		return nil, fmt.Errorf("plot: heatmap: empty matrix")
	}
	rows, cols := len(m), len(m[0])
	for i, r := range m {
		if len(r) != cols {
			return nil, fmt.Errorf("plot: heatmap: row %d has %d columns, row 0 has %d", i, len(r), cols)
		}
		for j, v := range r {
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("plot: heatmap: m[%d][%d] is infinite", i, j)
			}
		}
	}
	if o.Labels != nil {
		if len(o.Labels) != rows {
			return nil, fmt.Errorf("plot: heatmap: %d rows of labels for %d rows", len(o.Labels), rows)
		}
		for i, r := range o.Labels {
			if len(r) != cols {
				return nil, fmt.Errorf("plot: heatmap: label row %d has %d entries, want %d", i, len(r), cols)
			}
		}
	}
	if len(rowLabels) != rows || len(colLabels) != cols {
		return nil, fmt.Errorf("plot: heatmap: %d row and %d column labels for a %d×%d matrix", len(rowLabels), len(colLabels), rows, cols)
	}
	if o.LogX || o.LogY {
		return nil, fmt.Errorf("plot: heatmap: log axes are not supported")
	}

	lo, hi := o.Min, o.Max
	if lo == 0 && hi == 0 {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, r := range m {
			for _, v := range r {
				if !math.IsNaN(v) {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
		}
		if math.IsInf(lo, 0) { // all NaN
			lo, hi = 0, 1
		}
		if o.Diverging {
			r := math.Max(math.Abs(hi-o.Center), math.Abs(lo-o.Center))
			lo, hi = o.Center-r, o.Center+r
		}
	}
	if !(hi > lo) {
		lo, hi = lo-0.5, hi+0.5
	}
	cmap := func(v float64) color.Color { return viridis((v - lo) / (hi - lo)) }
	if o.Diverging {
		c, l, h := o.Center, lo, hi
		cmap = func(v float64) color.Color {
			if v >= c {
				if h == c {
					return divergingColor(0)
				}
				return divergingColor((v - c) / (h - c))
			}
			if l == c {
				return divergingColor(0)
			}
			return divergingColor(-(v - c) / (l - c))
		}
	}

	p := newPlot(&o.Options, gridNone)
	f := newFigure(p, &o.Options)
	digits := o.Digits
	if digits == 0 {
		digits = 2
	}
	hm := &heatPlotter{m: m, labels: o.Labels, cmap: cmap, digits: digits}
	p.Add(hm)
	p.X.Min, p.X.Max = -0.5, float64(cols)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(rows)-0.5
	p.X.Padding, p.Y.Padding = 0, 0
	p.X.Tick.Length, p.Y.Tick.Length = 0, 0
	p.X.LineStyle.Width, p.Y.LineStyle.Width = 0, 0
	p.X.Tick.Marker = nominalTicks(colLabels)
	rev := make([]string, rows)
	for i, l := range rowLabels {
		rev[rows-1-i] = shorten(l, maxRowLabel)
	}
	p.Y.Tick.Marker = nominalTicks(rev)
	// Row slot: the figure height less title, margins and x axis, roughly.
	fitAcross(&p.Y, rev, (f.Height-2*margin-1.5*vg.Inch)/vg.Length(rows), true)

	f.colorBar = &colorBar{
		cmap: cmap, min: lo, max: hi, label: o.ColorBarLabel,
		tick: textStyle(sansFont, TickSize), lab: textStyle(sansFont, LabelSize),
	}
	f.colorBar.tick.XAlign = draw.XLeft
	f.colorBar.tick.YAlign = draw.YCenter

	// Slot width: figure less margins, y labels (estimated from the longest
	// row label) and colour bar.
	var rowW vg.Length
	for _, l := range rev {
		rowW = max(rowW, p.Y.Tick.Label.Width(l))
	}
	avail := f.Width - 2*margin - f.colorBar.width() - rowW - vg.Inch/2
	fitTickLabels(&p.X, colLabels, avail/vg.Length(cols))
	return f, nil
}

// heatPlotter draws the cells of m with value labels.
type heatPlotter struct {
	m      [][]float64
	labels [][]string
	cmap   func(float64) color.Color
	digits int
}

func (h *heatPlotter) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	rows := len(h.m)
	cellW := trX(1) - trX(0)
	cellH := trY(1) - trY(0)
	// Shrink the label font until the widest label fits its cell; give up
	// below 7 pt rather than draw unreadable text.
	size := float64(CellLabelSize)
	sty := textStyle(sansFont, size)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	widest, tallest := "", ""
	for i, r := range h.m {
		for j := range r {
			s := h.label(i, j)
			if sty.Width(s) > sty.Width(widest) {
				widest = s
			}
			if sty.Height(s) > sty.Height(tallest) {
				tallest = s
			}
		}
	}
	for size >= 7 && (sty.Width(widest) > cellW*0.9 || sty.Height(tallest) > cellH*0.8) {
		size--
		sty.Font = font.From(sansFont, font.Length(size))
	}
	showLabels := h.digits >= 0 && size >= 7
	for i, r := range h.m {
		y := float64(rows - 1 - i)
		for j, v := range r {
			x := float64(j)
			rect := vg.Rectangle{
				Min: vg.Point{X: trX(x - 0.5), Y: trY(y - 0.5)},
				Max: vg.Point{X: trX(x + 0.5), Y: trY(y + 0.5)},
			}
			var col color.Color = missingCol
			if !math.IsNaN(v) {
				col = h.cmap(v)
			}
			c.SetColor(col)
			c.Fill(rect.Path())
			c.SetLineStyle(draw.LineStyle{Color: color.White, Width: vg.Points(0.8)})
			c.Stroke(rect.Path())
			if showLabels {
				ts := sty
				ts.Color = color.Black
				if luminance(col) < 0.45 {
					ts.Color = color.White
				}
				c.FillText(ts, vg.Point{X: trX(x), Y: trY(y)}, h.label(i, j))
			}
		}
	}
}

func (h *heatPlotter) label(i, j int) string {
	if h.labels != nil {
		return h.labels[i][j]
	}
	v := h.m[i][j]
	if math.IsNaN(v) {
		return "–"
	}
	d := h.digits
	if d < 0 {
		d = 0
	}
	s := strconv.FormatFloat(v, 'f', d, 64)
	if s == "-"+strconv.FormatFloat(0, 'f', d, 64) {
		s = s[1:]
	}
	return s
}

func (h *heatPlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	return -0.5, float64(len(h.m[0])) - 0.5, -0.5, float64(len(h.m)) - 0.5
}

// luminance is the relative luminance of c in [0, 1] (sRGB weights).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xFFFF
}

// viridisAnchors are evenly spaced samples of the viridis colour map, from
// dark purple (0) to yellow (1); colours in between are interpolated.
var viridisAnchors = []color.RGBA{
	{0x44, 0x01, 0x54, 0xFF},
	{0x48, 0x28, 0x78, 0xFF},
	{0x3E, 0x4A, 0x89, 0xFF},
	{0x31, 0x68, 0x8E, 0xFF},
	{0x26, 0x82, 0x8E, 0xFF},
	{0x1F, 0x9E, 0x89, 0xFF},
	{0x35, 0xB7, 0x79, 0xFF},
	{0x6D, 0xCD, 0x59, 0xFF},
	{0xB4, 0xDE, 0x2C, 0xFF},
	{0xFD, 0xE7, 0x25, 0xFF},
}

// viridis maps t in [0, 1] (clamped) to the sequential colour map.
func viridis(t float64) color.Color { return interpolate(viridisAnchors, t) }

// divergingAnchors run from the neutral centre (t = 0) to one end (t = 1);
// divergingColor uses the red arm for t >= 0 and the blue arm for t < 0.
var (
	redArm  = []color.RGBA{{0xF7, 0xF7, 0xF7, 0xFF}, {0xF4, 0xA5, 0x82, 0xFF}, {0xD6, 0x60, 0x4D, 0xFF}, {0xB2, 0x18, 0x2B, 0xFF}}
	blueArm = []color.RGBA{{0xF7, 0xF7, 0xF7, 0xFF}, {0x92, 0xC5, 0xDE, 0xFF}, {0x43, 0x93, 0xC3, 0xFF}, {0x21, 0x66, 0xAC, 0xFF}}
)

// divergingColor maps t in [-1, 1] (clamped): -1 blue, 0 near-white, +1 red.
func divergingColor(t float64) color.Color {
	if t >= 0 {
		return interpolate(redArm, t)
	}
	return interpolate(blueArm, -t)
}

func interpolate(anchors []color.RGBA, t float64) color.Color {
	if math.IsNaN(t) {
		return missingCol
	}
	t = math.Max(0, math.Min(1, t))
	pos := t * float64(len(anchors)-1)
	i := int(math.Floor(pos))
	if i >= len(anchors)-1 {
		return anchors[len(anchors)-1]
	}
	f := pos - float64(i)
	a, b := anchors[i], anchors[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + f*(float64(y)-float64(x)))) }
	return color.RGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: 0xFF}
}

// maxRowLabel is the longest heatmap row label, in runes, drawn in full;
// longer ones are cut with an ellipsis so the matrix keeps its width.
const maxRowLabel = 32

// shorten cuts s to at most n runes, ending it with "…" when cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

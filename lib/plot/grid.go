package plot

import (
	"fmt"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// GridOptions are the settings of Grid. Title is drawn above the panels;
// Width and Height are the whole figure's (zero: 4.2 in per column and
// 3.2 in per row). The panels keep their own titles, labels and legends.
type GridOptions struct {
	Title         string
	Width, Height vg.Length
}

// Grid lays out figures as small multiples, cols per row, under a common
// title: one image for a per-template or per-layer comparison. It returns
// an error when there are no figures or cols is not positive.
func Grid(figs []*Figure, cols int, o *GridOptions) (*Figure, error) {
	if len(figs) == 0 {
		return nil, fmt.Errorf("plot: grid: no figures")
	}
	if cols <= 0 {
		return nil, fmt.Errorf("plot: grid: %d columns", cols)
	}
	for i, f := range figs {
		if f == nil || f.Plot == nil {
			return nil, fmt.Errorf("plot: grid: figure %d is nil", i)
		}
	}
	if o == nil {
		o = &GridOptions{}
	}
	cols = min(cols, len(figs))
	rows := (len(figs) + cols - 1) / cols
	w, h := o.Width, o.Height
	if w <= 0 {
		w = vg.Length(cols) * 4.2 * vg.Inch
	}
	if h <= 0 {
		h = vg.Length(rows)*3.2*vg.Inch + vg.Inch/2
	}
	g := newFigure(newPlot(&Options{Title: o.Title}, gridNone), &Options{Width: w, Height: h})
	g.panels, g.cols = figs, cols
	return g, nil
}

func (f *Figure) drawGrid(c draw.Canvas) {
	inner := draw.Crop(c, margin, -margin, margin, -margin)
	if t := f.Plot.Title.Text; t != "" {
		sty := f.Plot.Title.TextStyle
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		top := inner.Max.Y
		inner.FillText(sty, vg.Point{X: (inner.Min.X + inner.Max.X) / 2, Y: top}, t)
		inner = draw.Crop(inner, 0, 0, 0, -(sty.Height(t) + f.Plot.Title.Padding))
	}
	rows := (len(f.panels) + f.cols - 1) / f.cols
	tiles := draw.Tiles{Rows: rows, Cols: f.cols, PadX: vg.Points(6), PadY: vg.Points(6)}
	for i, p := range f.panels {
		p.Draw(tiles.At(inner, i%f.cols, i/f.cols))
	}
}

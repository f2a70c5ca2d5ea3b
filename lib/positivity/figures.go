package positivity

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/prefscope/prefscope/lib/plot"
)

// DisplayName is how figures and tables name a dimension's value: option
// sets with slashes ("good/neutral/bad"), everything else as stored.
func DisplayName(d Dim, v string) string {
	if d == ByOptionSet {
		return strings.ReplaceAll(v, "_", "/")
	}
	return v
}

// Levels returns the distinct values of d among cells, in order of first
// appearance.
func Levels(cells []Cell, d Dim) []string {
	var out []string
	seen := map[string]bool{}
	for i := range cells {
		if v := cells[i].Value(d); !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// Select returns the ratings whose value of d is one of values.
func Select(ratings []Rating, d Dim, values ...string) []Rating {
	var out []Rating
	for i := range ratings {
		for _, v := range values {
			if ratingValue(&ratings[i], d) == v {
				out = append(out, ratings[i])
				break
			}
		}
	}
	return out
}

// HeatmapSpec lays out a share heatmap: which class, which dimensions go on
// the rows and columns (values in order of first appearance), and the
// figure's title and size (zero: plot's defaults).
type HeatmapSpec struct {
	Class      Class
	Rows, Cols Dim
	Title      string
	Width      vg.Length
	Height     vg.Length
}

// Heatmap draws the share of one class in each cell as a rows x cols
// heatmap on a fixed 0–100% colour scale; each cell's label is the share in
// percent over a second line with the number of unparsed answers, so a
// share resting on few valid answers is visible. Two cells with the same
// row and column values are an error (group the table by exactly the two
// dimensions, after filtering the others); a missing combination is grey.
func Heatmap(cells []Cell, s HeatmapSpec) (*plot.Figure, error) {
	rows, cols := Levels(cells, s.Rows), Levels(cells, s.Cols)
	if len(rows) == 0 {
		return nil, fmt.Errorf("positivity: heatmap %q: no cells", s.Title)
	}
	m := make([][]float64, len(rows))
	labels := make([][]string, len(rows))
	filled := make([][]bool, len(rows))
	for i := range m {
		m[i] = make([]float64, len(cols))
		labels[i] = make([]string, len(cols))
		filled[i] = make([]bool, len(cols))
		for j := range m[i] {
			m[i][j], labels[i][j] = math.NaN(), "–"
		}
	}
	index := func(levels []string, v string) int {
		for k, l := range levels {
			if l == v {
				return k
			}
		}
		return -1
	}
	for _, c := range cells {
		i, j := index(rows, c.Value(s.Rows)), index(cols, c.Value(s.Cols))
		if filled[i][j] {
			return nil, fmt.Errorf("positivity: heatmap %q: two cells at %s=%s, %s=%s (group by exactly %s and %s)", s.Title, s.Rows, rows[i], s.Cols, cols[j], s.Rows, s.Cols)
		}
		filled[i][j] = true
		sh := c.Share[s.Class]
		if c.Valid > 0 {
			m[i][j] = sh.P
			labels[i][j] = fmt.Sprintf("%.0f%%\n%d unparsed", 100*sh.P, c.Unparsed)
		}
	}
	rowNames, colNames := make([]string, len(rows)), make([]string, len(cols))
	for i, r := range rows {
		rowNames[i] = DisplayName(s.Rows, r)
	}
	for j, c := range cols {
		colNames[j] = DisplayName(s.Cols, c)
	}
	return plot.Heatmap(m, rowNames, colNames, &plot.HeatmapOptions{
		Min: 0, Max: 1, Labels: labels,
		ColorBarLabel: "share " + s.Class.String() + " (of parsed answers)",
		Options:       plot.Options{Title: s.Title, XLabel: dimTitle(s.Cols), YLabel: dimTitle(s.Rows), Width: s.Width, Height: s.Height},
	})
}

func dimTitle(d Dim) string {
	switch d {
	case ByOptionSet:
		return "option set (best first)"
	case ByFraming:
		return "framing"
	}
	return string(d)
}

// PanelHeatmaps draws one Heatmap per combination of the panel
// dimensions present (say, per origin, or per model and origin), as small
// multiples with cols panels a row under s.Title; each panel is titled with
// its values. s.Width and s.Height are each panel's (zero: 6.5 x 4.5 in).
func PanelHeatmaps(cells []Cell, s HeatmapSpec, cols int, panels ...Dim) (*plot.Figure, error) {
	var figs []*plot.Figure
	groups, keys := panelGroups(cells, panels)
	for _, k := range keys {
		ps := s
		ps.Title = k
		f, err := Heatmap(groups[k], ps)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f)
	}
	if len(figs) == 0 {
		return nil, fmt.Errorf("positivity: panels %q: no cells", s.Title)
	}
	return grid(figs, cols, s)
}

// ClassHeatmaps draws the positive, neutral and negative Heatmaps of the
// same cells side by side under s.Title (s.Class is ignored). Cells whose
// scales have no middle option get no neutral panel.
func ClassHeatmaps(cells []Cell, s HeatmapSpec) (*plot.Figure, error) {
	neutral := false
	for _, c := range cells {
		neutral = neutral || c.HasNeutral
	}
	var figs []*plot.Figure
	for _, k := range Classes {
		if k == Neutral && !neutral {
			continue
		}
		ps := s
		ps.Class, ps.Title = k, "share "+k.String()
		f, err := Heatmap(cells, ps)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f)
	}
	return grid(figs, len(figs), s)
}

func grid(figs []*plot.Figure, cols int, s HeatmapSpec) (*plot.Figure, error) {
	cols = max(1, min(cols, len(figs)))
	rows := (len(figs) + cols - 1) / cols
	w, h := s.Width, s.Height
	if w == 0 {
		w = 6.5 * vg.Inch
	}
	if h == 0 {
		h = 4.5 * vg.Inch
	}
	return plot.Grid(figs, cols, &plot.GridOptions{Title: s.Title, Width: vg.Length(cols) * w, Height: vg.Length(rows)*h + vg.Inch/2})
}

// panelGroups splits cells by their values of dims, keyed by a title such
// as "model synth:7, origin math", in order of first appearance.
func panelGroups(cells []Cell, dims []Dim) (map[string][]Cell, []string) {
	groups := map[string][]Cell{}
	var keys []string
	for _, c := range cells {
		var parts []string
		for _, d := range dims {
			parts = append(parts, fmt.Sprintf("%s %s", d, DisplayName(d, c.Value(d))))
		}
		k := strings.Join(parts, ", ")
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], c)
	}
	return groups, keys
}

// ScoreBars draws, for each cell (one per value of by), the shares
// positive, neutral and negative with ±half the width of their 95% Wilson
// interval (the interval is asymmetric; the half-width is its size).
func ScoreBars(cells []Cell, by Dim, title string) (*plot.Figure, error) {
	var cats []string
	series := make([]plot.BarSeries, len(Classes))
	for k, cl := range Classes {
		series[k].Name = cl.String()
	}
	for _, c := range cells {
		cats = append(cats, fmt.Sprintf("%s (n = %d)", DisplayName(by, c.Value(by)), c.Valid))
		for k := range Classes {
			sh := c.Share[k]
			series[k].Values = append(series[k].Values, sh.P)
			series[k].Err = append(series[k].Err, sh.CI.Width()/2)
		}
	}
	return plot.Bars(cats, series, &plot.BarsOptions{Options: plot.Options{
		Title: title, XLabel: dimTitle(by) + " (n = parsed answers)", YLabel: "share of parsed answers (± half 95% Wilson CI)", YRange: [2]float64{0, 1},
	}})
}

// MeanScoreBars draws each cell's mean score (−1 worst to +1 best) with
// its 95% interval clustered by task, one bar per value of by and one series
// per value of series ("" for a single series).
func MeanScoreBars(cells []Cell, by, series Dim, title string) (*plot.Figure, error) {
	cats := Levels(cells, by)
	var names []string
	if series != "" {
		names = Levels(cells, series)
	} else {
		names = []string{""}
	}
	ss := make([]plot.BarSeries, len(names))
	for k, n := range names {
		ss[k] = plot.BarSeries{Name: DisplayName(series, n), Values: make([]float64, len(cats)), Err: make([]float64, len(cats))}
	}
	for _, c := range cells {
		j, k := indexOf(cats, c.Value(by)), 0
		if series != "" {
			k = indexOf(names, c.Value(series))
		}
		if c.Valid == 0 || math.IsNaN(c.MeanCI.High) {
			return nil, fmt.Errorf("positivity: mean score bars %q: cell %s=%s has no interval (%d valid answers over %d tasks)", title, by, c.Value(by), c.Valid, c.Tasks)
		}
		ss[k].Values[j], ss[k].Err[j] = c.Mean, c.MeanCI.High-c.Mean
	}
	labels := make([]string, len(cats))
	for j, c := range cats {
		labels[j] = DisplayName(by, c)
	}
	return plot.Bars(labels, ss, &plot.BarsOptions{Options: plot.Options{
		Title: title, XLabel: dimTitle(by), YLabel: "mean score, −1 to +1 (± 95% CI by task)",
	}})
}

func indexOf(levels []string, v string) int {
	for i, l := range levels {
		if l == v {
			return i
		}
	}
	return -1
}

// PlantedScatter draws every cell's measured share of each class against
// the planted share, with the measured share's 95% Wilson interval as a
// vertical bar and the identity line. Cells without planted shares are an
// error; the neutral share of two-option cells (zero by construction) is
// left out, as in Coverage.
func PlantedScatter(cells []Cell, title string) (*plot.Figure, error) {
	var x, y []float64
	var groups []string
	var bars errorBars
	for _, c := range cells {
		if c.Planted == nil {
			return nil, fmt.Errorf("positivity: planted scatter: cell %s/%s/%s/%s has no planted shares", c.Model, c.Framing, c.OptionSet, c.Origin)
		}
		if c.Valid == 0 {
			continue
		}
		for _, k := range Classes {
			if k == Neutral && !c.HasNeutral {
				continue
			}
			sh := c.Share[k]
			x, y = append(x, c.Planted.Share[k]), append(y, sh.P)
			groups = append(groups, k.String())
			bars = append(bars, errorBar{c.Planted.Share[k], sh.P, sh.P - sh.CI.Low, sh.CI.High - sh.P})
		}
	}
	in, total := Coverage(cells)
	fig, err := plot.Scatter(x, y, &plot.ScatterOptions{Groups: groups, Identity: true, Radius: vg.Points(2.5), Options: plot.Options{
		Title:  title,
		XLabel: fmt.Sprintf("planted share (n = %d shares in %d cells)", len(x), len(cells)),
		YLabel: fmt.Sprintf("measured share (95%% Wilson CI; planted inside: %d of %d)", in, total),
		XRange: [2]float64{0, 1}, Legend: plot.LegendTopLeft, Width: 7 * vg.Inch, Height: 6 * vg.Inch,
	}})
	if err != nil {
		return nil, err
	}
	eb, err := plotter.NewYErrorBars(bars)
	if err != nil {
		return nil, fmt.Errorf("positivity: planted scatter: %w", err)
	}
	eb.Color = color.Gray{Y: 150}
	eb.Width = vg.Points(0.6)
	eb.CapWidth = vg.Points(2)
	fig.Plot.Add(eb)
	return fig, nil
}

type errorBar struct{ x, y, lo, hi float64 }

type errorBars []errorBar

func (e errorBars) Len() int                        { return len(e) }
func (e errorBars) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e errorBars) YError(i int) (float64, float64) { return e[i].lo, e[i].hi }

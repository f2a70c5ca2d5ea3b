package plot

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Group is one group of values for Histogram.
type Group struct {
	Name   string
	Values []float64
}

// HistogramOptions are the settings of Histogram. The zero value uses 20
// bins over the pooled range of all groups and plots counts.
type HistogramOptions struct {
	Options
	// Bins is the number of equal-width bins; zero means 20.
	Bins int
	// Range fixes the binned interval [min, max]; the zero value uses the
	// pooled data range. Values outside it are left out.
	Range [2]float64
	// Density scales each group so that its bars integrate to 1 (count /
	// (n × bin width)), which makes groups of different sizes comparable.
	Density bool
}

// Histogram draws the distribution of each sample over shared bins: one
// group is drawn as filled bars; several groups are drawn overlaid, as
// translucent fills with outlines in their own colours, with a legend. It
// returns an error when there is no value at all or a value is not finite.
func Histogram(samples []Group, o *HistogramOptions) (*Figure, error) {
	if o == nil {
		o = &HistogramOptions{}
	}
	if o.LogX {
		return nil, fmt.Errorf("plot: histogram: a log x axis is not supported")
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	total := 0
	for _, s := range samples {
		if err := checkFinite(fmt.Sprintf("histogram %q", s.Name), s.Values); err != nil {
			return nil, err
		}
		total += len(s.Values)
		lo, hi = math.Min(lo, minOf(s.Values)), math.Max(hi, maxOf(s.Values))
	}
	if total == 0 {
		return nil, fmt.Errorf("plot: histogram: no values")
	}
	if o.Range != [2]float64{} {
		lo, hi = o.Range[0], o.Range[1]
		if !(hi > lo) {
			return nil, fmt.Errorf("plot: histogram: Range = %v, want min < max", o.Range)
		}
	}
	if hi == lo {
		lo, hi = lo-0.5, hi+0.5
	}
	nb := o.Bins
	if nb <= 0 {
		nb = 20
	}
	width := (hi - lo) / float64(nb)

	p := newPlot(&o.Options, gridHorizontal)
	f := newFigure(p, &o.Options)
	for si, s := range samples {
		bins := make([]plotter.HistogramBin, nb)
		for b := range bins {
			bins[b].Min = lo + float64(b)*width
			bins[b].Max = lo + float64(b+1)*width
		}
		n := 0
		for _, v := range s.Values {
			if v < lo || v > hi {
				continue
			}
			b := int((v - lo) / width)
			if b >= nb { // v == hi goes in the last bin
				b = nb - 1
			}
			bins[b].Weight++
			n++
		}
		if o.Density && n > 0 {
			for b := range bins {
				bins[b].Weight /= float64(n) * width
			}
		}
		col := SeriesColor(si)
		// Zero bins are left out so that no outline runs along the baseline
		// under another group's bars.
		kept := bins[:0:0]
		for _, b := range bins {
			if b.Weight > 0 {
				kept = append(kept, b)
			}
		}
		h := &plotter.Histogram{Bins: kept, Width: width}
		if len(samples) == 1 {
			h.FillColor = withAlpha(col, 0.85)
			h.LineStyle = draw.LineStyle{Color: color.White, Width: vg.Points(0.8)}
		} else {
			h.FillColor = withAlpha(col, 0.3)
			h.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.6)}
		}
		if len(kept) > 0 {
			p.Add(h)
		}
		if len(samples) > 1 || s.Name != "" {
			f.AddLegend(fmt.Sprintf("%s (n = %d)", s.Name, n), h)
		}
	}
	p.Y.Min = 0
	p.Y.Max = niceCeil(p.Y.Max * 1.05) // headroom above the tallest bar, on a round number
	if o.YLabel == "" {
		p.Y.Label.Text = "count"
		if o.Density {
			p.Y.Label.Text = "density"
		}
	}
	applyRanges(p, &o.Options)
	if o.Range != [2]float64{} && o.XRange == [2]float64{} {
		p.X.Min, p.X.Max = lo, hi
	}
	return f, nil
}

// niceCeil rounds v > 0 up to a multiple of a round step (1, 2 or 5 times a
// power of ten, about a quarter of v), so that the axis ends on a tick.
func niceCeil(v float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return v
	}
	mag := math.Pow10(int(math.Floor(math.Log10(v / 4))))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= v/5 {
			step = m * mag
			break
		}
	}
	return math.Ceil(v/step) * step
}

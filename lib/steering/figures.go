package steering

import (
	"fmt"
	"math"

	"gonum.org/v1/plot/vg"

	"github.com/prefscope/prefscope/lib/plot"
)

// DoseResponse draws the shift of one quantity against the multiplier: the
// probe direction with its 95% band, its planted shift (dashed, when
// known), the pooled random directions with their band, and the range of
// the single random directions. what names the quantity on the y axis
// ("P(A)", "mean rating score").
func DoseResponse(curves []Curve, title, what string) (*plot.Figure, error) {
	var out []plot.Curve
	var spread plot.Curve
	for _, c := range curves {
		switch {
		case c.Direction == Probe:
			pc := band("probe direction (95% CI)", c)
			out = append(out, pc)
			if pl := planted(c); pl != nil {
				out = append(out, plot.Curve{Name: "planted shift, probe direction", X: pc.X, Y: pl, Dashed: true, NoPoint: true})
			}
		case c.Direction == PooledRandom:
			out = append(out, band("random directions, pooled (95% CI)", c))
		case c.Random:
			spread = minMax(spread, c)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("steering: dose-response: no probe or random curve")
	}
	if spread.X != nil {
		spread.Name, spread.NoPoint = "random directions, range of the single ones", true
		for i := range spread.X {
			spread.Y[i] = (spread.Low[i] + spread.High[i]) / 2
		}
		out = append(out, spread)
	}
	return plot.Curves(out, &plot.CurvesOptions{Points: true, Options: plot.Options{Title: title, Legend: plot.LegendTopLeft,
		XLabel: "multiplier (units of the layer's mean activation norm)", YLabel: "shift of " + what + " from unsteered"}})
}

func band(name string, c Curve) plot.Curve {
	pc := plot.Curve{Name: name}
	for _, p := range c.Points {
		pc.X, pc.Y = append(pc.X, p.Multiplier), append(pc.Y, p.Shift)
		lo, hi := p.CI.Low, p.CI.High
		if p.Multiplier == 0 || math.IsNaN(lo) {
			lo, hi = p.Shift, p.Shift
		}
		pc.Low, pc.High = append(pc.Low, lo), append(pc.High, hi)
	}
	return pc
}

func planted(c Curve) []float64 {
	var out []float64
	for _, p := range c.Points {
		if math.IsNaN(p.Planted) {
			return nil
		}
		out = append(out, p.Planted)
	}
	return out
}

// minMax widens acc to cover curve c (same multipliers).
func minMax(acc plot.Curve, c Curve) plot.Curve {
	if acc.X == nil {
		for _, p := range c.Points {
			acc.X = append(acc.X, p.Multiplier)
			acc.Low, acc.High, acc.Y = append(acc.Low, p.Shift), append(acc.High, p.Shift), append(acc.Y, p.Shift)
		}
		return acc
	}
	for i, p := range c.Points {
		if i < len(acc.X) && acc.X[i] == p.Multiplier {
			acc.Low[i], acc.High[i] = math.Min(acc.Low[i], p.Shift), math.Max(acc.High[i], p.Shift)
		}
	}
	return acc
}

// CoherenceFigure draws the share of answers parsed and unparseable per
// multiplier, for the probe direction and the pooled random directions,
// with Wilson 95% bands; limit > 0 marks a (planted) coherence limit ±limit.
func CoherenceFigure(points []CoherencePoint, title string, limit float64) (*plot.Figure, error) {
	var base *CoherencePoint
	for i := range points {
		if points[i].Direction == Baseline {
			base = &points[i]
		}
	}
	var out []plot.Curve
	for _, dir := range []string{Probe, PooledRandom} {
		for _, what := range []string{"parsed", "unparseable"} {
			c := plot.Curve{Name: fmt.Sprintf("%s, %s", what, dir)}
			add := func(p CoherencePoint) {
				r := p.Parsed
				if what == "unparseable" {
					r = p.Unparseable
				}
				c.X, c.Y = append(c.X, p.Multiplier), append(c.Y, r.P)
				c.Low, c.High = append(c.Low, r.CI.Low), append(c.High, r.CI.High)
			}
			for _, p := range points {
				if base != nil && p.Direction == dir && p.Multiplier > 0 && (len(c.X) == 0 || c.X[len(c.X)-1] < 0) {
					add(*base)
				}
				if p.Direction == dir {
					add(p)
				}
			}
			if len(c.X) > 0 {
				c.Dashed = what == "unparseable"
				out = append(out, c)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("steering: coherence: no steered answers")
	}
	if limit > 0 {
		// One path down both limits; its top runs along the frame at 1.
		out = append(out, plot.Curve{Name: fmt.Sprintf("planted coherence limit ±%g", limit),
			X: []float64{-limit, -limit, limit, limit}, Y: []float64{0, 1, 1, 0}, Dashed: true, NoPoint: true})
	}
	return plot.Curves(out, &plot.CurvesOptions{Points: true, Options: plot.Options{Title: title, YRange: [2]float64{0, 1}, Width: 11 * vg.Inch,
		XLabel: "multiplier (units of the layer's mean activation norm)", YLabel: "share of answers (Wilson 95% band)"}})
}

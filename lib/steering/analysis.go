package steering

import (
	"fmt"
	"math"
)

// Analysis is what the notebook shows of one steering part.
type Analysis struct {
	Answers []Answer
	// Curves: the probe direction, each random direction, then the pooled
	// random directions (see Shifts).
	Curves    []Curve
	Slope     SlopeEstimate
	Coherence []CoherencePoint
	Spread    []Spread
}

// Analyze reads a steering part's runs (planted, when not nil, fills the
// planted values) and estimates every shift, the probe direction's slope
// over |multiplier| <= maxAbs, the random spread and the coherence.
func Analyze(runs []Run, planted Planted, maxAbs float64) (*Analysis, error) {
	answers, err := FromRuns(runs, planted)
	if err != nil {
		return nil, err
	}
	curves, err := Shifts(answers)
	if err != nil {
		return nil, err
	}
	slope, err := Slope(answers, Probe, maxAbs)
	if err != nil {
		return nil, err
	}
	return &Analysis{Answers: answers, Curves: curves, Slope: slope, Coherence: Coherence(answers), Spread: RandomSpread(curves)}, nil
}

// Curve returns the analysis' curve of direction d.
func (a *Analysis) Curve(d string) (Curve, bool) {
	for _, c := range a.Curves {
		if c.Direction == d {
			return c, true
		}
	}
	return Curve{}, false
}

// Rows tabulates the shifts per multiplier, in percentage points: the
// probe direction with its interval and planted value, the pooled random
// directions with theirs, the range of the single random directions, and
// the probe's parse rate. For report.Table.
func (a *Analysis) Rows() (header []string, rows [][]string) {
	header = []string{"multiplier", "probe shift (95% CI)", "planted", "random, pooled (95% CI)", "random, min to max", "parsed (probe)"}
	probe, _ := a.Curve(Probe)
	pooled, _ := a.Curve(PooledRandom)
	pct := func(x float64) string {
		if math.IsNaN(x) {
			return "–"
		}
		return points(x)
	}
	ci := func(p Point) string {
		return fmt.Sprintf("%s (%s to %s)", pct(p.Shift), pct(p.CI.Low), pct(p.CI.High))
	}
	for _, p := range probe.Points {
		if p.Multiplier == 0 {
			continue
		}
		row := []string{fmt.Sprintf("%+g", p.Multiplier), ci(p), pct(p.Planted), "–", "–", "–"}
		if q, ok := pooled.At(p.Multiplier); ok {
			row[3] = ci(q)
		}
		for _, s := range a.Spread {
			if s.Multiplier == p.Multiplier {
				row[4] = pct(s.Min) + " to " + pct(s.Max)
			}
		}
		for _, c := range a.Coherence {
			if c.Direction == Probe && c.Multiplier == p.Multiplier {
				row[5] = fmt.Sprintf("%.0f%%", 100*c.Parsed.P)
			}
		}
		rows = append(rows, row)
	}
	return header, rows
}

package steering

import (
	"fmt"
	"math"
	"strings"
)

// points formats a shift of a probability (or a score in [0, 1]) in
// percentage points.
func points(x float64) string { return fmt.Sprintf("%+.1f", 100*x) }

// ChoiceVerdict states what steering did to pairwise choices: the probe
// direction's slope (points of P(A) per 0.01 of the mean norm) with its
// interval and, when known, the planted slope; whether the sign is the
// probe's (a positive multiplier on the first task's tokens raises P(A));
// and whether the pooled random directions stay at zero at every
// multiplier.
func ChoiceVerdict(slope SlopeEstimate, curves []Curve) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Steering along the probe direction moves P(A) by %s points per 0.01 of the mean activation norm (95%% CI %s to %s, |multiplier| ≤ %g, %d pairs)",
		points(slope.Slope/100), points(slope.CI.Low/100), points(slope.CI.High/100), slope.MaxAbs, slope.Clusters)
	if !math.IsNaN(slope.Planted) {
		cover := "covers"
		if !slope.CI.Contains(slope.Planted) {
			cover = "misses"
		}
		fmt.Fprintf(&b, "; the planted slope is %s, which the interval %s", points(slope.Planted/100), cover)
	}
	switch {
	case slope.CI.Low > 0:
		b.WriteString(". The sign is the probe's: pushing the first task's tokens along the direction makes it more likely to be chosen.")
	case slope.CI.High < 0:
		b.WriteString(". The sign is reversed: pushing the first task's tokens along the direction makes it less likely to be chosen.")
	default:
		b.WriteString(". The interval includes zero: no effect is shown.")
	}
	b.WriteString(" " + RandomVerdict(curves))
	return b.String()
}

// RandomVerdict says whether the pooled random directions' shifts cover
// zero at every multiplier, the largest one, and how many of the single
// directions' intervals exclude zero (about 1 in 20 would by chance).
func RandomVerdict(curves []Curve) string {
	single, excl := 0, 0
	for _, c := range curves {
		if c.Random && c.Direction != PooledRandom {
			for _, p := range c.Points {
				if p.Multiplier != 0 {
					single++
					if !p.CI.Contains(0) {
						excl++
					}
				}
			}
		}
	}
	each := fmt.Sprintf(" %d of the %d intervals of single random directions exclude zero (about %.0f would by chance at 95%%).", excl, single, 0.05*float64(single))
	for _, c := range curves {
		if c.Direction != PooledRandom {
			continue
		}
		var miss []string
		largest := Point{}
		for _, p := range c.Points {
			if p.Multiplier == 0 {
				continue
			}
			if !p.CI.Contains(0) {
				miss = append(miss, fmt.Sprintf("%g", p.Multiplier))
			}
			if math.Abs(p.Shift) > math.Abs(largest.Shift) {
				largest = p
			}
		}
		if len(miss) == 0 {
			return fmt.Sprintf("Random directions of the same size, pooled, move it by at most %.1f points, and every 95%% interval covers zero.", 100*math.Abs(largest.Shift)) + each
		}
		return fmt.Sprintf("Random directions of the same size, pooled, move it too: the 95%% interval excludes zero at multiplier %s (largest shift %s points at %g).", strings.Join(miss, ", "), points(largest.Shift), largest.Multiplier) + each
	}
	return "There were no random-direction controls."
}

// RatingVerdict states the shift of the mean rating score (0 worst, 1
// best) per 0.01 of the mean norm.
func RatingVerdict(slope SlopeEstimate, curves []Curve) string {
	s := fmt.Sprintf("Steering moves the mean rating score (0 = worst option, 1 = best) by %s points per 0.01 of the mean activation norm (95%% CI %s to %s, %d tasks)",
		points(slope.Slope/100), points(slope.CI.Low/100), points(slope.CI.High/100), slope.Clusters)
	if !math.IsNaN(slope.Planted) {
		s += fmt.Sprintf("; planted %s", points(slope.Planted/100))
	}
	return s + ". " + strings.Replace(RandomVerdict(curves), "move it", "move the score", 1)
}

// CoherenceVerdict says up to which multiplier answers stay as parseable as
// unsteered (within drop) and how far they fall at the largest multiplier.
func CoherenceVerdict(points []CoherencePoint, drop float64) string {
	var base, worst *CoherencePoint
	for i := range points {
		p := &points[i]
		switch {
		case p.Direction == Baseline:
			base = p
		case p.Direction == Probe && (worst == nil || math.Abs(p.Multiplier) > math.Abs(worst.Multiplier) ||
			math.Abs(p.Multiplier) == math.Abs(worst.Multiplier) && p.Parsed.P < worst.Parsed.P):
			worst = p
		}
	}
	if base == nil || worst == nil {
		return "No coherence comparison: the baseline or the steered answers are missing."
	}
	up := CoherentUpTo(points, Probe, drop)
	return fmt.Sprintf("Answers stay as parseable as unsteered (%.0f%%, within %.0f points) up to |multiplier| %g; at %g only %.0f%% parse (%.0f%% unparseable).",
		100*base.Parsed.P, 100*drop, up, worst.Multiplier, 100*worst.Parsed.P, 100*worst.Unparseable.P)
}

// SlopeNumber formats a slope as a report key number: the value in points
// per 0.01 of the mean norm with its interval, and a note with the planted
// slope (when known) and the fit range.
func SlopeNumber(e SlopeEstimate) (value, note string) {
	value = fmt.Sprintf("%s points (%s to %s)", points(e.Slope/100), points(e.CI.Low/100), points(e.CI.High/100))
	note = fmt.Sprintf("per 0.01 of the mean norm, |multiplier| ≤ %g", e.MaxAbs)
	if !math.IsNaN(e.Planted) {
		note = fmt.Sprintf("planted %s; ", points(e.Planted/100)) + note
	}
	return value, note
}

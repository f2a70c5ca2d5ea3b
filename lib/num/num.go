// Package num writes numbers for tables, verdict sentences and report
// sections, one way everywhere: fixed decimals, "–" for NaN, no "-0.00",
// percentages and "mean ± se". It sits just above lib/stats, below every
// analysis package, so their tables call it directly; lib/report forwards
// it for notebook cells.
package num

import (
	"math"
	"strconv"

	"github.com/prefscope/prefscope/lib/stats"
)

// F formats x with digits decimals (digits < 0 means 0). NaN prints as
// "–", infinities as "∞" and "-∞", and a value that rounds to zero prints
// without a minus sign.
func F(x float64, digits int) string {
	switch {
	case math.IsNaN(x):
		return "–"
	case math.IsInf(x, 1):
		return "∞"
	case math.IsInf(x, -1):
		return "-∞"
	}
	if digits < 0 {
		digits = 0
	}
	s := strconv.FormatFloat(x, 'f', digits, 64)
	if s[0] == '-' && strconv.FormatFloat(math.Abs(x), 'f', digits, 64) == strconv.FormatFloat(0, 'f', digits, 64) {
		s = s[1:]
	}
	return s
}

// Pct formats a fraction as a percentage with digits decimals:
// Pct(0.1234, 1) is "12.3%".
func Pct(frac float64, digits int) string {
	if math.IsNaN(frac) || math.IsInf(frac, 0) {
		return F(frac, digits)
	}
	return F(100*frac, digits) + "%"
}

// PlusMinus formats "mean ± se" with digits decimals on both.
func PlusMinus(mean, se float64, digits int) string {
	return F(mean, digits) + " ± " + F(se, digits)
}

// MeanPM formats the mean ± standard error of xs (stats.MeanSE) followed by
// the number of values: "0.62 ± 0.03 (n = 5)".
func MeanPM(xs []float64, digits int) string {
	m, se := stats.MeanSE(xs)
	return PlusMinus(m, se, digits) + " (n = " + strconv.Itoa(len(xs)) + ")"
}

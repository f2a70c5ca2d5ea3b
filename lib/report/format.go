package report

import (
	"math"
	"strconv"

	"gonum.org/v1/gonum/stat"
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

// MeanSE returns the mean of xs and the standard error of the mean,
// s/√n with s the sample standard deviation (n−1 in the denominator). With
// fewer than two values the standard error is NaN; with none, both are NaN.
func MeanSE(xs []float64) (mean, se float64) {
	switch len(xs) {
	case 0:
		return math.NaN(), math.NaN()
	case 1:
		return xs[0], math.NaN()
	}
	mean, sd := stat.MeanStdDev(xs, nil)
	return mean, sd / math.Sqrt(float64(len(xs)))
}

// MeanPM formats the mean ± standard error of xs (see MeanSE) followed by
// the number of values: "0.62 ± 0.03 (n = 5)".
func MeanPM(xs []float64, digits int) string {
	m, se := MeanSE(xs)
	return PlusMinus(m, se, digits) + " (n = " + strconv.Itoa(len(xs)) + ")"
}

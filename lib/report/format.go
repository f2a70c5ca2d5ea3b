package report

import "github.com/prefscope/prefscope/lib/num"

// Number formatting lives in lib/num, below the analysis packages so their
// tables call it directly; these forwards let a notebook cell that builds a
// section write numbers with the one package it already imports.

// F is num.F: x with digits decimals, NaN as "–", no "-0".
func F(x float64, digits int) string { return num.F(x, digits) }

// Pct is num.Pct: a fraction as a percentage, Pct(0.1234, 1) = "12.3%".
func Pct(frac float64, digits int) string { return num.Pct(frac, digits) }

// PlusMinus is num.PlusMinus: "mean ± se" with digits decimals.
func PlusMinus(mean, se float64, digits int) string { return num.PlusMinus(mean, se, digits) }

// MeanPM is num.MeanPM: mean ± standard error of xs and their count.
func MeanPM(xs []float64, digits int) string { return num.MeanPM(xs, digits) }

package utility

import "math"

const (
	invSqrt2   = 0.70710678118654752440 // 1/√2
	invSqrt2Pi = 0.39894228040143267794 // 1/√(2π)
	logSqrt2Pi = 0.91893853320467274178 // log √(2π)
	// tailSwitch is the |z| beyond which the lower tail Φ(-|z|) is computed
	// from the Mills-ratio continued fraction instead of erfc, which
	// underflows near |z| = 37.5.
	tailSwitch = 30
)

// Phi returns the standard normal CDF Φ(z) = erfc(-z/√2)/2, accurate in
// relative terms in the lower tail.
func Phi(z float64) float64 { return 0.5 * math.Erfc(-z*invSqrt2) }

// LogPhi returns log Φ(z). It is finite and accurate for every finite z:
// for z < -30 it uses the asymptotic continued fraction of the Mills ratio,
// so LogPhi(-40) ≈ -804.608 instead of log(0) = -Inf.
func LogPhi(z float64) float64 {
	lp, _ := logPhiMills(z)
	return lp
}

// millsCF returns R(x) = Φ(-x)/φ(x) for x ≥ tailSwitch by the continued
// fraction R(x) = 1/(x + 1/(x + 2/(x + 3/(x + ...)))), evaluated backwards;
// 12 terms give full double precision for x ≥ 30.
func millsCF(x float64) float64 {
	r := x
	for k := 12; k >= 1; k-- {
		r = x + float64(k)/r
	}
	return 1 / r
}

// logPhiMills returns log Φ(z) and the inverse Mills ratio φ(z)/Φ(z).
func logPhiMills(z float64) (logp, ratio float64) {
	if z < -tailSwitch {
		r := millsCF(-z)
		return -0.5*z*z - logSqrt2Pi + math.Log(r), 1 / r
	}
	p := 0.5 * math.Erfc(-z*invSqrt2)
	return math.Log(p), invSqrt2Pi * math.Exp(-0.5*z*z) / p
}

// log1m returns log(1-t) for t in [0, 1/2]: math.Log(1-t), which has an
// assembly kernel, when t > 1e-4 (relative error below 1e-12 there), and the
// slower math.Log1p(-t) below, where 1-t would lose t's digits.
func log1m(t float64) float64 {
	if t > 1e-4 {
		return math.Log(1 - t)
	}
	return math.Log1p(-t)
}

// pairTerms returns, for z = (μi-μj)/s, the quantities a comparison between
// i and j needs: log Φ(z), log Φ(-z), and the inverse Mills ratios
// φ(z)/Φ(z) and φ(z)/Φ(-z). Only the smaller tail is computed by erfc; the
// larger one is its complement, so both logs keep full relative accuracy.
// need selects which side's terms are used (1: i won, 2: j won, 3: both) to
// skip a logarithm when a side has no wins.
func pairTerms(z float64, need int) (lpI, lpJ, rI, rJ float64) {
	az := math.Abs(z)
	var t, phi float64 // t = Φ(-|z|), phi = φ(z)
	var lt float64     // log t
	if az > tailSwitch {
		r := millsCF(az)
		lt = -0.5*az*az - logSqrt2Pi + math.Log(r)
		phi = invSqrt2Pi * math.Exp(-0.5*az*az)
		t = phi * r
		// ratios: φ/t = 1/r exactly even when phi underflows.
		big := phi / (1 - t)
		if z >= 0 { // i is the likely winner, j the tail
			return math.Log1p(-t), lt, big, 1 / r
		}
		return lt, math.Log1p(-t), 1 / r, big
	}
	t = 0.5 * math.Erfc(az*invSqrt2)
	phi = invSqrt2Pi * math.Exp(-0.5*az*az)
	small, big := phi/t, phi/(1-t)
	if z >= 0 {
		if need&1 != 0 {
			lpI = log1m(t)
		}
		if need&2 != 0 {
			lpJ = math.Log(t)
		}
		return lpI, lpJ, big, small
	}
	if need&1 != 0 {
		lpI = math.Log(t)
	}
	if need&2 != 0 {
		lpJ = log1m(t)
	}
	return lpI, lpJ, small, big
}

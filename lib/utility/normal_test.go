package utility

import (
	"math"
	"testing"
)

// TestLogPhi compares LogPhi with scipy.special.log_ndtr (scipy 1.x,
// /usr/bin/python3), on both sides of the erfc / continued-fraction switch
// at z = -30.
func TestLogPhi(t *testing.T) {
	cases := []struct {
		name string
		z    float64
		want float64
	}{
		{"far tail", -40, -804.6084420137539},
		{"tail past switch", -30.5, -469.4627373229121},
		{"tail before switch", -29.5, -439.4294746091503},
		{"z=-10", -10, -53.23128515051248},
		{"z=-1", -1, -1.841021645009264},
		{"median", 0, -0.6931471805599453},
		{"z=1.96", 1.96, -0.02531564916428212},
		{"z=8", 8, -6.220960574271743e-16},
		{"z=40", 40, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := LogPhi(c.z)
			if d := math.Abs(got - c.want); d > 1e-13*math.Max(1, math.Abs(c.want)) && d > 1e-25 {
				t.Errorf("LogPhi(%v) = %.17g, want %.17g", c.z, got, c.want)
			}
		})
	}
}

// TestPairTermsConsistent checks pairTerms against LogPhi and against the
// definition of the inverse Mills ratio φ(z)/Φ(z) computed directly where
// that is accurate (|z| ≤ 5), and its continuity across |z| = 30.
func TestPairTermsConsistent(t *testing.T) {
	for _, z := range []float64{-35, -30.000001, -29.999999, -5, -2.5, -0.3, 0, 0.3, 2.5, 5, 29.999999, 30.000001, 35} {
		lpI, lpJ, rI, rJ := pairTerms(z, 3)
		if d := math.Abs(lpI - LogPhi(z)); d > 1e-12*math.Max(1, math.Abs(lpI)) {
			t.Errorf("z=%v: log Φ(z) = %v, LogPhi = %v", z, lpI, LogPhi(z))
		}
		if d := math.Abs(lpJ - LogPhi(-z)); d > 1e-12*math.Max(1, math.Abs(lpJ)) {
			t.Errorf("z=%v: log Φ(-z) = %v, LogPhi = %v", z, lpJ, LogPhi(-z))
		}
		if math.Abs(z) <= 5 {
			phi := math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
			if d := math.Abs(rI - phi/Phi(z)); d > 1e-12*rI {
				t.Errorf("z=%v: φ/Φ(z) = %v, want %v", z, rI, phi/Phi(z))
			}
			if d := math.Abs(rJ - phi/Phi(-z)); d > 1e-12*rJ {
				t.Errorf("z=%v: φ/Φ(-z) = %v, want %v", z, rJ, phi/Phi(-z))
			}
		}
		// For z → -∞ the ratio φ/Φ(z) → -z (Mills ratio asymptote).
		if z < -29 && math.Abs(rI/(-z)-1) > 2/(z*z) {
			t.Errorf("z=%v: φ/Φ(z) = %v, want ≈ %v", z, rI, -z)
		}
	}
}

// TestTable bounds the error of the interpolated log Φ and its derivative
// used by Fit against the exact functions on a fine grid over |z| < 8,
// including points next to the table's nodes and ends.
func TestTable(t *testing.T) {
	var maxL, maxD float64
	for z := -7.9999; z < 7.9999; z += 0.000731 {
		l, d := lphi(z)
		el, er := logPhiMills(z)
		maxL = math.Max(maxL, math.Abs(l-el))
		maxD = math.Max(maxD, math.Abs(d-er)/math.Max(1, er))
	}
	// Cubic Hermite on step h = 1/256: error ≤ h⁴/384·max|L''''| ≈ 1e-12
	// for the value, and O(h³) ≈ 1e-8 relative for the slope.
	if maxL > 1e-12 || maxD > 1e-8 {
		t.Errorf("max |log Φ error| = %g (want ≤ 1e-12), max relative slope error = %g (want ≤ 1e-8)", maxL, maxD)
	}
}

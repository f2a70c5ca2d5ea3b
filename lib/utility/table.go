package utility

// The fit evaluates log Φ and its derivative, the inverse Mills ratio, from
// a table: cubic Hermite interpolation of L(z) = log Φ(z) on a grid of step
// 1/256 over |z| < 8, with the exact values and slopes L'(z) = φ(z)/Φ(z) at
// the nodes. The interpolation error is below 1e-12 (TestTable), and the
// gradient Fit uses is the exact derivative of the interpolated objective,
// so the line search sees a consistent function and gradient. Beyond
// |z| = 8 the exact pairTerms is used. Evaluate always uses the exact
// functions. This replaces an erfc, an exp and a log per pair by a few
// multiplications.

const (
	tabZ   = 8.0
	tabInv = 256.0 // 1/step
	tabH   = 1 / tabInv
	tabN   = int(2 * tabZ * tabInv)
)

// tabLR interleaves L and h·L' at each node, so one interval's four values
// sit together in memory.
var tabLR [2 * (tabN + 2)]float64

func init() {
	for k := 0; k <= tabN+1; k++ {
		z := -tabZ + float64(k)*tabH
		l, r := logPhiMills(z)
		tabLR[2*k] = l
		tabLR[2*k+1] = r * tabH
	}
}

// lphi returns the interpolated log Φ(z) and its derivative, for |z| < tabZ.
func lphi(z float64) (l, d float64) {
	u := (z + tabZ) * tabInv
	k := int(u)
	t := u - float64(k)
	c := tabLR[2*k : 2*k+4 : 2*k+4]
	l0, r0, l1, r1 := c[0], c[1], c[2], c[3]
	t2 := t * t
	t3 := t2 * t
	l = (2*t3-3*t2+1)*l0 + (t3-2*t2+t)*r0 + (3*t2-2*t3)*l1 + (t3-t2)*r1
	d = ((6*t2-6*t)*(l0-l1) + (3*t2-4*t+1)*r0 + (3*t2-2*t)*r1) * tabInv
	return l, d
}

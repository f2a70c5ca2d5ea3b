package probe

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/stat"
)

// Form is the linear system a sweep solves: the primal d×d Gram XᵀX or the
// dual n×n kernel XXᵀ. Both give the same predictions; they differ in cost.
type Form int

const (
	// Auto picks the cheaper form from the shapes (see solverCost).
	Auto Form = iota
	// Primal solves (XᵀX + αI) w = Xᵀy, d×d per fold.
	Primal
	// Dual solves (XXᵀ + αI) c = y with w = Xᵀc, n_train×n_train per fold.
	Dual
)

func (f Form) String() string {
	switch f {
	case Primal:
		return "primal"
	case Dual:
		return "dual"
	}
	return "auto"
}

// solver holds the globally centred design and targets and the one Gram
// (primal) or kernel (dual) product that every fold is carved from.
type solver struct {
	n, d, m int
	x       []float64 // n×d, column means 0
	y       []float64 // n×m, column means 0
	form    Form
	gram    []float64 // primal: XᵀX, d×d lower triangle; dual: XXᵀ, n×n both triangles
	xty     []float64 // primal: Xᵀy, d×m
}

// solverCost estimates the flops of each form for the given training sizes:
// the shared product plus one tridiagonal reduction per fold.
func solverCost(n, d int, trainSizes []int) (primal, dual float64) {
	fn, fd := float64(n), float64(d)
	primal = fn * fd * fd
	dual = fn * fn * fd
	for _, t := range trainSizes {
		ft := float64(t)
		primal += (fn-ft)*fd*fd + 4.0/3*fd*fd*fd
		dual += 4.0 / 3 * ft * ft * ft
	}
	return primal, dual
}

func newSolver(x []float64, n, d int, y []float64, m int, form Form, trainSizes []int) *solver {
	if form == Auto {
		p, q := solverCost(n, d, trainSizes)
		form = Primal
		if q < p {
			form = Dual
		}
	}
	s := &solver{n: n, d: d, m: m, x: x, y: y, form: form}
	if form == Primal {
		s.gram = make([]float64, d*d)
		blasImpl.Dsyrk(blas.Lower, blas.Trans, d, n, 1, x, d, 0, s.gram, d)
		s.xty = make([]float64, d*m)
		blasImpl.Dgemm(blas.Trans, blas.NoTrans, d, m, n, 1, x, d, y, m, 0, s.xty, m)
	} else {
		s.gram = make([]float64, n*n)
		blasImpl.Dsyrk(blas.Lower, blas.NoTrans, n, d, 1, x, d, 0, s.gram, n)
		for i := range n {
			for j := i + 1; j < n; j++ {
				s.gram[i*n+j] = s.gram[j*n+i]
			}
		}
	}
	return s
}

// foldPredictions fits on every row not in test and predicts the test rows
// for every alpha and target: out[t*A*m + k*m + j] is the prediction for
// test row t under alphas[k] of target j, in the centred units of s.y.
func (s *solver) foldPredictions(test []int, alphas []float64) ([]float64, error) {
	if s.form == Primal {
		return s.primalFold(test, alphas)
	}
	return s.dualFold(test, alphas)
}

func (s *solver) primalFold(test []int, alphas []float64) ([]float64, error) {
	n, d, m := s.n, s.d, s.m
	nte := len(test)
	ntr := float64(n - nte)
	xte := gatherRows(s.x, d, test)
	yte := gatherRows(s.y, m, test)
	// The training columns' means follow from the test rows, since the
	// full columns have mean 0.
	xm := columnSums(xte, d)
	for j := range xm {
		xm[j] /= -ntr
	}
	ym := columnSums(yte, m)
	for j := range ym {
		ym[j] /= -ntr
	}
	// Centred training Gram: XᵀX - X_teᵀX_te - n_tr x̄x̄ᵀ.
	c := append([]float64(nil), s.gram...)
	if nte > 0 {
		blasImpl.Dsyrk(blas.Lower, blas.Trans, d, nte, -1, xte, d, 1, c, d)
	}
	blasImpl.Dsyr(blas.Lower, d, -ntr, xm, 1, c, d)
	r := append([]float64(nil), s.xty...)
	if nte > 0 {
		blasImpl.Dgemm(blas.Trans, blas.NoTrans, d, m, nte, -1, xte, d, yte, m, 1, r, m)
	}
	blasImpl.Dger(d, m, -ntr, xm, 1, ym, 1, r, m)
	w, err := solveShifted(c, d, r, m, alphas)
	if err != nil {
		return nil, err
	}
	cols := len(alphas) * m
	// Predictions (x_t - x̄)ᵀw + ȳ.
	p := make([]float64, nte*cols)
	blasImpl.Dgemm(blas.NoTrans, blas.NoTrans, nte, cols, d, 1, xte, d, w, cols, 0, p, cols)
	shift := make([]float64, cols)
	blasImpl.Dgemv(blas.Trans, d, cols, 1, w, cols, xm, 1, 0, shift, 1)
	for t := range nte {
		row := p[t*cols : (t+1)*cols]
		for c := range row {
			row[c] += ym[c%m] - shift[c]
		}
	}
	return p, nil
}

func (s *solver) dualFold(test []int, alphas []float64) ([]float64, error) {
	n, m := s.n, s.m
	train := complement(n, test)
	ntr, nte := len(train), len(test)
	if ntr == 0 {
		return nil, fmt.Errorf("probe: a fold leaves no training rows")
	}
	k := s.gram
	// Kernel of the training rows centred on their mean x̄:
	// (x_i-x̄)·(x_j-x̄) = K_ij - r_i - r_j + mm, r_i = x_i·x̄, mm = x̄·x̄.
	kc := make([]float64, ntr*ntr)
	rm := make([]float64, ntr)
	for a, i := range train {
		row := kc[a*ntr : (a+1)*ntr]
		var sum float64
		for b, j := range train {
			row[b] = k[i*n+j]
			sum += row[b]
		}
		rm[a] = sum / float64(ntr)
	}
	mm := mean(rm)
	for a := range ntr {
		row := kc[a*ntr : (a+1)*ntr]
		for b := range row {
			row[b] += mm - rm[a] - rm[b]
		}
	}
	ytr := gatherRows(s.y, m, train)
	ym := columnSums(ytr, m)
	for j := range ym {
		ym[j] /= float64(ntr)
	}
	for a := range ntr {
		for j := range m {
			ytr[a*m+j] -= ym[j]
		}
	}
	coef, err := solveShifted(kc, ntr, ytr, m, alphas)
	if err != nil {
		return nil, err
	}
	// Test rows against centred training rows: K_tj - mean_j' K_tj' - r_j + mm.
	kte := make([]float64, nte*ntr)
	for a, t := range test {
		row := kte[a*ntr : (a+1)*ntr]
		var sum float64
		for b, j := range train {
			row[b] = k[t*n+j]
			sum += row[b]
		}
		off := mm - sum/float64(ntr)
		for b := range row {
			row[b] += off - rm[b]
		}
	}
	cols := len(alphas) * m
	p := make([]float64, nte*cols)
	blasImpl.Dgemm(blas.NoTrans, blas.NoTrans, nte, cols, ntr, 1, kte, ntr, coef, cols, 0, p, cols)
	for t := range nte {
		row := p[t*cols : (t+1)*cols]
		for c := range row {
			row[c] += ym[c%m]
		}
	}
	return p, nil
}

// weights fits on all rows at one alpha and returns w, d×m, in the units of s.x.
func (s *solver) weights(alpha float64) ([]float64, error) {
	n, d, m := s.n, s.d, s.m
	if s.form == Primal {
		return solveShifted(append([]float64(nil), s.gram...), d, append([]float64(nil), s.xty...), m, []float64{alpha})
	}
	// s.x is centred, so the full kernel is already the centred one.
	coef, err := solveShifted(append([]float64(nil), s.gram...), n, append([]float64(nil), s.y...), m, []float64{alpha})
	if err != nil {
		return nil, err
	}
	w := make([]float64, d*m)
	blasImpl.Dgemm(blas.Trans, blas.NoTrans, d, m, n, 1, s.x, d, coef, m, 0, w, m)
	return w, nil
}

// solveShifted solves (A + αI) U = R for every alpha from one reduction
// A = Q T Qᵀ (LAPACK dsytrd; T tridiagonal): U = Q (T + αI)⁻¹ QᵀR, with
// each shifted tridiagonal system solved in O(k) by its LDLᵀ factors.
// a is k×k with its lower triangle set and is overwritten; r is k×m and is
// overwritten. The result is k×(len(alphas)·m), column k·m+j for alphas[k]
// and right-hand side j.
func solveShifted(a []float64, k int, r []float64, m int, alphas []float64) ([]float64, error) {
	cols := len(alphas) * m
	out := make([]float64, k*cols)
	if k == 0 {
		return out, nil
	}
	diag := make([]float64, k)
	off := make([]float64, max(k-1, 1))
	tau := make([]float64, max(k-1, 1))
	work := []float64{0}
	lapackImpl.Dsytrd(blas.Lower, k, a, k, diag, off, tau, work, -1)
	work = make([]float64, max(int(work[0]), 1))
	lapackImpl.Dsytrd(blas.Lower, k, a, k, diag, off, tau, work, len(work))
	off, tau = off[:k-1], tau[:k-1]
	// With uplo Lower, Q = H_0 ⋯ H_{k-2} acts on rows 1..k-1, its reflectors
	// stored like a QR factorisation of A[1:k, 0:k-1].
	applyQ := func(trans blas.Transpose, c []float64, ncols int) {
		if k < 2 {
			return
		}
		q := []float64{0}
		lapackImpl.Dormqr(blas.Left, trans, k-1, ncols, k-1, a[k:], k, tau, c[ncols:], ncols, q, -1)
		q = make([]float64, max(int(q[0]), 1))
		lapackImpl.Dormqr(blas.Left, trans, k-1, ncols, k-1, a[k:], k, tau, c[ncols:], ncols, q, len(q))
	}
	applyQ(blas.Trans, r, m)
	piv := make([]float64, k)
	mult := make([]float64, max(k-1, 1))
	for ai, alpha := range alphas {
		// LDLᵀ of T + αI: piv holds D, mult the subdiagonal of L.
		piv[0] = diag[0] + alpha
		for i := 1; i < k; i++ {
			mult[i-1] = off[i-1] / piv[i-1]
			piv[i] = diag[i] + alpha - mult[i-1]*off[i-1]
		}
		for i, p := range piv {
			if !(p > 0) || math.IsInf(p, 0) {
				return nil, fmt.Errorf("probe: alpha %g: shifted matrix is not positive definite at pivot %d (%g); alpha too small for this Gram's rounding, or non-finite data", alpha, i, p)
			}
		}
		base := ai * m
		for j := range m {
			// Forward (L), scale (D), backward (Lᵀ).
			prev := r[j]
			out[base+j] = prev
			for i := 1; i < k; i++ {
				prev = r[i*m+j] - mult[i-1]*prev
				out[i*cols+base+j] = prev
			}
			next := out[(k-1)*cols+base+j] / piv[k-1]
			out[(k-1)*cols+base+j] = next
			for i := k - 2; i >= 0; i-- {
				next = out[i*cols+base+j]/piv[i] - mult[i]*next
				out[i*cols+base+j] = next
			}
		}
	}
	applyQ(blas.NoTrans, out, cols)
	return out, nil
}

func gatherRows(x []float64, width int, rows []int) []float64 {
	out := make([]float64, len(rows)*width)
	for a, i := range rows {
		copy(out[a*width:(a+1)*width], x[i*width:(i+1)*width])
	}
	return out
}

func columnSums(x []float64, width int) []float64 {
	s := make([]float64, width)
	for i := 0; i+width <= len(x); i += width {
		for j, v := range x[i : i+width] {
			s[j] += v
		}
	}
	return s
}

// complement returns the indices in [0, n) not in rows.
func complement(n int, rows []int) []int {
	in := make([]bool, n)
	for _, i := range rows {
		in[i] = true
	}
	out := make([]int, 0, n-len(rows))
	for i := range n {
		if !in[i] {
			out = append(out, i)
		}
	}
	return out
}

func mean(v []float64) float64 { return stat.Mean(v, nil) }

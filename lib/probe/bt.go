package probe

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/prefscope/prefscope/lib/measure"

	"github.com/prefscope/prefscope/lib/utility"
	"gonum.org/v1/gonum/blas"
)

// PairSet is pooled pairwise choices between a dataset's rows: for pair k,
// row I[k] won WinsI[k] of its comparisons with row J[k] and lost WinsJ[k].
type PairSet struct {
	I, J         []int
	WinsI, WinsJ []float64
	// Dropped counts pairs left out because a task had no row.
	Dropped int
}

// Len is the number of pairs.
func (p *PairSet) Len() int { return len(p.I) }

func (p *PairSet) add(i, j int, wi, wj float64) {
	p.I, p.J, p.WinsI, p.WinsJ = append(p.I, i), append(p.J, j), append(p.WinsI, wi), append(p.WinsJ, wj)
}

// subset keeps the pairs for which keep is true.
func (p *PairSet) subset(keep func(k int) bool) *PairSet {
	out := &PairSet{}
	for k := range p.I {
		if keep(k) {
			out.add(p.I[k], p.J[k], p.WinsI[k], p.WinsJ[k])
		}
	}
	return out
}

// BTProbe is a Bradley-Terry probe: P(row i chosen over row j) =
// σ(w·(x_i − x_j)), fitted by L2-penalised maximum likelihood,
//
//	min over w of  −Σ_pairs [k log σ(z) + (n−k) log σ(−z)] + α‖w‖²,  z = w·(x_i − x_j),
//
// by Newton's method. No intercept: comparisons are pooled over
// presentation order, so a position bias cancels. Each Newton step forms
// and factors the d×d Hessian (O(pairs·d² + d³)): seconds at d = 128, but
// for a real model's d = 4,096 project the activations to a few hundred
// principal components first.
func BTProbe(ds *Dataset, pairs *PairSet, alpha float64, start []float64) ([]float64, error) {
	if !(alpha > 0) || math.IsInf(alpha, 0) {
		return nil, fmt.Errorf("probe: bradley-terry: alpha %v must be positive and finite", alpha)
	}
	if pairs.Len() == 0 {
		return nil, fmt.Errorf("probe: bradley-terry: no pairs")
	}
	d, np := ds.D, pairs.Len()
	w := make([]float64, d)
	copy(w, start)
	diff := pairDiffs(ds, pairs)
	z := make([]float64, np)
	c := make([]float64, np)
	g := make([]float64, d)
	h := make([]float64, d*d)
	scaled := make([]float64, np*d)
	for iter := 0; iter < 100; iter++ {
		// z = D w; gradient Dᵀ(n σ(z) − k) + 2αw; Hessian Dᵀ diag(n σ(1−σ)) D + 2αI.
		blasImpl.Dgemv(blas.NoTrans, np, d, 1, diff, d, w, 1, 0, z, 1)
		for k := range z {
			s := sigmoid(z[k])
			n := pairs.WinsI[k] + pairs.WinsJ[k]
			c[k] = n*s - pairs.WinsI[k]
			r := math.Sqrt(n * s * (1 - s))
			for j, v := range diff[k*d : (k+1)*d] {
				scaled[k*d+j] = r * v
			}
		}
		for j := range g {
			g[j] = 2 * alpha * w[j]
		}
		blasImpl.Dgemv(blas.Trans, np, d, 1, diff, d, c, 1, 1, g, 1)
		blasImpl.Dsyrk(blas.Lower, blas.Trans, d, np, 1, scaled, d, 0, h, d)
		for j := range d {
			h[j*d+j] += 2 * alpha
		}
		if !lapackImpl.Dpotrf(blas.Lower, d, h, d) {
			return nil, fmt.Errorf("probe: bradley-terry: Hessian not positive definite at alpha %g", alpha)
		}
		lapackImpl.Dpotrs(blas.Lower, d, 1, h, d, g, 1)
		var size float64
		for j := range w {
			w[j] -= g[j]
			size = math.Max(size, math.Abs(g[j]))
		}
		if size < 1e-8*(1+maxAbs(w)) {
			return w, nil
		}
	}
	return w, nil
}

// pairLogLoss is the mean negative log-likelihood per comparison of
// scores s on pairs.
func pairLogLoss(s []float64, pairs *PairSet) float64 {
	var ll, n float64
	for k := range pairs.I {
		z := s[pairs.I[k]] - s[pairs.J[k]]
		ll += pairs.WinsI[k]*logSigmoid(z) + pairs.WinsJ[k]*logSigmoid(-z)
		n += pairs.WinsI[k] + pairs.WinsJ[k]
	}
	return -ll / n
}

// PairAccuracy is the share of comparisons in pairs won by the row with
// the higher score s (a tie scores one half).
func PairAccuracy(s []float64, pairs *PairSet) float64 {
	var right, n float64
	for k := range pairs.I {
		a, b := s[pairs.I[k]], s[pairs.J[k]]
		switch {
		case a > b:
			right += pairs.WinsI[k]
		case a < b:
			right += pairs.WinsJ[k]
		default:
			right += (pairs.WinsI[k] + pairs.WinsJ[k]) / 2
		}
		n += pairs.WinsI[k] + pairs.WinsJ[k]
	}
	return right / n
}

// BTCrossValidate chooses the Bradley-Terry probe's α by cross-validation
// over pairs held out by task: the rows in train are split into folds
// (shuffled with seed); a fold's held-out pairs are those touching one of
// its rows, and it trains on the pairs with neither. The α with the lowest
// mean held-out log-loss per comparison wins. It returns that α and the
// probe fitted with it on every pair.
func BTCrossValidate(ds *Dataset, pairs *PairSet, train []int, alphas []float64, folds int, seed uint64) (alpha float64, w []float64, err error) {
	if len(alphas) == 0 {
		return 0, nil, fmt.Errorf("probe: bradley-terry: no alphas")
	}
	r := rand.New(rand.NewPCG(seed, 5))
	order := append([]int(nil), train...)
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	loss := make([]float64, len(alphas))
	used := 0
	for f := range folds {
		held := map[int]bool{}
		for k := f; k < len(order); k += folds {
			held[order[k]] = true
		}
		in := pairs.subset(func(k int) bool { return !held[pairs.I[k]] && !held[pairs.J[k]] })
		out := pairs.subset(func(k int) bool { return held[pairs.I[k]] != held[pairs.J[k]] || held[pairs.I[k]] && held[pairs.J[k]] })
		if in.Len() == 0 || out.Len() == 0 {
			continue
		}
		used++
		var start []float64
		for a := len(alphas) - 1; a >= 0; a-- { // strong to weak penalty, warm starts
			w, err := BTProbe(ds, in, alphas[a], start)
			if err != nil {
				return 0, nil, err
			}
			start = w
			loss[a] += pairLogLoss(scores(ds, w), out)
		}
	}
	if used == 0 {
		return 0, nil, fmt.Errorf("probe: bradley-terry: no fold has both training and held-out pairs (%d pairs)", pairs.Len())
	}
	best := 0
	for a := range loss {
		if loss[a] < loss[best] {
			best = a
		}
	}
	w, err = BTProbe(ds, pairs, alphas[best], nil)
	return alphas[best], w, err
}

// scores is X·w for every row of ds.
func scores(ds *Dataset, w []float64) []float64 {
	out := make([]float64, ds.Rows())
	for i := range out {
		out[i] = dot(w, ds.X[i*ds.D:(i+1)*ds.D])
	}
	return out
}

func pairDiffs(ds *Dataset, pairs *PairSet) []float64 {
	d := ds.D
	out := make([]float64, pairs.Len()*d)
	for k := range pairs.I {
		a, b := ds.X[pairs.I[k]*d:(pairs.I[k]+1)*d], ds.X[pairs.J[k]*d:(pairs.J[k]+1)*d]
		for j := range d {
			out[k*d+j] = a[j] - b[j]
		}
	}
	return out
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func maxAbs(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// logSigmoid is log σ(z), stable for large |z|.
func logSigmoid(z float64) float64 {
	if z < 0 {
		return z - math.Log1p(math.Exp(z))
	}
	return -math.Log1p(math.Exp(-z))
}

// PairsFromRuns pools the choices of revealed-preference runs (over
// templates and presentation orders) into pairs of ds's rows; pairs with a
// task that has no row are counted in dropped.
func PairsFromRuns(ds *Dataset, runs []*measure.Run) (*PairSet, error) {
	dropped := 0
	row := map[string]int{}
	for i, id := range ds.TaskIDs {
		row[id] = i
	}
	wins := map[[2]int][2]float64{}
	for _, r := range runs {
		d, _, err := utility.FromRun(r)
		if err != nil {
			return nil, fmt.Errorf("probe: run %s: %w", r.Dir, err)
		}
		for _, p := range d.Pairs() {
			i, okI := row[d.IDs[p.I]]
			j, okJ := row[d.IDs[p.J]]
			if !okI || !okJ {
				dropped++
				continue
			}
			if i > j {
				i, j, p.WinsI, p.WinsJ = j, i, p.WinsJ, p.WinsI
			}
			w := wins[[2]int{i, j}]
			wins[[2]int{i, j}] = [2]float64{w[0] + p.WinsI, w[1] + p.WinsJ}
		}
	}
	keys := slices.SortedFunc(maps.Keys(wins), func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	ps := &PairSet{Dropped: dropped}
	for _, k := range keys {
		ps.add(k[0], k[1], wins[k][0], wins[k][1])
	}
	if ps.Len() == 0 {
		return nil, fmt.Errorf("probe: no choices between tasks with activations in %d runs", len(runs))
	}
	return ps, nil
}

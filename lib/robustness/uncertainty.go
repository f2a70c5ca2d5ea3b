package robustness

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/prefscope/prefscope/lib/stats"
)

// DyadicSE returns dyadic cluster-robust standard errors of the
// minimum-norm least-squares fit of y on X, for observations that are pairs
// of units: observation i involves units a[i] and b[i] (a[i] ≠ b[i], each
// unordered pair at most once). Two observations are allowed to be
// correlated when they share a unit (Fafchamps and Gubert 2007; Aronow,
// Samii and Assenova 2015):
//
//	V = c · B (Σ_{i,j: share a unit} eᵢ eⱼ xᵢ xⱼᵀ) B,   B = (XᵀX)⁺,
//
// the sum running over ordered pairs including i = j, e the residuals. It is
// computed as Σ_g S_g S_gᵀ − Σ_i eᵢ² xᵢ xᵢᵀ, S_g = Σ_{i ∋ g} eᵢ xᵢ the score
// sum of unit g: distinct dyads share at most one unit, and a dyad counted
// from both its units once too often. Small-sample handling, as Stata's
// cluster option and Aronow et al. apply it: c = G/(G − 1) · (n − 1)/(n − p),
// G the number of units, p the rank of X. The estimate is not guaranteed
// positive semi-definite; negative eigenvalues are set to zero (Cameron,
// Gelbach and Miller 2011) before the standard errors are read off the
// diagonal. NaN when there are fewer than two units or no residual degrees
// of freedom.
func DyadicSE(x mat.Matrix, y []float64, a, b []int) ([]float64, error) {
	_, p := x.Dims()
	v, err := dyadicCov(x, y, a, b)
	if err != nil || v == nil {
		se := make([]float64, p)
		for j := range se {
			se[j] = math.NaN()
		}
		return se, err
	}
	// The estimator need not be positive semi-definite; clip negative
	// eigenvalues at zero, as Cameron, Gelbach and Miller (2011) do for
	// multiway clustering.
	var eig mat.EigenSym
	if !eig.Factorize(v, true) {
		return nil, errors.New("robustness: dyadic SE: eigendecomposition did not converge")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	se := make([]float64, p)
	for j := range p {
		var d float64
		for k, l := range vals {
			if l > 0 {
				d += l * vecs.At(j, k) * vecs.At(j, k)
			}
		}
		se[j] = math.Sqrt(d)
	}
	return se, nil
}

// dyadicCov is DyadicSE's covariance matrix before clipping; nil (and no
// error) when it is undefined.
func dyadicCov(x mat.Matrix, y []float64, a, b []int) (*mat.SymDense, error) {
	n, p := x.Dims()
	if len(y) != n || len(a) != n || len(b) != n {
		return nil, fmt.Errorf("robustness: dyadic SE: X has %d rows, y %d, units %d and %d", n, len(y), len(a), len(b))
	}
	var svd mat.SVD
	if n == 0 || p == 0 || !svd.Factorize(x, mat.SVDThin) {
		return nil, errors.New("robustness: dyadic SE: cannot factorize X")
	}
	rank := svd.Rank(float64(max(n, p)) * 2.220446049250313e-16)
	units := map[int]int{}
	for i := range n {
		if a[i] == b[i] {
			return nil, fmt.Errorf("robustness: dyadic SE: observation %d pairs unit %d with itself", i, a[i])
		}
		for _, u := range []int{a[i], b[i]} {
			if _, ok := units[u]; !ok {
				units[u] = len(units)
			}
		}
	}
	g := len(units)
	if rank == 0 || n <= rank || g < 2 {
		return nil, nil
	}
	beta := mat.NewVecDense(p, nil)
	svd.SolveVecTo(beta, mat.NewVecDense(n, y), rank)
	var fit mat.VecDense
	fit.MulVec(x, beta)
	scores := mat.NewDense(g, p, nil) // row g: S_g
	meat := mat.NewDense(p, p, nil)
	xi := make([]float64, p)
	for i := range n {
		e := y[i] - fit.AtVec(i)
		for j := range p {
			xi[j] = x.At(i, j) * e
		}
		for _, u := range []int{units[a[i]], units[b[i]]} {
			row := scores.RawRowView(u)
			for j := range p {
				row[j] += xi[j]
			}
		}
		s := mat.NewVecDense(p, xi)
		meat.RankOne(meat, -1, s, s)
	}
	var ss mat.Dense
	ss.Mul(scores.T(), scores)
	meat.Add(meat, &ss)
	bread := pinvGram(&svd, rank, p)
	var v mat.Dense
	v.Product(bread, meat, bread)
	c := float64(g) / float64(g-1) * float64(n-1) / float64(n-rank)
	v.Scale(c, &v)
	return mat.NewSymDense(p, symmetrized(&v)), nil
}

// symmetrized returns (V + Vᵀ)/2 as a row-major slice.
func symmetrized(v *mat.Dense) []float64 {
	p, _ := v.Dims()
	out := make([]float64, p*p)
	for i := range p {
		for j := range p {
			out[i*p+j] = (v.At(i, j) + v.At(j, i)) / 2
		}
	}
	return out
}

// design builds X (intercept plus one indicator per field) and y for a set
// of pairs.
func design(pairs []PairCorrelation, fields int) (*mat.Dense, []float64) {
	x := mat.NewDense(len(pairs), fields+1, nil)
	y := make([]float64, len(pairs))
	for i, pc := range pairs {
		x.Set(i, 0, 1)
		for k, s := range pc.Same {
			if s {
				x.Set(i, k+1, 1)
			}
		}
		y[i] = pc.Pearson
	}
	return x, y
}

// runIndex numbers the runs that appear in c's pairs, in order of first
// appearance, and returns each pair's two run numbers.
func (c *Correlations) runIndex() (ids []string, a, b []int) {
	index := map[string]int{}
	num := func(id string) int {
		k, ok := index[id]
		if !ok {
			k = len(ids)
			index[id] = k
			ids = append(ids, id)
		}
		return k
	}
	for _, p := range c.Pairs {
		a, b = append(a, num(p.A)), append(b, num(p.B))
	}
	return ids, a, b
}

// RunBootstrap is the run-level bootstrap of the sensitivity regression.
type RunBootstrap struct {
	// Terms are the regression's terms; Beta[j] and R2 are percentile
	// intervals, SE[j] and R2SE the standard deviations of the replicates'
	// β_j and R². A bootstrap replicate carries the sample's own noise plus
	// the resampling's, so R², a share of variance, comes out lower than the
	// estimate (markedly so for the task bootstrap) and its percentile
	// interval is shifted down; R² ± 1.96·R2SE is the interval to report.
	Terms []string
	Beta  []stats.Interval
	SE    []float64
	R2    stats.Interval
	R2SE  float64
	// MeanR is the percentile interval of the replicates' mean correlation
	// over run pairs.
	MeanR stats.Interval
	// Replicates is the number of resamples; RankDeficient counts those
	// whose design lost rank (a field with no variation left, say), fitted
	// by minimum norm like the original.
	Replicates, RankDeficient int
}

// Bootstrap resamples runs: each replicate draws as many runs as appear in
// c's pairs, with replacement, and rebuilds the observations from every two
// draws that are distinct runs with a stored pair (two draws of the same
// run have no correlation of their own and are left out), then refits the
// regression. It returns an error when c has fewer than three runs.
func (c *Correlations) Bootstrap(o *stats.BootstrapOptions) (*RunBootstrap, error) {
	opt := o.WithDefaults()
	ids, a, b := c.runIndex()
	g := len(ids)
	if g < 3 {
		return nil, fmt.Errorf("robustness: bootstrap: %d runs in pairs, need at least 3", g)
	}
	pair := map[[2]int]int{}
	for i := range c.Pairs {
		pair[[2]int{min(a[i], b[i]), max(a[i], b[i])}] = i
	}
	fits := newBootstrapFits(c, opt.Replicates)
	rng := rand.New(rand.NewPCG(opt.Seed, 0xb0075))
	draw := make([]int, g)
	var obs []PairCorrelation
	for range opt.Replicates {
		for k := range draw {
			draw[k] = rng.IntN(g)
		}
		obs = obs[:0]
		for k := range g {
			for l := k + 1; l < g; l++ {
				u, v := min(draw[k], draw[l]), max(draw[k], draw[l])
				if i, ok := pair[[2]int{u, v}]; ok && u != v {
					obs = append(obs, c.Pairs[i])
				}
			}
		}
		if err := fits.add(obs); err != nil {
			return nil, err
		}
	}
	return fits.result(opt.Level), nil
}

// bootstrapFits collects the sensitivity regression of every bootstrap
// replicate, whatever was resampled (runs or tasks).
type bootstrapFits struct {
	fields   int
	fullRank int
	betas    [][]float64
	r2       []float64
	meanR    []float64
	out      *RunBootstrap
}

func newBootstrapFits(c *Correlations, replicates int) *bootstrapFits {
	f := &bootstrapFits{fields: len(c.Fields), betas: make([][]float64, len(c.Fields)+1)}
	if full, err := c.Regress(); err == nil {
		f.fullRank = full.Rank
	}
	f.out = &RunBootstrap{Terms: append([]string{"intercept"}, c.Fields...), Replicates: replicates}
	return f
}

// add fits one replicate's observations; a replicate with none, or whose
// indicators are collinear where the full data's are not, is counted as
// rank deficient (its minimum-norm betas are kept, as the full fit's are).
func (f *bootstrapFits) add(obs []PairCorrelation) error {
	if len(obs) == 0 {
		f.out.RankDeficient++
		return nil
	}
	x, y := design(obs, f.fields)
	r, err := MinNormLeastSquares(x, y)
	if err != nil {
		return err
	}
	if r.Rank < f.fullRank {
		f.out.RankDeficient++
	}
	for j := range f.betas {
		f.betas[j] = append(f.betas[j], r.Beta[j])
	}
	f.r2 = append(f.r2, r.R2)
	var sum float64
	for _, p := range obs {
		sum += p.Pearson
	}
	f.meanR = append(f.meanR, sum/float64(len(obs)))
	return nil
}

// result gives percentile intervals and standard deviations over replicates.
func (f *bootstrapFits) result(level float64) *RunBootstrap {
	out := f.out
	for j := range f.betas {
		out.Beta = append(out.Beta, stats.Percentile(f.betas[j], level))
		out.SE = append(out.SE, stat.StdDev(f.betas[j], nil))
	}
	out.R2 = stats.Percentile(f.r2, level)
	out.R2SE = stat.StdDev(f.r2, nil)
	out.MeanR = stats.Percentile(f.meanR, level)
	return out
}

// TaskBootstrap resamples tasks instead of runs: each replicate draws as
// many tasks as the runs cover, with replacement, recomputes every run
// pair's correlation over the drawn tasks they share (a task drawn twice
// counts twice) and refits the regression. Given the templates, every
// source of variation in the sensitivity regression (a task's utility, its
// planted per-level perturbations, its measurement noise in each run) is a
// draw per task, independent across tasks, so this bootstrap targets the
// spread over new tasks and new respondents that run-level methods miss:
// runs sharing a field level share its per-task perturbations, which ties
// together pairs with no run in common. minShared is as for Correlate.
func TaskBootstrap(runs []RunUtilities, minShared int, o *stats.BootstrapOptions) (*RunBootstrap, error) {
	opt := o.WithDefaults()
	c, err := Correlate(runs, minShared)
	if err != nil {
		return nil, err
	}
	if len(c.Pairs) == 0 {
		return nil, errors.New("robustness: task bootstrap: no run pairs")
	}
	utils := make([]map[string]float64, len(runs))
	for k, r := range runs {
		utils[k] = r.Utilities
	}
	tasks, taskIndex := indexTasks(utils)
	byID := map[string]int{}
	for k, r := range runs {
		byID[r.ID] = k
	}
	// Per pair, the shared tasks' indices and utilities, fixed once.
	type shared struct {
		task []int
		x, y []float64
	}
	sh := make([]shared, len(c.Pairs))
	for i, p := range c.Pairs {
		ra, rb := runs[byID[p.A]], runs[byID[p.B]]
		for _, t := range tasks {
			ua, okA := ra.Utilities[t]
			if ub, ok := rb.Utilities[t]; ok && okA {
				sh[i].task = append(sh[i].task, taskIndex[t])
				sh[i].x, sh[i].y = append(sh[i].x, ua), append(sh[i].y, ub)
			}
		}
	}
	if minShared <= 0 {
		minShared = DefaultMinShared
	}
	fits := newBootstrapFits(c, opt.Replicates)
	rng := rand.New(rand.NewPCG(opt.Seed, 0x7a5c))
	count := make([]float64, len(tasks))
	var obs []PairCorrelation
	w := []float64{}
	for range opt.Replicates {
		clear(count)
		for range tasks {
			count[rng.IntN(len(tasks))]++
		}
		obs = obs[:0]
		for i, pc := range c.Pairs {
			w = w[:0]
			var n float64
			for _, t := range sh[i].task {
				w = append(w, count[t])
				n += count[t]
			}
			if n < float64(minShared) {
				continue
			}
			r := stat.Correlation(sh[i].x, sh[i].y, w)
			if math.IsNaN(r) {
				continue
			}
			pc.Pearson = r
			obs = append(obs, pc)
		}
		if err := fits.add(obs); err != nil {
			return nil, err
		}
	}
	return fits.result(opt.Level), nil
}

// indexTasks is every task with a utility in any of utils, sorted (so that
// a seed always draws the same tasks: map order varies), and each task's
// position in that list.
func indexTasks(utils []map[string]float64) (tasks []string, index map[string]int) {
	index = map[string]int{}
	for _, u := range utils {
		for t := range u {
			if _, ok := index[t]; !ok {
				index[t] = 0
				tasks = append(tasks, t)
			}
		}
	}
	sort.Strings(tasks)
	for k, t := range tasks {
		index[t] = k
	}
	return tasks, index
}

package robustness

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// DefaultMinShared is the fewest shared tasks for a pair of runs to be
// correlated; pairs with fewer are skipped.
const DefaultMinShared = 10

// RunUtilities is one measurement run's fitted utilities and template fields.
type RunUtilities struct {
	ID string
	// Fields holds the run's template tags, e.g. "task_order": "reversed".
	Fields map[string]string
	// Utilities maps task id to fitted utility μ.
	Utilities map[string]float64
}

// PairCorrelation is the utility correlation of two runs.
type PairCorrelation struct {
	A, B string // run ids
	// Shared is the number of tasks both runs have.
	Shared int
	// Pearson is the correlation of the two runs' utilities over the
	// shared tasks.
	Pearson float64
	// Same[k] reports whether field Fields[k] (of Correlations' result)
	// has the same value in both runs.
	Same []bool
}

// Correlations holds the pairwise correlations of a set of runs.
type Correlations struct {
	// Fields lists the field names (union over runs), sorted.
	Fields []string
	Pairs  []PairCorrelation
	// Skipped counts run pairs with fewer than MinShared shared tasks (or
	// a constant utility vector, whose correlation is undefined).
	Skipped int
}

// Correlate computes the Pearson correlation of utilities between every
// pair of runs over their shared tasks; pairs sharing fewer than minShared
// tasks (0 means DefaultMinShared) are skipped. Run ids must be unique.
func Correlate(runs []RunUtilities, minShared int) (*Correlations, error) {
	if minShared <= 0 {
		minShared = DefaultMinShared
	}
	fieldSet := map[string]bool{}
	ids := map[string]bool{}
	for k, r := range runs {
		if r.ID == "" {
			return nil, fmt.Errorf("robustness: run %d: empty id", k)
		}
		if ids[r.ID] {
			return nil, fmt.Errorf("robustness: run id %q repeated", r.ID)
		}
		ids[r.ID] = true
		for f := range r.Fields {
			fieldSet[f] = true
		}
		for t, u := range r.Utilities {
			if math.IsNaN(u) || math.IsInf(u, 0) {
				return nil, fmt.Errorf("robustness: run %q task %q: utility %v is not finite", r.ID, t, u)
			}
		}
	}
	c := &Correlations{}
	for f := range fieldSet {
		c.Fields = append(c.Fields, f)
	}
	sort.Strings(c.Fields)
	var x, y []float64
	for a := 0; a < len(runs); a++ {
		ra := runs[a]
		tasks := make([]string, 0, len(ra.Utilities))
		for t := range ra.Utilities {
			tasks = append(tasks, t)
		}
		sort.Strings(tasks)
		for b := a + 1; b < len(runs); b++ {
			rb := runs[b]
			x, y = x[:0], y[:0]
			for _, t := range tasks {
				if ub, ok := rb.Utilities[t]; ok {
					x = append(x, ra.Utilities[t])
					y = append(y, ub)
				}
			}
			if len(x) < minShared {
				c.Skipped++
				continue
			}
			r := stat.Correlation(x, y, nil)
			if math.IsNaN(r) {
				c.Skipped++
				continue
			}
			pc := PairCorrelation{A: ra.ID, B: rb.ID, Shared: len(x), Pearson: r, Same: make([]bool, len(c.Fields))}
			for k, f := range c.Fields {
				pc.Same[k] = ra.Fields[f] == rb.Fields[f]
			}
			c.Pairs = append(c.Pairs, pc)
		}
	}
	return c, nil
}

// FieldAverage is the averaging view of one field.
type FieldAverage struct {
	Field string
	// MeanSame and MeanDiff are the mean correlations over pairs with the
	// field the same / different; NSame and NDiff count those pairs.
	MeanSame, MeanDiff float64
	NSame, NDiff       int
	// Effect is MeanSame - MeanDiff (NaN when either group is empty).
	Effect float64
}

// Averaging returns, for each field, the mean correlation of run pairs
// that share the field's value minus the mean of those that do not.
func (c *Correlations) Averaging() []FieldAverage {
	out := make([]FieldAverage, len(c.Fields))
	for k, f := range c.Fields {
		fa := FieldAverage{Field: f}
		for _, p := range c.Pairs {
			if p.Same[k] {
				fa.MeanSame += p.Pearson
				fa.NSame++
			} else {
				fa.MeanDiff += p.Pearson
				fa.NDiff++
			}
		}
		fa.MeanSame /= float64(fa.NSame) // NaN for an empty group
		fa.MeanDiff /= float64(fa.NDiff)
		fa.Effect = fa.MeanSame - fa.MeanDiff
		out[k] = fa
	}
	return out
}

// Regression is a least-squares fit y = Xβ + ε.
type Regression struct {
	// Terms names the columns of X: "intercept", then one per field.
	Terms []string
	// Beta is the minimum-norm least-squares solution X⁺y.
	Beta []float64
	// SE holds the OLS standard errors √(diag((XᵀX)⁺) · SSE/(n - p)); NaN
	// when n ≤ p. They treat run pairs as independent, which they are not.
	SE []float64
	// RobustSE holds dyadic cluster-robust standard errors with runs as
	// units (DyadicSE); Regress fills it, MinNormLeastSquares does not.
	RobustSE []float64
	// Runs is the number of runs in the pairs (the units of RobustSE).
	Runs int
	// R2 is 1 - SSE/SST, SST about the mean of y.
	R2 float64
	// N is the number of observations, Rank the rank p of X.
	N, Rank int
	SSE     float64
}

// Regress fits the regression view: correlation on an intercept plus one
// "field is the same in both runs" indicator per field, with OLS and dyadic
// cluster-robust standard errors (runs are the units; see DyadicSE).
func (c *Correlations) Regress() (*Regression, error) {
	if len(c.Pairs) == 0 {
		return nil, errors.New("robustness: regress: no run pairs")
	}
	x, y := design(c.Pairs, len(c.Fields))
	r, err := MinNormLeastSquares(x, y)
	if err != nil {
		return nil, err
	}
	r.Terms = append([]string{"intercept"}, c.Fields...)
	ids, a, b := c.runIndex()
	r.Runs = len(ids)
	if r.RobustSE, err = DyadicSE(x, y, a, b); err != nil {
		return nil, err
	}
	return r, nil
}

// MinNormLeastSquares returns the minimum-norm solution of min ‖y - Xβ‖²,
// β = X⁺y with X⁺ = V S⁺ Uᵀ from the thin SVD X = U S Vᵀ, singular values
// below max(n, p)·s₁·ε treated as zero. Standard errors are
// √(diag(V S⁻² Vᵀ) · SSE/(n - p)) with p the rank ((XᵀX)⁺ = V S⁻² Vᵀ), and
// R² = 1 - SSE/SST with SST about the mean of y. It returns an error when
// len(y) differs from X's rows.
func MinNormLeastSquares(x mat.Matrix, y []float64) (*Regression, error) {
	n, p := x.Dims()
	if len(y) != n {
		return nil, fmt.Errorf("robustness: least squares: %d observations but X has %d rows", len(y), n)
	}
	if n == 0 || p == 0 {
		return nil, fmt.Errorf("robustness: least squares: X is %d×%d, need at least one row and column", n, p)
	}
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDThin) {
		return nil, errors.New("robustness: least squares: SVD did not converge")
	}
	// Singular values at or below max(n, p)·ε·s₁ count as zero, the usual
	// numerical-rank threshold.
	rank := svd.Rank(float64(max(n, p)) * 2.220446049250313e-16)
	r := &Regression{N: n, Rank: rank, Beta: make([]float64, p), SE: make([]float64, p)}
	beta := mat.NewVecDense(p, r.Beta)
	if rank > 0 {
		svd.SolveVecTo(beta, mat.NewVecDense(n, y), rank)
	}
	var fit mat.VecDense
	fit.MulVec(x, beta)
	mean := stat.Mean(y, nil)
	var sst float64
	for i, yi := range y {
		e := yi - fit.AtVec(i)
		r.SSE += e * e
		sst += (yi - mean) * (yi - mean)
	}
	r.R2 = 1 - r.SSE/sst
	dof := n - rank
	cov := pinvGram(&svd, rank, p)
	for j := 0; j < p; j++ {
		if dof <= 0 {
			r.SE[j] = math.NaN()
			continue
		}
		r.SE[j] = math.Sqrt(cov.At(j, j) * r.SSE / float64(dof))
	}
	return r, nil
}

// pinvGram returns (XᵀX)⁺ = V₍rank₎ S₍rank₎⁻² V₍rank₎ᵀ from X's thin SVD.
func pinvGram(svd *mat.SVD, rank, p int) *mat.Dense {
	out := mat.NewDense(p, p, nil)
	if rank == 0 {
		return out
	}
	var v mat.Dense
	svd.VTo(&v)
	s := svd.Values(nil)
	vs := mat.DenseCopyOf(v.Slice(0, p, 0, rank))
	for k := 0; k < rank; k++ {
		for j := 0; j < p; j++ {
			vs.Set(j, k, vs.At(j, k)/s[k])
		}
	}
	out.Mul(vs, vs.T())
	return out
}

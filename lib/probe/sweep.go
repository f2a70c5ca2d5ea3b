package probe

import (
	"fmt"
	"math"

	"github.com/prefscope/prefscope/lib/stats"
)

// Options are a probe fit's settings. The zero value is the reference
// study's: alphas logspace(-4, 4, 17), 5 unshuffled folds, no scaling, no
// demeaning, form chosen by cost.
type Options struct {
	// Alphas is the grid of ridge penalties α in ‖y - Xw - b‖² + α‖w‖²
	// (scikit-learn's alpha; the intercept b is not penalised).
	Alphas []float64
	// Folds is k in k-fold cross-validation (default 5).
	Folds int
	// Shuffle permutes rows before splitting, with Seed.
	Shuffle bool
	Seed    uint64
	// ByOrigin holds out one origin per fold instead of k folds.
	ByOrigin bool
	// Groups, when set (one label per row), holds out one group per fold
	// instead (GroupFolds): a task metadata key's value, such as a topic;
	// rows labelled "" always train. MinGroup keeps groups smaller than it
	// in training (0: every group is held out and needs 2 rows).
	Groups   []string
	MinGroup int
	// Standardize divides each feature by its standard deviation over all
	// rows (after demeaning); weights are reported in input units.
	Standardize bool
	// DemeanByOrigin subtracts each origin's mean activation vector;
	// DemeanTargetByOrigin does the same for the target.
	DemeanByOrigin       bool
	DemeanTargetByOrigin bool
	// Form forces the primal or dual system (default Auto: cheaper one).
	Form Form
}

// DefaultAlphas is the reference grid logspace(-4, 4, 17).
func DefaultAlphas() []float64 { return Logspace(-4, 4, 17) }

// Logspace returns num values 10^lo .. 10^hi evenly spaced in the exponent.
func Logspace(lo, hi float64, num int) []float64 {
	out := make([]float64, num)
	for i := range out {
		e := lo
		if num > 1 {
			e = lo + (hi-lo)*float64(i)/float64(num-1)
		}
		out[i] = math.Pow(10, e)
	}
	return out
}

func (o *Options) withDefaults() Options {
	var out Options
	if o != nil {
		out = *o
	}
	if len(out.Alphas) == 0 {
		out.Alphas = DefaultAlphas()
	}
	if out.Folds == 0 {
		out.Folds = 5
	}
	return out
}

// Scores are one fold's held-out metrics at one alpha.
type Scores struct {
	// R2 is 1 - SS_res/SS_tot with SS_tot about the test fold's mean
	// (scikit-learn's r2_score); NaN, like R2MeanAdjusted and Pearson, when
	// the fold's targets are all equal (SS_tot = 0). Metric skips NaN folds.
	R2  float64
	MSE float64
	// Pearson is the correlation of predictions and targets (NaN when the
	// predictions are constant).
	Pearson float64
	// R2MeanAdjusted is R2 after shifting the predictions to the test
	// fold's mean, which discounts an offset between held-out groups.
	R2MeanAdjusted float64
	// VarY is the test fold's target variance (SS_tot / n_test).
	VarY float64
}

// Sweep is the cross-validated alpha sweep of one target.
type Sweep struct {
	Alphas []float64
	Folds  []Fold
	// Scores[k][f] is fold f's metrics at Alphas[k].
	Scores [][]Scores
	// Predictions[k][i] is row i's out-of-fold prediction at Alphas[k], in
	// the target's units (of the origin-demeaned target with
	// DemeanTargetByOrigin).
	Predictions [][]float64
	// Best indexes the alpha with the largest mean R2 over folds.
	Best int
	Form Form
	// SmallGroups lists the groups too small to hold out (Options.MinGroup);
	// their rows only trained, and their Predictions are NaN.
	SmallGroups []string
}

// BestAlpha is Alphas[Best].
func (s *Sweep) BestAlpha() float64 { return s.Alphas[s.Best] }

// Metric returns the mean over folds of one metric at alpha index k and its
// standard error (SD over folds / √folds), skipping NaN folds.
func (s *Sweep) Metric(k int, metric func(Scores) float64) (mean, se float64) {
	var vals []float64
	for _, sc := range s.Scores[k] {
		if v := metric(sc); !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	return stats.MeanSE(vals)
}

// MeanR2 is the mean fold R2 at every alpha.
func (s *Sweep) MeanR2() []float64 {
	out := make([]float64, len(s.Alphas))
	for k := range out {
		out[k], _ = s.Metric(k, func(sc Scores) float64 { return sc.R2 })
	}
	return out
}

// CrossValidate runs the alpha sweep of opt on ds: for every fold, one
// reduction of the training Gram (or kernel) serves every alpha.
func CrossValidate(ds *Dataset, opt *Options) (*Sweep, error) {
	if ds == nil {
		return nil, fmt.Errorf("probe: cross-validate: no dataset")
	}
	sw, err := crossValidate(ds, [][]float64{ds.Y}, opt)
	if err != nil {
		return nil, err
	}
	return sw[0], nil
}

// folds returns opt's folds for ds, and the groups too small to hold out.
func (o *Options) folds(ds *Dataset) ([]Fold, []string, error) {
	switch {
	case o.Groups != nil:
		if len(o.Groups) != ds.Rows() {
			return nil, nil, fmt.Errorf("probe: %d group labels for %d rows", len(o.Groups), ds.Rows())
		}
		return GroupFolds(o.Groups, o.MinGroup)
	case o.ByOrigin:
		f, err := OriginFolds(ds.Origins)
		return f, nil, err
	}
	f, err := KFold(ds.Rows(), o.Folds, o.Shuffle, o.Seed)
	return f, nil, err
}

// crossValidate sweeps several targets over the same activations, sharing
// every decomposition between them.
func crossValidate(ds *Dataset, targets [][]float64, o *Options) ([]*Sweep, error) {
	opt := o.withDefaults()
	if err := checkDataset(ds, opt.Alphas); err != nil {
		return nil, err
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("probe: no targets to sweep")
	}
	folds, small, err := opt.folds(ds)
	if err != nil {
		return nil, err
	}
	n, d, m := ds.Rows(), ds.D, len(targets)
	dz := prepareX(ds, &opt)
	y := make([]float64, n*m)
	yMeans := make([]float64, m)
	for j, t := range targets {
		if len(t) != n {
			return nil, fmt.Errorf("probe: target %d has %d values for %d rows", j, len(t), n)
		}
		yc, ym := prepareY(t, ds.Origins, &opt)
		yMeans[j] = ym
		for i := range n {
			y[i*m+j] = yc[i]
		}
	}
	trainSizes := make([]int, len(folds))
	for f, fold := range folds {
		trainSizes[f] = n - len(fold.Test)
	}
	s := newSolver(dz.x, n, d, y, m, opt.Form, trainSizes)
	out := make([]*Sweep, m)
	for j := range out {
		out[j] = &Sweep{Alphas: opt.Alphas, Folds: folds, Form: s.form, Scores: make([][]Scores, len(opt.Alphas)), Predictions: make([][]float64, len(opt.Alphas)), SmallGroups: small}
		for k := range out[j].Scores {
			out[j].Scores[k] = make([]Scores, len(folds))
			out[j].Predictions[k] = make([]float64, n)
			for i := range out[j].Predictions[k] {
				out[j].Predictions[k][i] = math.NaN() // rows no fold tests
			}
		}
	}
	A := len(opt.Alphas)
	for f, fold := range folds {
		p, err := s.foldPredictions(fold.Test, opt.Alphas)
		if err != nil {
			return nil, fmt.Errorf("probe: fold %d: %w", f, err)
		}
		nte := len(fold.Test)
		actual := make([]float64, nte)
		pred := make([]float64, nte)
		for j := range m {
			for t, i := range fold.Test {
				actual[t] = y[i*m+j]
			}
			for k := range A {
				for t, i := range fold.Test {
					pred[t] = p[t*A*m+k*m+j]
					out[j].Predictions[k][i] = pred[t] + yMeans[j]
				}
				out[j].Scores[k][f] = score(actual, pred)
			}
		}
	}
	for j, sw := range out {
		r2 := sw.MeanR2()
		sw.Best = -1
		for k, v := range r2 {
			if !math.IsNaN(v) && (sw.Best < 0 || v > r2[sw.Best]) {
				sw.Best = k
			}
		}
		if sw.Best < 0 {
			return nil, fmt.Errorf("probe: target %d: no test fold has target variance, so no alpha has an R²", j)
		}
	}
	return out, nil
}

func checkDataset(ds *Dataset, alphas []float64) error {
	if ds == nil {
		return fmt.Errorf("probe: no dataset")
	}
	if ds.Rows() < 2 || ds.Rows() < 2 || ds.D <= 0 || len(ds.X) != ds.Rows()*ds.D {
		return fmt.Errorf("probe: dataset needs 2+ rows of 1+ features")
	}
	for _, a := range alphas {
		if !(a > 0) || math.IsInf(a, 0) {
			return fmt.Errorf("probe: alpha %v: alphas must be positive and finite", a)
		}
	}
	return nil
}

// score computes the held-out metrics of predictions p for targets y.
func score(y, p []float64) Scores {
	n := float64(len(y))
	my, mp := mean(y), mean(p)
	var ssTot, ssRes, ssAdj, sxy, spp float64
	for i := range y {
		dy, dp := y[i]-my, p[i]-mp
		ssTot += dy * dy
		ssRes += (y[i] - p[i]) * (y[i] - p[i])
		ssAdj += (dy - dp) * (dy - dp)
		sxy += dy * dp
		spp += dp * dp
	}
	sc := Scores{MSE: ssRes / n, VarY: ssTot / n, Pearson: math.NaN(), R2: math.NaN(), R2MeanAdjusted: math.NaN()}
	if ssTot == 0 {
		// Identical targets in the fold: R² is undefined (NaN), not -Inf.
		return sc
	}
	sc.R2 = 1 - ssRes/ssTot
	sc.R2MeanAdjusted = 1 - ssAdj/ssTot
	if spp > 0 {
		sc.Pearson = sxy / math.Sqrt(spp*ssTot)
	}
	return sc
}

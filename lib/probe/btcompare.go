package probe

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/utility"
)

// PairOptions set up the comparison of the Bradley-Terry probe with ridge
// on fitted utilities. The zero value: fractions 10%, 30%, 100% of the
// training pairs, seeds 0-4, 20% of tasks held out, BT α from
// logspace(-2, 4, 7) by 3 folds over tasks, ridge with Options{Shuffle}.
type PairOptions struct {
	Fractions []float64
	Seeds     []uint64
	// TestShare of the tasks is held out per seed; the test pairs are those
	// touching a held-out task, the training pairs those with neither.
	TestShare float64
	Alphas    []float64
	Folds     int
	Ridge     Options
	Fit       *utility.FitOptions
	// ByComparison thins the individual comparisons of every training pair
	// (each kept with probability = the fraction) instead of keeping a
	// fraction of the pairs whole: few comparisons on many pairs rather
	// than many comparisons on few pairs.
	ByComparison bool
}

func (o *PairOptions) withDefaults() PairOptions {
	var out PairOptions
	if o != nil {
		out = *o
	}
	if len(out.Fractions) == 0 {
		out.Fractions = []float64{0.1, 0.3, 1}
	}
	if len(out.Seeds) == 0 {
		out.Seeds = DefaultSeeds
	}
	if out.TestShare == 0 {
		out.TestShare = 0.2
	}
	if len(out.Alphas) == 0 {
		out.Alphas = Logspace(-2, 4, 7)
	}
	if out.Folds == 0 {
		out.Folds = 3
	}
	if out.Ridge.Alphas == nil && !out.Ridge.Shuffle {
		out.Ridge.Shuffle = true
	}
	return out
}

// PairRun is one (fraction, seed) result of one probe.
type PairRun struct {
	Accuracy   float64
	TrainPairs int
	TestPairs  int
	Alpha      float64
	W          []float64
}

// PairComparison holds, per fraction and seed, the held-out pair accuracy
// of the Bradley-Terry probe and of ridge on the Thurstonian μ fitted to the
// same training pairs.
type PairComparison struct {
	Fractions []float64
	Seeds     []uint64
	// Unit is what the fractions thin: "pairs" or "comparisons".
	Unit      string
	BT, Ridge [][]PairRun
}

// ComparePairProbes runs both probes for every fraction and seed: per seed
// a random TestShare of the tasks is held out; a fraction of the training
// pairs (with neither task held out) is drawn; the BT probe fits those pairs
// (α by BTCrossValidate), and ridge fits the μ of utility.Fit on them (α by
// CV over the tasks that appear in a training pair). Both score every task
// by w·x and are judged on the test pairs.
func ComparePairProbes(ds *Dataset, pairs *PairSet, o *PairOptions) (*PairComparison, error) {
	opt := o.withDefaults()
	if err := checkDataset(ds, opt.Alphas); err != nil {
		return nil, err
	}
	out := &PairComparison{Fractions: opt.Fractions, Seeds: opt.Seeds, Unit: "pairs"}
	if opt.ByComparison {
		out.Unit = "comparisons"
	}
	for _, frac := range opt.Fractions {
		if !(frac > 0 && frac <= 1) {
			return nil, fmt.Errorf("probe: pair fraction %v outside (0, 1]", frac)
		}
		var bts, rs []PairRun
		for _, seed := range opt.Seeds {
			bt, ridge, err := comparePairsOnce(ds, pairs, frac, seed, &opt)
			if err != nil {
				return nil, fmt.Errorf("probe: fraction %v seed %d: %w", frac, seed, err)
			}
			bts, rs = append(bts, bt), append(rs, ridge)
		}
		out.BT, out.Ridge = append(out.BT, bts), append(out.Ridge, rs)
	}
	return out, nil
}

func comparePairsOnce(ds *Dataset, pairs *PairSet, frac float64, seed uint64, opt *PairOptions) (bt, ridge PairRun, err error) {
	r := rand.New(rand.NewPCG(seed, 11))
	held := map[int]bool{}
	var train []int
	for k, i := range r.Perm(ds.Rows()) {
		if float64(k) < opt.TestShare*float64(ds.Rows()) {
			held[i] = true
		} else {
			train = append(train, i)
		}
	}
	test := pairs.subset(func(k int) bool { return held[pairs.I[k]] || held[pairs.J[k]] })
	all := pairs.subset(func(k int) bool { return !held[pairs.I[k]] && !held[pairs.J[k]] })
	var tr *PairSet
	if opt.ByComparison {
		tr = thin(all, frac, r)
	} else {
		keep := int(math.Ceil(frac * float64(all.Len())))
		chosen := map[int]bool{}
		for _, k := range r.Perm(all.Len())[:keep] {
			chosen[k] = true
		}
		tr = all.subset(func(k int) bool { return chosen[k] })
	}
	if tr.Len() == 0 || test.Len() == 0 {
		return bt, ridge, fmt.Errorf("%d training and %d test pairs", tr.Len(), test.Len())
	}
	alpha, w, err := BTCrossValidate(ds, tr, train, opt.Alphas, opt.Folds, seed)
	if err != nil {
		return bt, ridge, err
	}
	bt = PairRun{Accuracy: PairAccuracy(scores(ds, w), test), TrainPairs: tr.Len(), TestPairs: test.Len(), Alpha: alpha, W: w}
	ridge, err = ridgeOnMu(ds, tr, opt)
	if err != nil {
		return bt, ridge, err
	}
	ridge.Accuracy, ridge.TrainPairs, ridge.TestPairs = PairAccuracy(scores(ds, ridge.W), test), tr.Len(), test.Len()
	return bt, ridge, nil
}

// thin keeps each comparison of every pair with probability frac (a
// fractional win is kept whole with that probability); pairs left with no
// comparison are dropped.
func thin(p *PairSet, frac float64, r *rand.Rand) *PairSet {
	draw := func(w float64) float64 {
		var kept float64
		for ; w >= 1; w-- {
			if r.Float64() < frac {
				kept++
			}
		}
		if w > 0 && r.Float64() < frac {
			kept += w
		}
		return kept
	}
	out := &PairSet{}
	for k := range p.I {
		wi, wj := draw(p.WinsI[k]), draw(p.WinsJ[k])
		if wi+wj > 0 {
			out.add(p.I[k], p.J[k], wi, wj)
		}
	}
	return out
}

// ridgeOnMu fits the Thurstonian μ to the training pairs, then the ridge
// probe (α by CV) from activations to μ over the tasks the pairs touch.
func ridgeOnMu(ds *Dataset, tr *PairSet, opt *PairOptions) (PairRun, error) {
	d := utility.NewData(ds.Rows())
	for k := range tr.I {
		if err := d.Add(tr.I[k], tr.J[k], tr.WinsI[k], tr.WinsJ[k]); err != nil {
			return PairRun{}, err
		}
	}
	u, err := utility.Fit(d, opt.Fit)
	if err != nil {
		return PairRun{}, err
	}
	deg := d.Degrees()
	sub := ds.Select(func(i int) bool { return deg[i] > 0 })
	mu := make([]float64, 0, sub.Rows())
	for i := range deg {
		if deg[i] > 0 {
			mu = append(mu, u.Mu[i])
		}
	}
	sub.Y = mu
	o := opt.Ridge
	o.Folds = min(max(o.Folds, 5), sub.Rows()/2)
	sw, err := CrossValidate(sub, &o)
	if err != nil {
		return PairRun{}, err
	}
	p, err := Fit(sub, sw.BestAlpha(), &o)
	if err != nil {
		return PairRun{}, err
	}
	return PairRun{Alpha: sw.BestAlpha(), W: p.W}, nil
}

// PairSummary is one fraction's accuracies over seeds: means with 95%
// intervals (mean ± 1.96 SE over seeds), and the paired difference BT −
// ridge.
type PairSummary struct {
	Fraction              float64
	TrainPairs            float64
	BT, Ridge, Difference float64
	BTCI, RidgeCI, DiffCI stats.Interval
}

// Summary summarises every fraction.
func (c *PairComparison) Summary() []PairSummary {
	var out []PairSummary
	for f, frac := range c.Fractions {
		var bt, rg, diff, tp []float64
		for s := range c.BT[f] {
			bt = append(bt, c.BT[f][s].Accuracy)
			rg = append(rg, c.Ridge[f][s].Accuracy)
			diff = append(diff, c.BT[f][s].Accuracy-c.Ridge[f][s].Accuracy)
			tp = append(tp, float64(c.BT[f][s].TrainPairs))
		}
		ps := PairSummary{Fraction: frac}
		var se float64
		ps.BT, se = stats.MeanSE(bt)
		ps.BTCI = stats.Normal(ps.BT, se, 0.95)
		ps.Ridge, se = stats.MeanSE(rg)
		ps.RidgeCI = stats.Normal(ps.Ridge, se, 0.95)
		ps.Difference, se = stats.MeanSE(diff)
		ps.DiffCI = stats.Normal(ps.Difference, se, 0.95)
		ps.TrainPairs, _ = stats.MeanSE(tp)
		out = append(out, ps)
	}
	return out
}

// CosinesWith is, per fraction, the mean cosine of each probe's weights
// with dir (a planted direction) over seeds.
func (c *PairComparison) CosinesWith(dir []float64) (bt, ridge []float64, err error) {
	for f := range c.Fractions {
		var a, b []float64
		for s := range c.BT[f] {
			x, err := Cosine(c.BT[f][s].W, dir)
			if err != nil {
				return nil, nil, err
			}
			y, _ := Cosine(c.Ridge[f][s].W, dir)
			a, b = append(a, x), append(b, y)
		}
		ma, _ := stats.MeanSE(a)
		mb, _ := stats.MeanSE(b)
		bt, ridge = append(bt, ma), append(ridge, mb)
	}
	return bt, ridge, nil
}

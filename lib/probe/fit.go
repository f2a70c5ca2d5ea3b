package probe

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

// Probe is a ridge probe fitted on all rows: prediction w·x + Intercept.
// W is in the input feature units (standardisation undone); with
// DemeanByOrigin it applies to origin-demeaned activations.
type Probe struct {
	W         []float64
	Intercept float64
	Alpha     float64
}

// Predict returns w·x + b for each row of the n×d matrix x (d = len(W)).
// A probe with no weights (the zero Probe) or x whose length is not a
// multiple of d is an error.
func (p *Probe) Predict(x []float64) ([]float64, error) {
	d := len(p.W)
	if d == 0 {
		return nil, fmt.Errorf("probe: predict: the probe has no weights (fit it first)")
	}
	if len(x)%d != 0 {
		return nil, fmt.Errorf("probe: predict: %d values are not rows of the probe's %d features", len(x), d)
	}
	out := make([]float64, len(x)/d)
	for i := range out {
		s := p.Intercept
		for j, v := range x[i*d : (i+1)*d] {
			s += v * p.W[j]
		}
		out[i] = s
	}
	return out, nil
}

// Fit fits the ridge probe of opt's preprocessing on all rows of ds at
// alpha (opt's Alphas and folds are not used).
func Fit(ds *Dataset, alpha float64, opt *Options) (*Probe, error) {
	o := opt.withDefaults()
	if err := checkDataset(ds, []float64{alpha}); err != nil {
		return nil, err
	}
	n, d := ds.Rows(), ds.D
	dz := prepareX(ds, &o)
	y, ym := prepareY(ds.Y, ds.Origins, &o)
	s := newSolver(dz.x, n, d, y, 1, o.Form, []int{n})
	w, err := s.weights(alpha)
	if err != nil {
		return nil, err
	}
	p := &Probe{W: w, Intercept: ym, Alpha: alpha}
	for j := range p.W {
		p.W[j] /= dz.xScale[j]
		p.Intercept -= p.W[j] * dz.xMean[j]
	}
	return p, nil
}

// Cosine is the cosine similarity a·b / (‖a‖‖b‖) of two weight vectors
// (NaN if either is zero).
func Cosine(a, b []float64) (float64, error) {
	if len(a) != len(b) {
		return 0, fmt.Errorf("probe: cosine of vectors of length %d and %d", len(a), len(b))
	}
	na, nb := floats.Norm(a, 2), floats.Norm(b, 2)
	if na == 0 || nb == 0 {
		return math.NaN(), nil
	}
	return floats.Dot(a, b) / (na * nb), nil
}

// CosineMatrix returns the pairwise cosine similarities of ws.
func CosineMatrix(ws [][]float64) ([][]float64, error) {
	out := make([][]float64, len(ws))
	for i := range ws {
		out[i] = make([]float64, len(ws))
		for j := range ws {
			c, err := Cosine(ws[i], ws[j])
			if err != nil {
				return nil, fmt.Errorf("probe: weights %d and %d: %w", i, j, err)
			}
			out[i][j] = c
		}
	}
	return out, nil
}

// DefaultSeeds are the noise baselines' seeds 0-4, as in the reference.
var DefaultSeeds = []uint64{0, 1, 2, 3, 4}

// ShuffledLabels sweeps ds once per seed with its targets permuted (a
// probe that can only fit noise). The decompositions are shared by all
// seeds, so this costs about one sweep.
func ShuffledLabels(ds *Dataset, opt *Options, seeds []uint64) ([]*Sweep, error) {
	if len(seeds) == 0 {
		return nil, fmt.Errorf("probe: shuffled labels: no seeds (probe.DefaultSeeds are the reference's)")
	}
	if err := checkDataset(ds, nil); err != nil {
		return nil, err
	}
	targets := make([][]float64, len(seeds))
	for s, seed := range seeds {
		y := append([]float64(nil), ds.Y...)
		r := rand.New(rand.NewPCG(seed, 1))
		r.Shuffle(len(y), func(i, j int) { y[i], y[j] = y[j], y[i] })
		targets[s] = y
	}
	return crossValidate(ds, targets, opt)
}

// GaussianActivations sweeps ds once per seed with activations replaced by
// independent Gaussian draws matched to each feature's mean and SD.
func GaussianActivations(ds *Dataset, opt *Options, seeds []uint64) ([]*Sweep, error) {
	if len(seeds) == 0 {
		return nil, fmt.Errorf("probe: gaussian activations: no seeds (probe.DefaultSeeds are the reference's)")
	}
	if err := checkDataset(ds, nil); err != nil {
		return nil, err
	}
	n, d := ds.Rows(), ds.D
	mu := columnSums(ds.X, d)
	sd := make([]float64, d)
	for j := range mu {
		mu[j] /= float64(n)
	}
	for i := range n {
		for j, v := range ds.X[i*d : (i+1)*d] {
			sd[j] += (v - mu[j]) * (v - mu[j])
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j] / float64(n))
	}
	out := make([]*Sweep, len(seeds))
	for s, seed := range seeds {
		r := rand.New(rand.NewPCG(seed, 2))
		x := make([]float64, n*d)
		for i := range n {
			for j := range d {
				x[i*d+j] = mu[j] + sd[j]*r.NormFloat64()
			}
		}
		noise := *ds
		noise.X = x
		sw, err := CrossValidate(&noise, opt)
		if err != nil {
			return nil, fmt.Errorf("probe: gaussian seed %d: %w", seed, err)
		}
		out[s] = sw
	}
	return out, nil
}

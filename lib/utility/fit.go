package utility

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"gonum.org/v1/gonum/optimize"
)

// Defaults of FitOptions; see FitOptions for what each controls and
// CompareSettings for the held-out evidence behind them.
const (
	DefaultStartSigma      = 1.0
	DefaultLogSigmaPriorSD = 0.25
	DefaultSigmaMin        = 0.1353352832366127 // e^-2, as the reference implementation
	DefaultSigmaMax        = 7.38905609893065   // e^2
	DefaultMaxIterations   = 1000
	DefaultGradTol         = 1e-2
)

// FitOptions configures Fit. A nil *FitOptions, or a zero field, gives the
// documented default.
//
// The likelihood depends on μ only through differences and on (μ, σ) only
// through ratios (μᵢ-μⱼ)/√(σᵢ²+σⱼ²): location and scale are not identified.
// Fit fixes the location by centring μ (mean 0) and the scale through σ:
// with EqualSigma every σᵢ equals StartSigma; otherwise the Gaussian prior
// log σᵢ ~ N(log StartSigma, LogSigmaPriorSD²) keeps the typical σ at
// StartSigma. With the prior switched off (LogSigmaPriorSD = +Inf) the scale
// is held only by the σ bounds and the μ prior, as in the reference
// implementation, and overfits badly with few samples per pair.
type FitOptions struct {
	// EqualSigma fits Thurstone's Case V: σᵢ = StartSigma for every task and
	// only μ is estimated.
	EqualSigma bool

	// StartSigma is every σᵢ's starting value and the centre of the log σ
	// prior. Zero means DefaultStartSigma (1).
	StartSigma float64

	// LogSigmaPriorSD is τ in the prior log σᵢ ~ N(log StartSigma, τ²),
	// i.e. the penalty Σ (log σᵢ - log StartSigma)²/(2τ²). Zero means
	// DefaultLogSigmaPriorSD; math.Inf(1) switches the prior off.
	LogSigmaPriorSD float64

	// SigmaMin and SigmaMax bound each σᵢ. The bound is kept by the
	// reparametrisation log σᵢ = c + h·tanh(tᵢ), c and h the centre and
	// half-width of [log SigmaMin, log SigmaMax], so the optimiser runs
	// unconstrained in t. Zero means e^-2 and e^2 (the reference's bounds).
	SigmaMin, SigmaMax float64

	// MuPriorSD is s in the prior μᵢ ~ N(0, s²), the L2 penalty
	// Σ μᵢ²/(2s²), which shrinks noisy μ and keeps μ finite for a task that
	// won (or lost) every comparison. Zero means s is estimated by empirical
	// Bayes: starting from s = StartSigma, Fit alternates a fit with
	// MacKay's evidence update s² = Σμᵢ²/Σ(1 - vᵢ/s²), vᵢ the Laplace
	// posterior variance of μᵢ (the fixed point of EM's s² = mean(μᵢ² + vᵢ)),
	// until s moves by less than 1%, then refits at that s to full
	// tolerance (at most 8 rounds, each warm-started, the EB ones at
	// 3·GradTol). math.Inf(1) switches the prior off.
	MuPriorSD float64

	// MaxIterations caps L-BFGS major iterations. Zero means 1000.
	MaxIterations int

	// GradTol stops the fit when the infinity norm of the objective's
	// gradient falls below GradTol·max(1, C/N), C the number of comparisons
	// and N the number of tasks, i.e. a tolerance per comparison of an
	// average task. Zero means DefaultGradTol (1e-2): on the n=1000, 20
	// pairs/task design it halves the evaluations of 1e-3 and moves held-out
	// log-loss by 0.1%; the reference implementation's gtol = 1 corresponds
	// to about 0.055.
	GradTol float64

	// Workers is the number of goroutines that evaluate the objective, each
	// over a contiguous share of the pairs. Zero means GOMAXPROCS, reduced so
	// each worker has at least 2000 pairs.
	Workers int
}

func (o *FitOptions) resolve() (FitOptions, error) {
	var r FitOptions
	if o != nil {
		r = *o
	}
	if r.StartSigma == 0 {
		r.StartSigma = DefaultStartSigma
	}
	if r.LogSigmaPriorSD == 0 {
		r.LogSigmaPriorSD = DefaultLogSigmaPriorSD
	}
	if r.SigmaMin == 0 {
		r.SigmaMin = DefaultSigmaMin
	}
	if r.SigmaMax == 0 {
		r.SigmaMax = DefaultSigmaMax
	}
	if r.MaxIterations == 0 {
		r.MaxIterations = DefaultMaxIterations
	}
	if r.GradTol == 0 {
		r.GradTol = DefaultGradTol
	}
	switch {
	case !(r.StartSigma > 0) || math.IsInf(r.StartSigma, 0):
		return r, fmt.Errorf("utility: StartSigma %v must be positive and finite", r.StartSigma)
	case !(r.LogSigmaPriorSD > 0):
		return r, fmt.Errorf("utility: LogSigmaPriorSD %v must be positive", r.LogSigmaPriorSD)
	case r.MuPriorSD < 0 || math.IsNaN(r.MuPriorSD):
		return r, fmt.Errorf("utility: MuPriorSD %v must be positive", r.MuPriorSD)
	case !(r.SigmaMin > 0) || !(r.SigmaMax > r.SigmaMin) || math.IsInf(r.SigmaMax, 0):
		return r, fmt.Errorf("utility: sigma bounds [%v, %v] must satisfy 0 < min < max < Inf", r.SigmaMin, r.SigmaMax)
	case !r.EqualSigma && !(r.StartSigma > r.SigmaMin && r.StartSigma < r.SigmaMax):
		return r, fmt.Errorf("utility: StartSigma %v must lie strictly inside the sigma bounds [%v, %v]", r.StartSigma, r.SigmaMin, r.SigmaMax)
	case r.MaxIterations < 0:
		return r, fmt.Errorf("utility: MaxIterations %d is negative", r.MaxIterations)
	case !(r.GradTol > 0):
		return r, fmt.Errorf("utility: GradTol %v must be positive", r.GradTol)
	}
	return r, nil
}

// Utilities is a fitted Thurstonian model: task i's utility is
// N(Mu[i], Sigma[i]²), with Mu centred to mean 0.
type Utilities struct {
	// IDs names the tasks when the data had ids, else nil.
	IDs []string
	// Mu holds the utility means, mean 0.
	Mu []float64
	// Sigma holds the utility standard deviations.
	Sigma []float64
	// MuVar holds vᵢ, the Laplace (diagonal) posterior variance of μᵢ:
	// 1/(∂²F/∂μᵢ²) at the fit; active-learning rules use it.
	MuVar []float64
	// MuPriorSD is the prior sd s of μ used in the final fit (estimated
	// when FitOptions.MuPriorSD is zero; +Inf for none).
	MuPriorSD float64

	// NegLogLik is the negative log-likelihood of the training comparisons
	// at the fit (the data term, without priors).
	NegLogLik float64
	// Objective is NegLogLik plus the prior penalties, the minimised value.
	Objective float64
	// Comparisons is the total weight of the training comparisons.
	Comparisons float64
	// Iterations and Evaluations count L-BFGS major iterations and
	// objective-and-gradient evaluations.
	Iterations, Evaluations int
	// Status is the optimiser's termination status.
	Status string
	// Options are the settings used, defaults filled in.
	Options FitOptions
}

// Prob returns P(task i preferred to task j) = Φ((μᵢ-μⱼ)/√(σᵢ²+σⱼ²)).
func (u *Utilities) Prob(i, j int) float64 {
	return Phi(u.Z(i, j))
}

// Z returns the probit (μᵢ-μⱼ)/√(σᵢ²+σⱼ²), so that Prob = Φ(Z). (Adding
// the posterior variances MuVar to the denominator was tried and did not
// lower held-out log-loss on simulated data.)
func (u *Utilities) Z(i, j int) float64 {
	return (u.Mu[i] - u.Mu[j]) / math.Sqrt(u.Sigma[i]*u.Sigma[i]+u.Sigma[j]*u.Sigma[j])
}

// ErrNoComparisons is returned by Fit for data without comparisons.
var ErrNoComparisons = errors.New("utility: no comparisons to fit")

// Fit estimates Thurstonian utilities from d by maximum penalised
// likelihood: it minimises
//
//	F(μ, σ) = -Σ_pairs [w_ij log Φ(z_ij) + w_ji log Φ(-z_ij)]
//	          + Σ_i μᵢ²/(2s²) + Σ_i (log σᵢ - log σ₀)²/(2τ²),
//	z_ij = (μᵢ-μⱼ)/√(σᵢ²+σⱼ²),
//
// over observed pairs only (cost linear in the number of pairs), with the
// exact gradient and gonum's L-BFGS. See FitOptions for s, τ, σ₀, the σ
// bounds and Case V. Tasks without comparisons keep μ = 0 and σ = σ₀ (up to
// the centring of μ).
func Fit(d *Data, opts *FitOptions) (*Utilities, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	if d == nil || len(d.pairs) == 0 || d.Comparisons() == 0 {
		return nil, ErrNoComparisons
	}
	p := newProblem(d, &o)
	x := p.start()
	scale := math.Max(1, p.comparisons/float64(p.n))
	eb := o.MuPriorSD == 0
	muSD := o.MuPriorSD
	if eb {
		muSD = o.StartSigma
	}
	var res *optimize.Result
	var status string
	iters := 0
	final := false
	for round := 0; ; round++ {
		p.setMuPrior(muSD)
		tol := o.GradTol * scale
		if eb && round < 7 && !final {
			tol *= 3 // EB rounds need only a rough fit; the last is tight
		}
		settings := &optimize.Settings{
			GradientThreshold: tol,
			MajorIterations:   o.MaxIterations,
			Converger:         &optimize.FunctionConverge{Relative: 1e-12, Iterations: 20},
		}
		prob := optimize.Problem{Func: p.f, Grad: p.g}
		res, err = optimize.Minimize(prob, x, settings, newMethod())
		if err != nil && res == nil {
			return nil, fmt.Errorf("utility: fit: %w", err)
		}
		iters += res.Stats.MajorIterations
		x = res.X
		status = res.Status.String()
		if err != nil {
			// A line-search failure at a point already optimal to rounding
			// is common on flat objectives; report it, keep the point.
			status += ": " + err.Error()
		}
		if !eb || round == 7 || final {
			break
		}
		v := p.muVariance(x)
		var ss, vs float64
		for i := 0; i < p.n; i++ {
			ss += x[i] * x[i]
			vs += v[i]
		}
		// MacKay's update s² = Σμ²/γ, γ = Σ(1 - vᵢ/s²) the effective number
		// of well-measured tasks: the EM fixed point s² = mean(μ² + v) in
		// fewer rounds. EM's form is the fallback when γ ≤ 0.
		next := math.Sqrt((ss + vs) / float64(p.n))
		if gamma := float64(p.n) - vs/(muSD*muSD); gamma > 0 {
			next = math.Sqrt(ss / gamma)
		}
		final = math.Abs(next-muSD) < 0.01*muSD
		muSD = next
	}
	u := &Utilities{IDs: d.IDs, Mu: make([]float64, p.n), Sigma: make([]float64, p.n),
		Comparisons: p.comparisons, Iterations: iters, MuPriorSD: muSD,
		Evaluations: p.evals, Status: status, Options: o}
	u.MuVar = p.muVariance(x)
	var mean float64
	for i := 0; i < p.n; i++ {
		mean += x[i]
	}
	mean /= float64(p.n)
	for i := 0; i < p.n; i++ {
		u.Mu[i] = x[i] - mean
		if o.EqualSigma {
			u.Sigma[i] = o.StartSigma
		} else {
			u.Sigma[i] = math.Exp(p.c + p.h*math.Tanh(x[p.n+i]))
		}
	}
	u.Objective = p.eval(x, nil)
	u.NegLogLik = p.nll
	return u, nil
}

// newMethod returns the optimiser: L-BFGS with 10 stored pairs and the
// Moré-Thuente line search, which needed about 15% fewer evaluations than
// gonum's default bisection on the benchmark design.
var newMethod = func() optimize.Method {
	return &optimize.LBFGS{Store: 10, Linesearcher: &optimize.MoreThuente{}}
}

// problem evaluates F and its gradient in the optimiser's coordinates
// x = (μ_0..μ_{n-1}, t_0..t_{n-1}), t absent under Case V.
type problem struct {
	n      int
	pi, pj []int32
	wi, wj []float64
	// The objective loops over directed outcomes (winner a, loser b, weight
	// w): a pair with wins on both sides gives two. Every outcome is then
	// one log Φ with no branch on which side won, which the CPU cannot
	// predict when each pair has one sample.
	da, db      []int32
	dw          []float64
	comparisons float64
	equal       bool
	s0, logS0   float64
	c, h        float64 // log σ = c + h tanh(t)
	muPrec      float64 // 1/s², 0 for no prior
	lsPrec      float64 // 1/τ², 0 for no prior

	workers int
	bufs    [][]float64
	fparts  []float64
	sig2    []float64
	ls, dls []float64
	nll     float64
	evals   int

	cacheX []float64
	cacheG []float64
	cacheF float64
	cached bool
}

func newProblem(d *Data, o *FitOptions) *problem {
	m := len(d.pairs)
	p := &problem{n: d.n, pi: make([]int32, m), pj: make([]int32, m),
		wi: make([]float64, m), wj: make([]float64, m),
		equal: o.EqualSigma, s0: o.StartSigma, logS0: math.Log(o.StartSigma)}
	for k, pr := range d.pairs {
		p.pi[k], p.pj[k] = int32(pr.I), int32(pr.J)
		p.wi[k], p.wj[k] = pr.WinsI, pr.WinsJ
		p.comparisons += pr.WinsI + pr.WinsJ
		if pr.WinsI != 0 {
			p.da, p.db, p.dw = append(p.da, int32(pr.I)), append(p.db, int32(pr.J)), append(p.dw, pr.WinsI)
		}
		if pr.WinsJ != 0 {
			p.da, p.db, p.dw = append(p.da, int32(pr.J)), append(p.db, int32(pr.I)), append(p.dw, pr.WinsJ)
		}
	}
	lo, hi := math.Log(o.SigmaMin), math.Log(o.SigmaMax)
	p.c, p.h = (lo+hi)/2, (hi-lo)/2
	if !math.IsInf(o.LogSigmaPriorSD, 1) {
		p.lsPrec = 1 / (o.LogSigmaPriorSD * o.LogSigmaPriorSD)
	}
	w := o.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
		if lim := m / 2000; w > lim {
			w = lim
		}
	}
	if w < 1 {
		w = 1
	}
	if w > m {
		w = m
	}
	p.workers = w
	dim := p.dim()
	p.bufs = make([][]float64, w)
	for k := range p.bufs {
		p.bufs[k] = make([]float64, dim)
	}
	p.fparts = make([]float64, w)
	p.sig2 = make([]float64, p.n)
	p.ls = make([]float64, p.n)
	p.dls = make([]float64, p.n)
	p.cacheX = make([]float64, dim)
	p.cacheG = make([]float64, dim)
	return p
}

func (p *problem) setMuPrior(sd float64) {
	p.muPrec = 0
	if !math.IsInf(sd, 1) {
		p.muPrec = 1 / (sd * sd)
	}
	p.cached = false
}

// muVariance returns the Laplace diagonal posterior variances of μ at x:
// 1/(∂²F/∂μᵢ²), the observed information of the probit likelihood,
// Σ_j w·r(z)(z + r(z))/s² over i's comparisons (r the inverse Mills ratio,
// z signed towards the winner), plus the prior precision 1/s².
func (p *problem) muVariance(x []float64) []float64 {
	n := p.n
	h := make([]float64, n)
	for i := range h {
		h[i] = p.muPrec
	}
	mu := x[:n]
	if !p.equal {
		p.eval(x, nil) // fills sig2
	}
	v0 := 2 * p.s0 * p.s0
	for k := range p.pi {
		i, j := p.pi[k], p.pj[k]
		v := v0
		if !p.equal {
			v = p.sig2[i] + p.sig2[j]
		}
		z := (mu[i] - mu[j]) / math.Sqrt(v)
		var rI, rJ float64
		if z > -tabZ && z < tabZ {
			_, rI = lphi(z)
			_, rJ = lphi(-z)
		} else {
			_, _, rI, rJ = pairTerms(z, 0)
		}
		c := (p.wi[k]*rI*(z+rI) + p.wj[k]*rJ*(rJ-z)) / v
		h[i] += c
		h[j] += c
	}
	for i := range h {
		if h[i] > 0 {
			h[i] = 1 / h[i]
		} else {
			h[i] = math.Inf(1)
		}
	}
	return h
}

func (p *problem) dim() int {
	if p.equal {
		return p.n
	}
	return 2 * p.n
}

func (p *problem) start() []float64 {
	x := make([]float64, p.dim())
	if !p.equal {
		t := math.Atanh((p.logS0 - p.c) / p.h)
		for i := p.n; i < 2*p.n; i++ {
			x[i] = t
		}
	}
	return x
}

func (p *problem) f(x []float64) float64 {
	f := p.eval(x, p.cacheG)
	copy(p.cacheX, x)
	p.cacheF, p.cached = f, true
	return f
}

func (p *problem) g(grad, x []float64) {
	if p.cached && slices.Equal(x, p.cacheX) {
		copy(grad, p.cacheG)
		return
	}
	p.eval(x, grad)
}

// eval returns F(x) and, when grad is non-nil, writes ∇F(x) into it.
func (p *problem) eval(x, grad []float64) float64 {
	p.evals++
	n := p.n
	mu := x[:n]
	if !p.equal {
		for i := 0; i < n; i++ {
			th := math.Tanh(x[n+i])
			p.ls[i] = p.c + p.h*th
			p.sig2[i] = math.Exp(2 * p.ls[i])
			p.dls[i] = p.h * (1 - th*th)
		}
	}
	m := len(p.da)
	if p.workers == 1 {
		p.fparts[0] = p.chunk(mu, 0, m, p.bufs[0], grad != nil)
	} else {
		var wg sync.WaitGroup
		for w := 0; w < p.workers; w++ {
			lo, hi := w*m/p.workers, (w+1)*m/p.workers
			wg.Add(1)
			go func(w, lo, hi int) {
				defer wg.Done()
				p.fparts[w] = p.chunk(mu, lo, hi, p.bufs[w], grad != nil)
			}(w, lo, hi)
		}
		wg.Wait()
	}
	var f float64
	for _, fp := range p.fparts {
		f += fp
	}
	p.nll = f
	if grad != nil {
		copy(grad, p.bufs[0])
		for w := 1; w < p.workers; w++ {
			b := p.bufs[w]
			for k := range grad {
				grad[k] += b[k]
			}
		}
	}
	if p.muPrec != 0 {
		for i, v := range mu {
			f += 0.5 * p.muPrec * v * v
			if grad != nil {
				grad[i] += p.muPrec * v
			}
		}
	}
	if !p.equal {
		for i := 0; i < n; i++ {
			d := p.ls[i] - p.logS0
			if p.lsPrec != 0 {
				f += 0.5 * p.lsPrec * d * d
			}
			if grad != nil {
				g := grad[n+i]
				if p.lsPrec != 0 {
					g += p.lsPrec * d
				}
				grad[n+i] = g * p.dls[i]
			}
		}
	}
	return f
}

// chunk accumulates the negative log-likelihood of pairs [lo, hi) and, when
// wantGrad, its gradient with respect to (μ, log σ) into buf (overwritten).
func (p *problem) chunk(mu []float64, lo, hi int, buf []float64, wantGrad bool) float64 {
	n := p.n
	if wantGrad {
		for k := range buf {
			buf[k] = 0
		}
	}
	gmu := buf[:n]
	var gls []float64
	if !p.equal {
		gls = buf[n:]
	}
	inv0 := 1 / math.Sqrt(2*p.s0*p.s0)
	var f float64
	// Locals, not fields: the stores into gmu and gls would otherwise make
	// the compiler reload p's slices on every outcome.
	sig2, equal := p.sig2, p.equal
	da, db, dw := p.da[lo:hi], p.db[lo:hi], p.dw[lo:hi]
	db, dw = db[:len(da)], dw[:len(da)]
	for k := range da {
		a, b := da[k], db[k]
		inv := inv0 // 1/√(σ_a²+σ_b²)
		var sa, sb float64
		if !equal {
			sa, sb = sig2[a], sig2[b]
			inv = 1 / math.Sqrt(sa+sb)
		}
		z := (mu[a] - mu[b]) * inv
		var lp, r float64
		if z > -tabZ && z < tabZ {
			lp, r = lphi(z)
		} else {
			lp, _, r, _ = pairTerms(z, 1)
		}
		w := dw[k]
		f -= w * lp
		if !wantGrad {
			continue
		}
		g := -w * r // dF/dz
		gs := g * inv
		gmu[a] += gs
		gmu[b] -= gs
		if gls != nil {
			// dz/dlog σ_a = -z σ_a²/(σ_a²+σ_b²)
			hz := g * z * inv * inv
			gls[a] -= hz * sa
			gls[b] -= hz * sb
		}
	}
	return f
}

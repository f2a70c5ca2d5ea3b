package utility

import (
	"errors"
	"fmt"
	"math"

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

// MaxComparisons bounds the total weight of the comparisons Fit accepts
// (and each count Data.Add accepts): 2⁵³, the largest count a float64 holds
// exactly. Weights are counts of comparisons (or soft labels summing to
// them), and no study makes that many; far larger weights (1e200) overflow
// the optimiser's products of gradients, and the fit would run for minutes
// on Inf and NaN instead of failing.
const MaxComparisons = 1 << 53

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
	if c := d.Comparisons(); !(c <= MaxComparisons) {
		return nil, fmt.Errorf("utility: fit: total comparison weight %g above MaxComparisons (%g)", c, float64(MaxComparisons))
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

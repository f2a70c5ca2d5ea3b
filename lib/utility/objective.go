package utility

// The objective of Fit: the penalised negative log-likelihood and its
// gradient, evaluated in parallel chunks of the comparison list.

import (
	"math"
	"runtime"
	"slices"
	"sync"
)

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

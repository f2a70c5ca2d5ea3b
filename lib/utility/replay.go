package utility

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/prefscope/prefscope/lib/stats"
)

// ActiveOptions configures an ActiveRun or a Replay.
type ActiveOptions struct {
	// Fit configures every refit (nil: Fit's defaults).
	Fit *FitOptions
	// Seed seeds the run's generator (start graph, random draws).
	Seed uint64
}

// ActiveRun drives active learning against a live measurer: ask Next for a
// batch, measure it, feed each outcome to Add, repeat until Next returns an
// empty batch, then call Result.
//
//	run, _ := utility.NewActiveRun(n, utility.PaperStrategy(), nil)
//	for {
//		batch, err := run.Next()
//		if err != nil || len(batch) == 0 { break }
//		for _, q := range batch { run.Add(q.I, q.J, winsI, winsJ) } // measured
//	}
//	u, err := run.Result()
type ActiveRun struct {
	strategy Strategy
	opts     ActiveOptions
	state    State
	dirty    bool
	done     bool
}

// NewActiveRun starts an active-learning run over n tasks.
func NewActiveRun(n int, s Strategy, o *ActiveOptions) (*ActiveRun, error) {
	if n < 2 {
		return nil, fmt.Errorf("utility: active run: n %d < 2", n)
	}
	if s == nil {
		return nil, fmt.Errorf("utility: active run: nil strategy")
	}
	r := &ActiveRun{strategy: s}
	if o != nil {
		r.opts = *o
	}
	r.state = State{N: n, Data: NewData(n), Rand: rand.New(rand.NewPCG(r.opts.Seed, 0x5851f42d4c957f2d))}
	return r, nil
}

// Data returns the comparisons added so far.
func (r *ActiveRun) Data() *Data { return r.state.Data }

// Add records comparisons of a pair, as Data.Add.
func (r *ActiveRun) Add(a, b int, winsA, winsB float64) error {
	if err := r.state.Data.Add(a, b, winsA, winsB); err != nil {
		return err
	}
	r.dirty = true
	return nil
}

// Fit returns the fit to the data so far, refitting if data was added
// since the last fit; nil before any data.
func (r *ActiveRun) Fit() (*Utilities, error) {
	if r.dirty {
		u, err := Fit(r.state.Data, r.opts.Fit)
		if err != nil {
			return nil, fmt.Errorf("utility: active run %q batch %d: %w", r.strategy.Name(), r.state.Round, err)
		}
		r.state.PrevFit, r.state.Fit = r.state.Fit, u
		r.dirty = false
	}
	return r.state.Fit, nil
}

// Next returns the next batch of pairs to measure, or an empty batch when
// the strategy is done.
func (r *ActiveRun) Next() ([]Query, error) {
	if r.done {
		return nil, nil
	}
	if _, err := r.Fit(); err != nil {
		return nil, err
	}
	b, err := r.strategy.Next(&r.state)
	if err != nil {
		return nil, fmt.Errorf("utility: strategy %q batch %d: %w", r.strategy.Name(), r.state.Round, err)
	}
	r.state.Round++
	if len(b) == 0 {
		r.done = true
	}
	return b, nil
}

// Result returns the final fit. A PseudoLabeler strategy with a positive
// threshold first adds, for each unsampled pair whose fitted probability
// of one side is at least the threshold, one comparison won by that side,
// and refits (this scans all N(N-1)/2 pairs).
func (r *ActiveRun) Result() (*Utilities, error) {
	u, err := r.Fit()
	if err != nil || u == nil {
		if err == nil {
			err = ErrNoComparisons
		}
		return nil, err
	}
	pl, ok := r.strategy.(PseudoLabeler)
	if !ok || pl.PseudoLabelThreshold() <= 0 {
		return u, nil
	}
	thr := pl.PseudoLabelThreshold()
	d := r.state.Data.Clone()
	added := 0
	for i := 0; i < d.N(); i++ {
		for j := i + 1; j < d.N(); j++ {
			if _, seen := d.Get(i, j); seen {
				continue
			}
			p := u.Prob(i, j)
			switch {
			case p >= thr:
				d.Add(i, j, 1, 0)
				added++
			case 1-p >= thr:
				d.Add(i, j, 0, 1)
				added++
			}
		}
	}
	if added == 0 {
		return u, nil
	}
	return Fit(d, r.opts.Fit)
}

// CurvePoint is one step of a learning curve: the fit after Batch batches,
// using Pairs distinct pairs and Comparisons comparisons, scored on the
// held-out set (and against planted utilities when given).
type CurvePoint struct {
	Batch       int
	Pairs       int
	Comparisons float64
	Heldout     Metrics
	// Spearman with the planted μ; NaN without a truth.
	Spearman float64
}

// LearningCurve is the result of a Replay.
type LearningCurve struct {
	Strategy string
	Points   []CurvePoint
	// Final is the score of Result (pseudo-labels included).
	Final CurvePoint
	// PoolPairs and PoolComparisons are the sizes of the sample pool.
	PoolPairs       int
	PoolComparisons float64
}

// Replay runs strategy s against stored comparisons: each query for {i, j}
// is answered by the next unused stored sample of that pair (a pair whose
// samples are used up, or never measured, is unavailable), so strategies
// compare on identical data. After each batch it refits and scores the fit
// on test (a fixed held-out split, never queried); truth, when non-nil, is
// the planted μ for the Spearman column.
func Replay(n int, samples []Comparison, test *Data, truth []float64, s Strategy, o *ActiveOptions) (*LearningCurve, error) {
	bank := make(map[int64][]Comparison)
	for _, smp := range samples {
		if smp.A < 0 || smp.A >= n || smp.B < 0 || smp.B >= n || smp.A == smp.B {
			return nil, fmt.Errorf("utility: replay: sample (%d, %d) out of range for %d tasks", smp.A, smp.B, n)
		}
		k := pairKey(smp.A, smp.B)
		bank[k] = append(bank[k], smp)
	}
	used := make(map[int64]int)
	run, err := NewActiveRun(n, s, o)
	if err != nil {
		return nil, err
	}
	run.state.Remaining = func(i, j int) int {
		k := pairKey(i, j)
		return len(bank[k]) - used[k]
	}
	c := &LearningCurve{Strategy: s.Name(), PoolPairs: len(bank), PoolComparisons: float64(len(samples))}
	score := func(u *Utilities, batch int, d *Data) CurvePoint {
		pt := CurvePoint{Batch: batch, Pairs: len(d.Pairs()), Comparisons: d.Comparisons(),
			Heldout: Evaluate(u, test), Spearman: math.NaN()}
		if truth != nil {
			pt.Spearman, _ = stats.Spearman(u.Mu, truth)
		}
		return pt
	}
	for batch := 1; ; batch++ {
		qs, err := run.Next()
		if err != nil {
			return nil, err
		}
		if len(qs) == 0 {
			break
		}
		for _, q := range qs {
			k := pairKey(q.I, q.J)
			if used[k] >= len(bank[k]) {
				return nil, fmt.Errorf("utility: replay: strategy %q asked for pair (%d, %d), which has no sample left", s.Name(), q.I, q.J)
			}
			smp := bank[k][used[k]]
			used[k]++
			if err := run.Add(smp.A, smp.B, smp.WinsA, 1-smp.WinsA); err != nil {
				return nil, err
			}
		}
		u, err := run.Fit()
		if err != nil {
			return nil, err
		}
		c.Points = append(c.Points, score(u, batch, run.Data()))
	}
	u, err := run.Result()
	if err != nil {
		return nil, err
	}
	c.Final = score(u, len(c.Points), run.Data())
	return c, nil
}

// SplitSamples splits measured comparisons for Replay: a share holdOut of
// the distinct pairs (0 means 0.1), drawn with seed, goes with all its
// samples into the held-out Data; the rest stay as training samples in
// their original order.
func SplitSamples(n int, samples []Comparison, holdOut float64, seed uint64) (train []Comparison, test *Data, err error) {
	if holdOut == 0 {
		holdOut = 0.1
	}
	if !(holdOut > 0 && holdOut < 1) {
		return nil, nil, fmt.Errorf("utility: split: hold-out share %v not in (0, 1)", holdOut)
	}
	var keys []int64
	seen := map[int64]bool{}
	for _, s := range samples {
		if s.A < 0 || s.A >= n || s.B < 0 || s.B >= n || s.A == s.B {
			return nil, nil, fmt.Errorf("utility: split: sample (%d, %d) out of range for %d tasks", s.A, s.B, n)
		}
		if k := pairKey(s.A, s.B); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x2545f4914f6cdd1d))
	rng.Shuffle(len(keys), func(a, b int) { keys[a], keys[b] = keys[b], keys[a] })
	held := map[int64]bool{}
	for _, k := range keys[:int(holdOut*float64(len(keys)))] {
		held[k] = true
	}
	test = NewData(n)
	for _, s := range samples {
		if held[pairKey(s.A, s.B)] {
			if err := test.Add(s.A, s.B, s.WinsA, 1-s.WinsA); err != nil {
				return nil, nil, err
			}
			continue
		}
		train = append(train, s)
	}
	return train, test, nil
}

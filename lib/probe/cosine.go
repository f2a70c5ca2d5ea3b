package probe

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/prefscope/prefscope/lib/stats"
)

// GroupCosines are the probes trained on one group each (an origin, a
// topic) and the cosine similarity of every pair, with percentile intervals
// from resampling each group's tasks.
type GroupCosines struct {
	Groups []string
	Sizes  []int
	Alphas []float64
	// Cosine[a][b] is the cosine of groups a's and b's probes; Interval[a][b]
	// its basic bootstrap interval [2ĉ − q₉₇.₅, 2ĉ − q₂.₅] (tasks resampled
	// within each group, each group's α held at its CV choice), clipped to
	// [-1, 1]. Not the percentile interval: a resample repeats tasks, which
	// adds noise to both probes and pulls every replicate cosine below the
	// estimate, so percentiles would sit below it; the basic interval
	// reflects that shift back.
	Cosine   [][]float64
	Interval [][]stats.Interval
	W        [][]float64
}

// CosinesByGroup fits a probe on each group of at least minSize rows (α by
// opt's CV inside the group) and bootstraps the pairwise cosines with boot.
// Groups labelled "" are left out. Fewer than 2 groups is an error.
func CosinesByGroup(ds *Dataset, groups []string, minSize int, opt *Options, boot *stats.BootstrapOptions) (*GroupCosines, error) {
	if err := checkDataset(ds, nil); err != nil {
		return nil, err
	}
	if len(groups) != ds.Rows() {
		return nil, fmt.Errorf("probe: %d group labels for %d rows", len(groups), ds.Rows())
	}
	folds, _, err := GroupFolds(groups, max(minSize, 2))
	if err != nil {
		return nil, err
	}
	b := boot.WithDefaults()
	out := &GroupCosines{}
	var reps [][][]float64 // reps[g][r]: replicate r's weights (nil when its fit failed)
	for _, f := range folds {
		sub := ds.Select(func(i int) bool { return groups[i] == f.Group })
		o := opt.withDefaults()
		o.Folds = min(o.Folds, sub.Rows()/2)
		sw, err := CrossValidate(sub, &o)
		if err != nil {
			return nil, fmt.Errorf("probe: group %q: %w", f.Group, err)
		}
		p, err := Fit(sub, sw.BestAlpha(), &o)
		if err != nil {
			return nil, fmt.Errorf("probe: group %q: %w", f.Group, err)
		}
		var ws [][]float64
		_, err = stats.Bootstrap(sub.Rows(), &b, func(draw []int) float64 {
			rs := resample(sub, draw)
			if rs == nil {
				ws = append(ws, nil)
				return math.NaN()
			}
			q, err := Fit(rs, sw.BestAlpha(), &o)
			if err != nil {
				ws = append(ws, nil)
				return math.NaN()
			}
			ws = append(ws, q.W)
			return 0
		})
		if err != nil {
			return nil, fmt.Errorf("probe: group %q: %w", f.Group, err)
		}
		out.Groups = append(out.Groups, f.Group)
		out.Sizes = append(out.Sizes, sub.Rows())
		out.Alphas = append(out.Alphas, sw.BestAlpha())
		out.W = append(out.W, p.W)
		reps = append(reps, ws)
	}
	k := len(out.Groups)
	out.Cosine = make([][]float64, k)
	out.Interval = make([][]stats.Interval, k)
	for a := range k {
		out.Cosine[a] = make([]float64, k)
		out.Interval[a] = make([]stats.Interval, k)
		for c := range k {
			out.Cosine[a][c], _ = Cosine(out.W[a], out.W[c])
			var vals []float64
			for r := range reps[a] {
				if reps[a][r] != nil && reps[c][r] != nil {
					v, _ := Cosine(reps[a][r], reps[c][r])
					vals = append(vals, v)
				}
			}
			q := stats.Percentile(vals, b.Level)
			est := out.Cosine[a][c]
			out.Interval[a][c] = stats.Interval{Low: math.Max(-1, 2*est-q.High), High: math.Min(1, 2*est-q.Low)}
		}
	}
	return out, nil
}

// MeanOffDiagonal is the mean cosine between different groups' probes.
func (g *GroupCosines) MeanOffDiagonal() float64 {
	var v []float64
	for a := range g.Cosine {
		for c := a + 1; c < len(g.Cosine); c++ {
			v = append(v, g.Cosine[a][c])
		}
	}
	m, _ := stats.MeanSE(v)
	return m
}

// resample is ds's rows in draw order (repeats allowed); nil when the draw
// leaves the targets constant.
func resample(ds *Dataset, draw []int) *Dataset {
	out := &Dataset{D: ds.D}
	for _, i := range draw {
		out.TaskIDs = append(out.TaskIDs, ds.TaskIDs[i])
		out.Origins = append(out.Origins, ds.Origins[i])
		out.X = append(out.X, ds.X[i*ds.D:(i+1)*ds.D]...)
		out.Y = append(out.Y, ds.Y[i])
	}
	if checkTargets(out.Y, nil) != nil {
		return nil
	}
	return out
}

// SplitHalf is the cosine between probes trained on two disjoint random
// sets of n tasks each from the same rows, for several n: since both sets
// share one true direction, it is the cosine two groups of n tasks can
// reach at best, and shows how far few tasks per group pull it below 1.
type SplitHalf struct {
	Sizes []int
	Mean  []float64
	// Interval is the 2.5-97.5% range over the repetitions.
	Interval []stats.Interval
	// Skipped counts, per size, repetitions left out because a half had no
	// target variance to fit (identical ratings on a few tasks).
	Skipped []int
}

// SplitHalfCosines draws reps pairs of disjoint n-task sets for each n in
// sizes (2n at most the rows), fits each with its own α by opt's CV (as a
// per-group probe is fitted), and summarises the cosines. Seeded by seed.
// With opt's origin demeaning, the halves keep only within-origin signal,
// as probes trained on one origin each do. A repetition whose half has no
// target variance in some fold is skipped and counted; a size with fewer
// than 2 repetitions left is an error.
func SplitHalfCosines(ds *Dataset, sizes []int, reps int, seed uint64, opt *Options) (*SplitHalf, error) {
	if err := checkDataset(ds, nil); err != nil {
		return nil, err
	}
	if reps < 2 {
		return nil, fmt.Errorf("probe: split-half cosines: %d repetitions, need 2+", reps)
	}
	r := rand.New(rand.NewPCG(seed, 3))
	out := &SplitHalf{}
	fit := func(sub *Dataset) ([]float64, error) {
		o := opt.withDefaults()
		o.Folds = min(o.Folds, sub.Rows()/2)
		sw, err := CrossValidate(sub, &o)
		if err != nil {
			return nil, err
		}
		p, err := Fit(sub, sw.BestAlpha(), &o)
		if err != nil {
			return nil, err
		}
		return p.W, nil
	}
	for _, n := range sizes {
		if n < 4 || 2*n > ds.Rows() {
			return nil, fmt.Errorf("probe: split-half cosines: %d tasks per half of %d rows (need 4 <= n <= rows/2)", n, ds.Rows())
		}
		var cos []float64
		skipped := 0
		for range reps {
			perm := r.Perm(ds.Rows())
			a, b := resample(ds, perm[:n]), resample(ds, perm[n:2*n])
			if a == nil || b == nil {
				skipped++
				continue
			}
			wa, errA := fit(a)
			wb, errB := fit(b)
			if errA != nil || errB != nil {
				skipped++
				continue
			}
			c, _ := Cosine(wa, wb)
			cos = append(cos, c)
		}
		if len(cos) < 2 {
			return nil, fmt.Errorf("probe: split-half, %d tasks: %d of %d repetitions could not be fitted (no target variance)", n, skipped, reps)
		}
		out.Skipped = append(out.Skipped, skipped)
		m, _ := stats.MeanSE(cos)
		out.Sizes = append(out.Sizes, n)
		out.Mean = append(out.Mean, m)
		out.Interval = append(out.Interval, stats.Percentile(cos, 0.95))
	}
	return out, nil
}

// At is the mean split-half cosine at the size closest to n.
func (s *SplitHalf) At(n int) float64 {
	best := 0
	for k, m := range s.Sizes {
		if abs(m-n) < abs(s.Sizes[best]-n) {
			best = k
		}
	}
	return s.Mean[best]
}

func abs(x int) int { return max(x, -x) }

package steering

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/prefscope/prefscope/lib/stats"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Point is the shift at one multiplier: of P(A) for choices, of the mean
// score for ratings.
type Point struct {
	Multiplier float64
	Shift      float64
	// CI is the pair- (or task-) clustered 95% interval; for the pooled
	// random curve, the t interval across the random directions.
	CI stats.Interval
	// Planted is the same estimate from the planted probabilities of the
	// same answers; NaN without a truth.
	Planted float64
	// Answers and Clusters counted in the estimate.
	Answers, Clusters int
}

// Curve is one direction's shifts by multiplier, in increasing order of
// the multiplier, starting with the baseline point (0, shift 0).
type Curve struct {
	Direction string
	Random    bool
	Points    []Point
}

// At returns the curve's point at multiplier m.
func (c Curve) At(m float64) (Point, bool) {
	for _, p := range c.Points {
		if p.Multiplier == m {
			return p, true
		}
	}
	return Point{}, false
}

// PooledRandom is the Direction of the pooled random-direction curve.
const PooledRandom = "random directions (pooled)"

type cellKey struct {
	cluster string
	order   int
}

type base struct{ value, planted float64 }

// baselines is the mean parsed value (and planted value) per cluster and
// order of the baseline answers.
func baselines(answers []Answer) map[cellKey]base {
	sum, n := map[cellKey]base{}, map[cellKey]float64{}
	for _, a := range answers {
		if a.Direction != Baseline || math.IsNaN(a.Value) {
			continue
		}
		k := cellKey{a.Cluster, a.Order}
		b := sum[k]
		b.value += a.Value
		b.planted += a.Planted
		sum[k], n[k] = b, n[k]+1
	}
	for k, b := range sum {
		sum[k] = base{b.value / n[k], b.planted / n[k]}
	}
	return sum
}

// totals are the per-cluster contributions t_g to one shift estimate, and
// their planted counterparts.
type totals struct {
	t, planted map[string]float64
	answers    int
}

// clusterTotals splits the shift of the steered answers into per-cluster
// totals: each parsed answer with a baseline in its cell adds
// (value − baseline) / (orders · n_order).
func clusterTotals(steered []Answer, bases map[cellKey]base) totals {
	perOrder := map[int]int{}
	for _, a := range steered {
		if _, ok := bases[cellKey{a.Cluster, a.Order}]; ok && !math.IsNaN(a.Value) {
			perOrder[a.Order]++
		}
	}
	out := totals{t: map[string]float64{}, planted: map[string]float64{}}
	for _, a := range steered {
		b, ok := bases[cellKey{a.Cluster, a.Order}]
		if !ok || math.IsNaN(a.Value) {
			continue
		}
		w := 1 / float64(len(perOrder)*perOrder[a.Order])
		out.t[a.Cluster] += w * (a.Value - b.value)
		out.planted[a.Cluster] += w * (a.Planted - b.planted)
		out.answers++
	}
	return out
}

// combine estimates Σ_g Σ_k c_k t_g^k with the pair-clustered SE: the
// weighted sum of several totals (one per multiplier for a slope).
func combine(ts []totals, coef []float64) (est, se, planted float64, clusters int, err error) {
	sum, psum := map[string]float64{}, 0.0
	for k, t := range ts {
		for g, v := range t.t {
			sum[g] += coef[k] * v
		}
		for _, v := range t.planted {
			psum += coef[k] * v
		}
	}
	if len(sum) == 0 {
		return math.NaN(), math.NaN(), math.NaN(), 0, nil
	}
	g := float64(len(sum))
	xs, names := make([]float64, 0, len(sum)), make([]string, 0, len(sum))
	for _, name := range slices.Sorted(maps.Keys(sum)) {
		xs, names = append(xs, g*sum[name]), append(names, name)
	}
	est, se, err = stats.ClusteredSE(xs, names)
	return est, se, psum, len(sum), err
}

// Directions lists the steered directions of the answers: Probe first,
// then the random ones in their numeric order.
func Directions(answers []Answer) []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range answers {
		if a.Direction != Baseline && !seen[a.Direction] {
			seen[a.Direction] = true
			out = append(out, a.Direction)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		if (a == Probe) != (b == Probe) {
			if a == Probe {
				return -1
			}
			return 1
		}
		na, ea := strconv.Atoi(strings.TrimPrefix(a, "random "))
		nb, eb := strconv.Atoi(strings.TrimPrefix(b, "random "))
		if ea == nil && eb == nil {
			return na - nb
		}
		return strings.Compare(a, b)
	})
	return out
}

// Multipliers lists the answers' multipliers, 0 included, in increasing order.
func Multipliers(answers []Answer) []float64 {
	var out []float64
	for _, a := range answers {
		if !slices.Contains(out, a.Multiplier) {
			out = append(out, a.Multiplier)
		}
	}
	if !slices.Contains(out, 0) {
		out = append(out, 0)
	}
	slices.Sort(out)
	return out
}

// Shifts estimates one curve per steered direction (Probe first, then each
// random direction), and a last curve pooling the random directions
// (PooledRandom) when there are any. Answers without a baseline answer in
// their cell (pair and order) are left out; an error says when there is no
// baseline at all.
func Shifts(answers []Answer) ([]Curve, error) {
	bases := baselines(answers)
	if len(bases) == 0 {
		return nil, fmt.Errorf("steering: no parsed baseline answers (multiplier 0), so no shift can be measured")
	}
	var out []Curve
	dirs := Directions(answers)
	groups := make([]func(Answer) bool, 0, len(dirs)+1)
	for _, d := range dirs {
		groups = append(groups, func(a Answer) bool { return a.Direction == d })
	}
	random := slices.ContainsFunc(answers, func(a Answer) bool { return a.Random })
	if random {
		dirs = append(dirs, PooledRandom)
		groups = append(groups, func(a Answer) bool { return a.Random })
	}
	for i, d := range dirs {
		c := Curve{Direction: d, Random: d != Probe}
		for _, m := range Multipliers(answers) {
			if m == 0 {
				c.Points = append(c.Points, Point{Multiplier: 0, CI: stats.Interval{}, Planted: plantedZero(answers)})
				continue
			}
			var sel []Answer
			for _, a := range answers {
				if a.Multiplier == m && groups[i](a) {
					sel = append(sel, a)
				}
			}
			if len(sel) == 0 {
				continue
			}
			t := clusterTotals(sel, bases)
			est, se, planted, g, err := combine([]totals{t}, []float64{1})
			if err != nil {
				return nil, err
			}
			ci := stats.Normal(est, se, 0.95)
			if d == PooledRandom {
				est, ci, planted = acrossDirections(out, m, est, ci, planted)
			}
			c.Points = append(c.Points, Point{Multiplier: m, Shift: est, CI: ci, Planted: planted, Answers: t.answers, Clusters: g})
		}
		out = append(out, c)
	}
	return out, nil
}

// acrossDirections is the pooled random-direction point at multiplier m as
// the mean of the single random directions' shifts, with a t interval from
// their spread (k−1 degrees of freedom). Each random direction has a small
// effect of its own (its cosine with the planted direction is not exactly
// 0), so the question "do random directions of this size move choices?" is
// about the population of directions: the spread across them, which holds
// the pair-level noise too, is the honest uncertainty. Below two random
// directions the pair-clustered estimate (est, ci, planted) is kept.
func acrossDirections(curves []Curve, m, est float64, ci stats.Interval, planted float64) (float64, stats.Interval, float64) {
	var shifts, planteds []float64
	for _, c := range curves {
		if !c.Random || c.Direction == PooledRandom {
			continue
		}
		if p, ok := c.At(m); ok {
			shifts, planteds = append(shifts, p.Shift), append(planteds, p.Planted)
		}
	}
	k := len(shifts)
	if k < 2 {
		return est, ci, planted
	}
	mean, sd := stat.MeanStdDev(shifts, nil)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(k - 1)}.Quantile(0.975)
	half := t * sd / math.Sqrt(float64(k))
	return mean, stats.Interval{Low: mean - half, High: mean + half}, stat.Mean(planteds, nil)
}

// plantedZero is 0 when the answers carry planted values, else NaN.
func plantedZero(answers []Answer) float64 {
	if len(answers) > 0 && math.IsNaN(answers[0].Planted) {
		return math.NaN()
	}
	return 0
}

// SlopeEstimate is the slope of the shift against the multiplier.
type SlopeEstimate struct {
	Direction string
	Slope     float64
	CI        stats.Interval
	Planted   float64
	// MaxAbs is the fit range: multipliers with |m| <= MaxAbs.
	MaxAbs   float64
	Clusters int
}

// Slope fits the shift of one direction (or PooledRandom) against the
// multiplier through the origin, over the multipliers with |m| <= maxAbs
// (maxAbs <= 0: all), with a pair-clustered 95% interval.
func Slope(answers []Answer, direction string, maxAbs float64) (SlopeEstimate, error) {
	bases := baselines(answers)
	if len(bases) == 0 {
		return SlopeEstimate{}, fmt.Errorf("steering: no parsed baseline answers, so no slope")
	}
	var ms []float64
	for _, m := range Multipliers(answers) {
		if m != 0 && (maxAbs <= 0 || math.Abs(m) <= maxAbs) {
			ms = append(ms, m)
		}
	}
	var ss float64
	for _, m := range ms {
		ss += m * m
	}
	var ts []totals
	var coef []float64
	for _, m := range ms {
		var sel []Answer
		for _, a := range answers {
			if a.Multiplier == m && (a.Direction == direction || direction == PooledRandom && a.Random) {
				sel = append(sel, a)
			}
		}
		if len(sel) > 0 {
			ts, coef = append(ts, clusterTotals(sel, bases)), append(coef, m/ss)
		}
	}
	if len(ts) == 0 {
		return SlopeEstimate{}, fmt.Errorf("steering: direction %q has no answers with a non-zero multiplier within ±%v", direction, maxAbs)
	}
	est, se, planted, g, err := combine(ts, coef)
	if err != nil {
		return SlopeEstimate{}, err
	}
	if math.IsNaN(plantedZero(answers)) {
		planted = math.NaN()
	}
	return SlopeEstimate{Direction: direction, Slope: est, CI: stats.Normal(est, se, 0.95), Planted: planted, MaxAbs: maxAbs, Clusters: g}, nil
}

// Spread summarises the random directions' shifts at each multiplier: the
// smallest and largest, and their standard deviation.
type Spread struct {
	Multiplier   float64
	Min, Max, SD float64
	AllCoverZero bool
	Directions   int
}

// RandomSpread is the spread of the random curves (Random, not the pooled
// one) at each multiplier but 0.
func RandomSpread(curves []Curve) []Spread {
	byM := map[float64][]Point{}
	var ms []float64
	for _, c := range curves {
		if !c.Random || c.Direction == PooledRandom {
			continue
		}
		for _, p := range c.Points {
			if p.Multiplier == 0 {
				continue
			}
			if _, ok := byM[p.Multiplier]; !ok {
				ms = append(ms, p.Multiplier)
			}
			byM[p.Multiplier] = append(byM[p.Multiplier], p)
		}
	}
	slices.Sort(ms)
	out := make([]Spread, 0, len(ms))
	for _, m := range ms {
		ps := byM[m]
		s := Spread{Multiplier: m, Min: math.Inf(1), Max: math.Inf(-1), AllCoverZero: true, Directions: len(ps)}
		xs := make([]float64, len(ps))
		for i, p := range ps {
			xs[i] = p.Shift
			s.Min, s.Max = math.Min(s.Min, p.Shift), math.Max(s.Max, p.Shift)
			s.AllCoverZero = s.AllCoverZero && p.CI.Contains(0)
		}
		_, se := stats.MeanSE(xs)
		s.SD = se * math.Sqrt(float64(len(xs)))
		out = append(out, s)
	}
	return out
}

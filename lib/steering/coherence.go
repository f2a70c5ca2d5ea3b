package steering

import (
	"math"
	"slices"

	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/template"
)

// Rate is a share with its Wilson 95% interval.
type Rate struct {
	P  float64
	CI stats.Interval
}

// CoherencePoint is how answers came out at one multiplier, for the probe
// direction or the random directions (Direction Probe or PooledRandom; the
// baseline at multiplier 0).
type CoherencePoint struct {
	Direction   string
	Multiplier  float64
	Answers     int
	Parsed      Rate
	Refusal     Rate
	Unparseable Rate
}

// Coherence counts outcomes per multiplier: the baseline at 0, then the
// probe direction and the pooled random directions at every other
// multiplier.
func Coherence(answers []Answer) []CoherencePoint {
	type key struct {
		dir string
		m   float64
	}
	counts := map[key]map[template.Outcome]int{}
	var keys []key
	for _, a := range answers {
		k := key{Probe, a.Multiplier}
		switch {
		case a.Direction == Baseline:
			k.dir = Baseline
		case a.Random:
			k.dir = PooledRandom
		}
		if counts[k] == nil {
			counts[k] = map[template.Outcome]int{}
			keys = append(keys, k)
		}
		counts[k][a.Outcome]++
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.dir != b.dir {
			return dirRank(a.dir) - dirRank(b.dir)
		}
		switch {
		case a.m < b.m:
			return -1
		case a.m > b.m:
			return 1
		}
		return 0
	})
	out := make([]CoherencePoint, 0, len(keys))
	for _, k := range keys {
		c := counts[k]
		n := 0
		for _, v := range c {
			n += v
		}
		rate := func(x int) Rate {
			p, iv := stats.Wilson(x, n)
			return Rate{p, iv}
		}
		out = append(out, CoherencePoint{Direction: k.dir, Multiplier: k.m, Answers: n,
			Parsed:      rate(c[template.OutcomeChoice] + c[template.OutcomeRating]),
			Refusal:     rate(c[template.OutcomeRefusal]),
			Unparseable: rate(c[template.OutcomeUnparseable])})
	}
	return out
}

func dirRank(d string) int {
	switch d {
	case Baseline:
		return 0
	case Probe:
		return 1
	}
	return 2
}

// CoherentUpTo is the largest |m| such that, at every multiplier of the
// direction (Probe or PooledRandom) with |multiplier| <= |m|, the parse
// rate stays within drop of the baseline's; NaN without a baseline.
func CoherentUpTo(points []CoherencePoint, direction string, drop float64) float64 {
	base := math.NaN()
	for _, p := range points {
		if p.Direction == Baseline {
			base = p.Parsed.P
		}
	}
	if math.IsNaN(base) {
		return math.NaN()
	}
	var ms []float64
	for _, p := range points {
		if p.Direction == direction && !slices.Contains(ms, math.Abs(p.Multiplier)) {
			ms = append(ms, math.Abs(p.Multiplier))
		}
	}
	slices.Sort(ms)
	upTo := 0.0
	for _, m := range ms {
		for _, p := range points {
			if p.Direction == direction && math.Abs(p.Multiplier) == m && p.Parsed.P < base-drop {
				return upTo
			}
		}
		upTo = m
	}
	return upTo
}

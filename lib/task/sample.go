package task

import (
	"cmp"
	"errors"
	"hash/fnv"
	"math/rand/v2"
	"slices"
)

// SampleOptions sets what Sample draws. The zero value draws every task.
type SampleOptions struct {
	// N is the total number of tasks to draw, split equally across the
	// origins present (see Sample). Zero, or N >= len(tasks), draws all.
	N int `yaml:"n,omitempty"`
	// PerOrigin, when positive, draws this many tasks from every origin
	// (all of an origin that has fewer); N must then be zero.
	PerOrigin int `yaml:"per_origin,omitempty"`
	// Seed makes the draw reproducible.
	Seed uint64 `yaml:"seed,omitempty"`
}

// Sample draws a seeded sample of tasks stratified by origin.
//
// Allocation: with PerOrigin, each origin gets min(PerOrigin, its count).
// With N, the origins share N equally; an origin with fewer tasks than its
// share gives all it has and the rest is shared again among the others,
// until N is placed. A remainder smaller than the number of origins still
// open goes one task each to origins picked by the seed.
//
// Within an origin, tasks are ordered by ID and drawn without replacement
// by a partial Fisher-Yates shuffle driven by a PCG generator seeded with
// (Seed, FNV-1a hash of the origin): the draw of one origin does not depend
// on the input order or on the other origins. The same tasks and options
// always give the same sample; the output is sorted by origin, then ID.
// The input slice is not modified.
//
// Negative N or PerOrigin, or both set, is an error.
func Sample(tasks []Task, opts SampleOptions) ([]Task, error) {
	switch {
	case opts.N < 0 || opts.PerOrigin < 0:
		return nil, errors.New("task: sample: N and PerOrigin must not be negative")
	case opts.N > 0 && opts.PerOrigin > 0:
		return nil, errors.New("task: sample: set N or PerOrigin, not both")
	}
	sorted := slices.Clone(tasks)
	slices.SortStableFunc(sorted, func(a, b Task) int {
		return cmp.Or(cmp.Compare(a.Origin, b.Origin), cmp.Compare(a.ID, b.ID))
	})
	// Split into origins, in sorted order.
	var origins []string
	groups := map[string][]Task{}
	for _, t := range sorted {
		if _, ok := groups[t.Origin]; !ok {
			origins = append(origins, t.Origin)
		}
		groups[t.Origin] = append(groups[t.Origin], t)
	}
	if opts.PerOrigin == 0 && (opts.N == 0 || opts.N >= len(sorted)) {
		return sorted, nil
	}
	take := allocate(origins, groups, opts)
	out := make([]Task, 0, len(sorted))
	for _, o := range origins {
		out = append(out, drawFrom(groups[o], take[o], opts.Seed, o)...)
	}
	return out, nil
}

// allocate returns how many tasks to draw from each origin.
func allocate(origins []string, groups map[string][]Task, opts SampleOptions) map[string]int {
	take := make(map[string]int, len(origins))
	if opts.PerOrigin > 0 {
		for _, o := range origins {
			take[o] = min(opts.PerOrigin, len(groups[o]))
		}
		return take
	}
	left := opts.N
	for left > 0 {
		var open []string
		for _, o := range origins {
			if take[o] < len(groups[o]) {
				open = append(open, o)
			}
		}
		share := left / len(open)
		if share == 0 {
			// Fewer tasks left than open origins: the seed picks which
			// origins get one more.
			rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
			rng.Shuffle(len(open), func(i, j int) { open[i], open[j] = open[j], open[i] })
			for _, o := range open[:left] {
				take[o]++
			}
			break
		}
		for _, o := range open {
			give := min(share, len(groups[o])-take[o])
			take[o] += give
			left -= give
		}
	}
	return take
}

// drawFrom draws k of the ID-sorted tasks of one origin and returns them
// sorted by ID.
func drawFrom(tasks []Task, k int, seed uint64, origin string) []Task {
	if k >= len(tasks) {
		return tasks
	}
	h := fnv.New64a()
	h.Write([]byte(origin))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	idx := make([]int, len(tasks))
	for i := range idx {
		idx[i] = i
	}
	for i := 0; i < k; i++ {
		j := i + rng.IntN(len(idx)-i)
		idx[i], idx[j] = idx[j], idx[i]
	}
	chosen := idx[:k]
	slices.Sort(chosen)
	out := make([]Task, k)
	for i, c := range chosen {
		out[i] = tasks[c]
	}
	return out
}

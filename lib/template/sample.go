package template

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
)

// sampleAttempts is how many random designs SampleBalanced scores for a
// sample of n: 64 up to n = 48, fewer for larger samples (at least 4), so
// the cost stays about that of 64 designs of 48 rows.
func sampleAttempts(n int) int { return min(64, max(4, 3072/n)) }

// SampleBalanced draws n templates from all so that every level of every
// field (the tags in FieldNames) appears about equally often, as in a Latin
// hypercube: each field's column of n levels holds every level ⌊n/L⌋ or
// ⌈n/L⌉ times (L = number of levels of that field in all) and is shuffled
// independently; of up to 64 such designs the one with the most even
// pairwise (two-field) counts is kept. Rows that repeat or name a missing
// combination are repaired by swapping one field's levels between two rows,
// which keeps every column's counts.
//
// Guarantee: when all is a full factorial over its fields (as Generate
// returns) and n <= len(all)/2, every level of every field appears ⌊n/L⌋ or
// ⌈n/L⌉ times among the n distinct templates returned, i.e. within ±1 of
// n/L. Otherwise (a subset of a factorial, or n close to len(all)) rows that
// cannot be repaired take the unused template sharing the most levels with
// them, and the counts are as near as that allows. The result is
// deterministic for a given (all, n, seed); n >= len(all) returns a copy of
// all, n <= 0 returns nil.
func SampleBalanced(all []Template, n int, seed int64) []Template {
	if n <= 0 || len(all) == 0 {
		return nil
	}
	if n >= len(all) {
		return slices.Clone(all)
	}
	// The fields that vary in all, with their levels sorted.
	type field struct {
		name   string
		levels []string
	}
	var fields []field
	for _, name := range FieldNames {
		seen := map[string]bool{}
		for _, t := range all {
			seen[t.Tag(name)] = true
		}
		if len(seen) > 1 {
			fields = append(fields, field{name, slices.Sorted(maps.Keys(seen))})
		}
	}
	// rows are level indices per field; combos index the templates.
	coded := make([][]int, len(all))
	byCombo := map[string][]int{}
	for i, t := range all {
		row := make([]int, len(fields))
		for k, f := range fields {
			row[k] = slices.Index(f.levels, t.Tag(f.name))
		}
		coded[i] = row
		key := comboKey(row)
		byCombo[key] = append(byCombo[key], i)
	}
	capacity := func(key string) int { return len(byCombo[key]) }

	// conflicts counts rows that name a missing combination or repeat one
	// more often than all holds it.
	conflicts := func(design [][]int) int {
		used := map[string]int{}
		bad := 0
		for _, row := range design {
			key := comboKey(row)
			used[key]++
			if used[key] > len(byCombo[key]) {
				bad++
			}
		}
		return bad
	}
	// imbalance is the squared deviation of two-field counts from even.
	imbalance := func(design [][]int) float64 {
		s := 0.0
		for a := range fields {
			for b := a + 1; b < len(fields); b++ {
				la, lb := len(fields[a].levels), len(fields[b].levels)
				counts := make([]int, la*lb)
				for _, row := range design {
					counts[row[a]*lb+row[b]]++
				}
				want := float64(n) / float64(la*lb)
				for _, c := range counts {
					s += (float64(c) - want) * (float64(c) - want)
				}
			}
		}
		return s
	}

	var best [][]int
	bestScore := 0.0
	for attempt := range sampleAttempts(n) {
		rng := rand.New(rand.NewPCG(uint64(seed), uint64(attempt)))
		design := make([][]int, n)
		for i := range design {
			design[i] = make([]int, len(fields))
		}
		for k, f := range fields {
			col := make([]int, n)
			// Start each column at a random level so that, when L does not
			// divide n, which levels get the extra row is random too.
			off := rng.IntN(len(f.levels))
			for i := range col {
				col[i] = (i + off) % len(f.levels)
			}
			rng.Shuffle(n, func(i, j int) { col[i], col[j] = col[j], col[i] })
			for i := range design {
				design[i][k] = col[i]
			}
		}
		repair(design, capacity, rng)
		score := float64(conflicts(design))*1e9 + imbalance(design)
		if best == nil || score < bestScore {
			best, bestScore = design, score
		}
	}

	// Map rows to templates: the exact combination if unused, else the
	// unused template that shares the most levels.
	used := make([]bool, len(all))
	out := make([]Template, 0, n)
	var pending []int
	for r, row := range best {
		took := false
		for _, i := range byCombo[comboKey(row)] {
			if !used[i] {
				used[i], took = true, true
				out = append(out, all[i])
				break
			}
		}
		if !took {
			pending = append(pending, r)
			out = append(out, Template{})
		}
	}
	for _, r := range pending {
		bi, bm := -1, -1
		for i, row := range coded {
			if used[i] {
				continue
			}
			m := 0
			for k := range row {
				if row[k] == best[r][k] {
					m++
				}
			}
			if m > bm {
				bi, bm = i, m
			}
		}
		used[bi] = true
		out[r] = all[bi]
	}
	return out
}

// repair swaps one field's levels between a conflicting row (one naming a
// missing combination or repeating one more often than all holds it) and a
// random other row whenever that lowers the number of conflicts; swaps keep
// every column's counts.
func repair(design [][]int, capacity func(key string) int, rng *rand.Rand) {
	n := len(design)
	if n < 2 || len(design[0]) == 0 {
		return
	}
	keys := make([]string, n)
	used := map[string]int{}
	for i, row := range design {
		keys[i] = comboKey(row)
		used[keys[i]]++
	}
	over := func(key string) int { return max(0, used[key]-capacity(key)) }
	badOf := func(ks ...string) int {
		b := 0
		for i, k := range ks {
			if !slices.Contains(ks[:i], k) {
				b += over(k)
			}
		}
		return b
	}
	for round := 0; round < 20; round++ {
		var conflicting []int
		for i, k := range keys {
			if used[k] > capacity(k) {
				conflicting = append(conflicting, i)
			}
		}
		if len(conflicting) == 0 {
			return
		}
		for _, r := range conflicting {
			for try := 0; try < 50 && used[keys[r]] > capacity(keys[r]); try++ {
				s, k := rng.IntN(n), rng.IntN(len(design[0]))
				if s == r || design[r][k] == design[s][k] {
					continue
				}
				kr, ks := keys[r], keys[s]
				design[r][k], design[s][k] = design[s][k], design[r][k]
				nr, ns := comboKey(design[r]), comboKey(design[s])
				before := badOf(kr, ks, nr, ns)
				used[kr]--
				used[ks]--
				used[nr]++
				used[ns]++
				if badOf(kr, ks, nr, ns) < before {
					keys[r], keys[s] = nr, ns
					continue
				}
				used[nr]--
				used[ns]--
				used[kr]++
				used[ks]++
				design[r][k], design[s][k] = design[s][k], design[r][k]
			}
		}
	}
}

func comboKey(row []int) string {
	var b strings.Builder
	for _, v := range row {
		b.WriteByte(byte('a' + v%26))
		b.WriteByte(byte('a' + v/26%26))
	}
	return b.String()
}

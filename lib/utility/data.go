package utility

import (
	"fmt"
	"math"
	"sort"
)

// Pair holds the pooled outcomes of every comparison between tasks I and J,
// with I < J. WinsI counts comparisons that I won and WinsJ those that J won,
// whichever task was shown first; a tie adds one half to each, and a soft
// label p adds p to WinsI and 1-p to WinsJ.
type Pair struct {
	I, J         int
	WinsI, WinsJ float64
}

// N returns the number of comparisons pooled in p (WinsI + WinsJ).
func (p Pair) N() float64 { return p.WinsI + p.WinsJ }

// Data is a set of pairwise comparisons among N tasks, pooled per unordered
// pair. Tasks are indexed 0..N-1; IDs, when set, names them.
//
// The zero value is not usable; build one with NewData or NewDataIDs.
type Data struct {
	// IDs names the tasks, IDs[i] being task i's id; nil when built by NewData.
	IDs []string

	n     int
	pairs []Pair
	index map[int64]int // key(i, j) -> position in pairs
	byID  map[string]int
}

// NewData returns an empty comparison set over n tasks.
func NewData(n int) *Data {
	return &Data{n: n, index: make(map[int64]int)}
}

// NewDataIDs returns an empty comparison set over the named tasks, task i
// being ids[i]. It returns an error when an id is empty or repeated.
func NewDataIDs(ids []string) (*Data, error) {
	d := NewData(len(ids))
	d.IDs = append([]string(nil), ids...)
	d.byID = make(map[string]int, len(ids))
	for i, id := range ids {
		if id == "" {
			return nil, fmt.Errorf("utility: task %d: empty id", i)
		}
		if j, ok := d.byID[id]; ok {
			return nil, fmt.Errorf("utility: task id %q repeated at %d and %d", id, j, i)
		}
		d.byID[id] = i
	}
	return d, nil
}

// N returns the number of tasks.
func (d *Data) N() int { return d.n }

// Pairs returns the pooled pairs in the order they were first seen. The
// slice is shared with d: callers must not modify it.
func (d *Data) Pairs() []Pair { return d.pairs }

// Comparisons returns the total weight of all comparisons (sum of wins).
func (d *Data) Comparisons() float64 {
	var s float64
	for _, p := range d.pairs {
		s += p.WinsI + p.WinsJ
	}
	return s
}

// Index returns the index of the task named id.
func (d *Data) Index(id string) (int, bool) {
	i, ok := d.byID[id]
	return i, ok
}

func pairKey(i, j int) int64 {
	if i > j {
		i, j = j, i
	}
	return int64(i)<<32 | int64(j)
}

// Get returns the pooled outcomes of pair {a, b} oriented so that the
// returned Pair has I == min(a, b), and whether the pair was observed.
func (d *Data) Get(a, b int) (Pair, bool) {
	k, ok := d.index[pairKey(a, b)]
	if !ok {
		return Pair{}, false
	}
	return d.pairs[k], true
}

// Add records comparisons between tasks a and b: winsA that a won and winsB
// that b won. Both presentation orders pool into the same pair. Counts may
// be fractional: Add(a, b, 0.5, 0.5) is a tie, Add(a, b, p, 1-p) a soft
// label. It returns an error for an index out of range, a == b, or a
// negative, non-finite or larger than MaxComparisons count.
func (d *Data) Add(a, b int, winsA, winsB float64) error {
	if a < 0 || a >= d.n || b < 0 || b >= d.n {
		return fmt.Errorf("utility: pair (%d, %d): task index out of range [0, %d)", a, b, d.n)
	}
	if a == b {
		return fmt.Errorf("utility: pair (%d, %d): a task cannot be compared with itself", a, b)
	}
	if !(winsA >= 0) || !(winsB >= 0) || math.IsInf(winsA, 0) || math.IsInf(winsB, 0) {
		return fmt.Errorf("utility: pair (%d, %d): wins %v, %v must be finite and non-negative", a, b, winsA, winsB)
	}
	if winsA > MaxComparisons || winsB > MaxComparisons {
		return fmt.Errorf("utility: pair (%d, %d): wins %v, %v above MaxComparisons (%g): counts of comparisons, not weights of any size", a, b, winsA, winsB, float64(MaxComparisons))
	}
	if a > b {
		a, b = b, a
		winsA, winsB = winsB, winsA
	}
	k := pairKey(a, b)
	if pos, ok := d.index[k]; ok {
		d.pairs[pos].WinsI += winsA
		d.pairs[pos].WinsJ += winsB
		return nil
	}
	d.index[k] = len(d.pairs)
	d.pairs = append(d.pairs, Pair{I: a, J: b, WinsI: winsA, WinsJ: winsB})
	return nil
}

// AddID is Add with tasks named by id (Data built by NewDataIDs).
func (d *Data) AddID(a, b string, winsA, winsB float64) error {
	i, ok := d.byID[a]
	if !ok {
		return fmt.Errorf("utility: unknown task id %q", a)
	}
	j, ok := d.byID[b]
	if !ok {
		return fmt.Errorf("utility: unknown task id %q", b)
	}
	return d.Add(i, j, winsA, winsB)
}

// Clone returns a deep copy of d.
func (d *Data) Clone() *Data {
	c := &Data{IDs: d.IDs, n: d.n, byID: d.byID,
		pairs: append([]Pair(nil), d.pairs...),
		index: make(map[int64]int, len(d.index))}
	for k, v := range d.index {
		c.index[k] = v
	}
	return c
}

// Degrees returns, for each task, the number of distinct tasks it has been
// compared with.
func (d *Data) Degrees() []int {
	deg := make([]int, d.n)
	for _, p := range d.pairs {
		deg[p.I]++
		deg[p.J]++
	}
	return deg
}

// sortedPairs returns the pairs ordered by (I, J); used where output must not
// depend on insertion order.
func (d *Data) sortedPairs() []Pair {
	ps := append([]Pair(nil), d.pairs...)
	sort.Slice(ps, func(a, b int) bool {
		if ps[a].I != ps[b].I {
			return ps[a].I < ps[b].I
		}
		return ps[a].J < ps[b].J
	})
	return ps
}

package probe

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
)

// Fold is one cross-validation split: the test rows (indices into the
// dataset) and, for folds by group, the held-out group's label.
type Fold struct {
	Test  []int
	Group string
}

// KFold splits rows 0..n-1 into k contiguous folds as scikit-learn's KFold
// does: the first n mod k folds have one row more. With shuffle, rows are
// permuted first with a PCG generator seeded by seed. Every fold needs two
// rows, since a one-row test fold has no R² (its target has no variance):
// k > n/2 is an error.
func KFold(n, k int, shuffle bool, seed uint64) ([]Fold, error) {
	if k < 2 || 2*k > n {
		return nil, fmt.Errorf("probe: %d folds for %d rows (need 2 <= folds <= rows/2, so that every test fold has 2 rows)", k, n)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	if shuffle {
		r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
		r.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	folds := make([]Fold, k)
	start := 0
	for f := range folds {
		size := n / k
		if f < n%k {
			size++
		}
		folds[f].Test = order[start : start+size]
		start += size
	}
	return folds, nil
}

// OriginFolds holds out one origin per fold (leave-one-origin-out), in the
// sorted order of the origin names; every origin needs 2 rows.
func OriginFolds(origins []string) ([]Fold, error) {
	folds, _, err := GroupFolds(origins, 0)
	return folds, err
}

// GroupFolds holds out one group per fold (leave-one-group-out), in the
// sorted order of the labels. Rows labelled "" (no value for the metadata
// key) are never held out: they are always training rows. With minSize 0
// every group is held out and a group of fewer than 2 rows is an error
// naming it (a one-row fold has no R²). With minSize > 0, groups of fewer
// than max(minSize, 2) rows are not held out but stay in training; they are
// returned in small. Fewer than 2 held-out groups is an error.
func GroupFolds(groups []string, minSize int) (folds []Fold, small []string, err error) {
	rows := map[string][]int{}
	for i, g := range groups {
		if g != "" {
			rows[g] = append(rows[g], i)
		}
	}
	for _, g := range slices.Sorted(maps.Keys(rows)) {
		switch {
		case len(rows[g]) >= max(minSize, 2):
			folds = append(folds, Fold{Test: rows[g], Group: g})
		case minSize == 0:
			return nil, nil, fmt.Errorf("probe: group %q has %d row; a held-out group needs 2 (or set a minimum group size to keep small groups in training)", g, len(rows[g]))
		default:
			small = append(small, g)
		}
	}
	if len(folds) < 2 {
		return nil, small, fmt.Errorf("probe: held-out-group folds need 2 or more groups of %d+ rows, have %d (of %d groups)", max(minSize, 2), len(folds), len(rows))
	}
	return folds, small, nil
}

// GroupCount is the number of groups (labels other than "") with at least
// max(minSize, 2) rows: the folds GroupFolds would hold out. A study whose
// tasks carry no value for a key has none, and held-out-group steps skip it.
func GroupCount(groups []string, minSize int) int {
	rows := map[string]int{}
	for _, g := range groups {
		if g != "" {
			rows[g]++
		}
	}
	n := 0
	for _, c := range rows {
		if c >= max(minSize, 2) {
			n++
		}
	}
	return n
}

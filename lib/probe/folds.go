package probe

import (
	"fmt"
	"math/rand/v2"
)

// Fold is one cross-validation split: the test rows (indices into the
// dataset) and, for folds by origin, the held-out origin.
type Fold struct {
	Test   []int
	Origin string
}

// KFold splits rows 0..n-1 into k contiguous folds as scikit-learn's KFold
// does: the first n mod k folds have one row more. With shuffle, rows are
// permuted first with a PCG generator seeded by seed.
func KFold(n, k int, shuffle bool, seed uint64) ([]Fold, error) {
	if k < 2 || k > n {
		return nil, fmt.Errorf("probe: %d folds for %d rows (need 2 <= folds <= rows)", k, n)
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
// sorted order of the origin names.
func OriginFolds(origins []string) ([]Fold, error) {
	rows := map[string][]int{}
	for i, o := range origins {
		rows[o] = append(rows[o], i)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("probe: held-out-origin folds need 2 or more origins, have %d", len(rows))
	}
	var folds []Fold
	for _, o := range (&Dataset{Origins: origins}).OriginNames() {
		folds = append(folds, Fold{Test: rows[o], Origin: o})
	}
	return folds, nil
}

package probe

import (
	"fmt"
	"math"
	"slices"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/stats"
)

// Dataset is a probe's input: one row of activations per task, the target
// for that task, and the task's origin (dataset of provenance).
type Dataset struct {
	TaskIDs []string
	Origins []string
	// X is n×d, row-major: X[i*D+j] is feature j of task TaskIDs[i].
	X []float64
	D int
	Y []float64
	// Unmatched lists the activation rows' task ids that had no target and
	// so were left out by Join (reported, not silently dropped).
	Unmatched []string
}

// Rows is the number of tasks n.
func (ds *Dataset) Rows() int { return len(ds.Y) }

// Join builds a Dataset from activation rows (x[i] belongs to task ids[i],
// from origin origins[i]) and a target per task id. Rows whose task has no
// target are listed in Unmatched; a duplicated id, rows of unequal width, a
// non-finite value or no matched row at all is an error.
func Join(ids, origins []string, x [][]float32, target map[string]float64) (*Dataset, error) {
	if len(ids) != len(x) || len(origins) != len(x) {
		return nil, fmt.Errorf("probe: join: %d ids, %d origins and %d activation rows", len(ids), len(origins), len(x))
	}
	ds := &Dataset{}
	seen := map[string]bool{}
	for i, id := range ids {
		if seen[id] {
			return nil, fmt.Errorf("probe: join: task %s has two activation rows", id)
		}
		seen[id] = true
		if i == 0 {
			ds.D = len(x[0])
		}
		if len(x[i]) != ds.D {
			return nil, fmt.Errorf("probe: join: task %s has %d features, task %s has %d", id, len(x[i]), ids[0], ds.D)
		}
		y, ok := target[id]
		if !ok {
			ds.Unmatched = append(ds.Unmatched, id)
			continue
		}
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return nil, fmt.Errorf("probe: join: task %s: target %v is not finite", id, y)
		}
		for j, v := range x[i] {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("probe: join: task %s: feature %d is %v", id, j, v)
			}
			ds.X = append(ds.X, float64(v))
		}
		ds.TaskIDs = append(ds.TaskIDs, id)
		ds.Origins = append(ds.Origins, origins[i])
		ds.Y = append(ds.Y, y)
	}
	if len(ds.Y) == 0 {
		return nil, fmt.Errorf("probe: join: none of %d activation rows has a target (%d targets)", len(ids), len(target))
	}
	if err := checkTargets(ds.Y, ds.TaskIDs); err != nil {
		return nil, fmt.Errorf("probe: join: %w", err)
	}
	return ds, nil
}

// checkTargets refuses non-finite targets (naming the row, or the task when
// ids are given), fewer than 2 rows, and targets that are all equal.
func checkTargets(y []float64, ids []string) error {
	name := func(i int) string {
		if ids != nil {
			return "task " + ids[i]
		}
		return fmt.Sprint("row ", i)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: target %v is not finite", name(i), v)
		}
	}
	if len(y) < 2 {
		return fmt.Errorf("%d row; a probe needs 2 or more", len(y))
	}
	for _, v := range y[1:] {
		if v != y[0] {
			return nil
		}
	}
	return fmt.Errorf("all %d targets equal %v: nothing to predict", len(y), y[0])
}

// NewDataset wraps an n×d row-major matrix and targets (origins may be nil).
// A non-finite value, fewer than 2 rows or targets that are all equal
// (nothing to predict) is an error naming the row or value.
func NewDataset(x []float64, d int, y []float64, origins []string) (*Dataset, error) {
	n := len(y)
	if d <= 0 || len(x) != n*d {
		return nil, fmt.Errorf("probe: dataset: %d values for %d rows of %d features", len(x), n, d)
	}
	if err := checkTargets(y, nil); err != nil {
		return nil, fmt.Errorf("probe: dataset: %w", err)
	}
	for k, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("probe: dataset: row %d, feature %d is %v", k/d, k%d, v)
		}
	}
	if origins != nil && len(origins) != n {
		return nil, fmt.Errorf("probe: dataset: %d origins for %d rows", len(origins), n)
	}
	if origins == nil {
		origins = make([]string, n)
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprint(i)
	}
	return &Dataset{TaskIDs: ids, Origins: origins, X: x, D: d, Y: y}, nil
}

// Select returns the rows for which keep is true, as a new Dataset.
func (ds *Dataset) Select(keep func(i int) bool) *Dataset {
	out := &Dataset{D: ds.D}
	for i := range ds.Y {
		if keep(i) {
			out.TaskIDs = append(out.TaskIDs, ds.TaskIDs[i])
			out.Origins = append(out.Origins, ds.Origins[i])
			out.X = append(out.X, ds.X[i*ds.D:(i+1)*ds.D]...)
			out.Y = append(out.Y, ds.Y[i])
		}
	}
	return out
}

// OriginNames lists the distinct origins in sorted order.
func (ds *Dataset) OriginNames() []string {
	names := slices.Clone(ds.Origins)
	slices.Sort(names)
	return slices.Compact(names)
}

// WithTarget returns a Dataset sharing ds's rows with targets y.
func (ds *Dataset) WithTarget(y []float64) (*Dataset, error) {
	if len(y) != len(ds.Y) {
		return nil, fmt.Errorf("probe: %d targets for %d rows", len(y), len(ds.Y))
	}
	out := *ds
	out.Y = y
	return &out, nil
}

// design is a dataset's features after preprocessing: centred (and
// optionally standardised and demeaned by origin), with what is needed to
// map weights back to the input units.
type design struct {
	x      []float64
	xMean  []float64 // column means removed (after origin demeaning)
	xScale []float64 // column scales divided out (1 when not standardised)
}

// prepareX copies ds's features and applies opt's preprocessing. Statistics
// come from all rows (no target is involved), before folds are drawn.
func prepareX(ds *Dataset, opt *Options) *design {
	n, d := ds.Rows(), ds.D
	x := slices.Clone(ds.X)
	if opt.DemeanByOrigin {
		stats.DemeanByGroup(x, d, ds.Origins)
	}
	dz := &design{x: x, xMean: columnSums(x, d), xScale: make([]float64, d)}
	for j := range dz.xMean {
		dz.xMean[j] /= float64(n)
		dz.xScale[j] = 1
	}
	for i := range n {
		row := x[i*d : (i+1)*d]
		for j := range row {
			row[j] -= dz.xMean[j]
		}
	}
	if opt.Standardize {
		ss := make([]float64, d)
		for i := range n {
			for j, v := range x[i*d : (i+1)*d] {
				ss[j] += v * v
			}
		}
		for j := range ss {
			// Population SD, as scikit-learn's StandardScaler; constant
			// columns stay as they are.
			if sd := math.Sqrt(ss[j] / float64(n)); sd > 0 {
				dz.xScale[j] = sd
			}
		}
		for i := range n {
			row := x[i*d : (i+1)*d]
			for j := range row {
				row[j] /= dz.xScale[j]
			}
		}
	}
	return dz
}

// prepareY copies a target, demeans it by origin if opt asks, and centres
// it; it returns the centred copy and the mean removed.
func prepareY(y []float64, origins []string, opt *Options) ([]float64, float64) {
	y = slices.Clone(y)
	if opt.DemeanTargetByOrigin {
		stats.DemeanByGroup(y, 1, origins)
	}
	m := mean(y)
	for i := range y {
		y[i] -= m
	}
	return y, m
}

// FromSet joins one layer of an activation store to a target, taking each
// task's origin from the store's "origin" metadata (empty when absent).
func FromSet(set *activations.Set, target map[string]float64) (*Dataset, error) {
	origins := make([]string, len(set.IDs))
	for i := range set.IDs {
		if i < len(set.Meta) {
			origins[i] = set.Meta[i]["origin"]
		}
	}
	return Join(set.IDs, origins, set.X, target)
}

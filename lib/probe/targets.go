package probe

import (
	"fmt"
	"slices"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/template"
	"github.com/prefscope/prefscope/lib/utility"
	"gonum.org/v1/gonum/stat"
)

// TargetCounts says what went into a target: tasks with a value, and the
// records used and left out (refusals, unparseable replies, choices).
type TargetCounts struct {
	Tasks, Used, Skipped int
}

// RatingTargets maps each rated task to its mean valence over the runs'
// rating records: a rating's Score s in [0, 1] (1 = best option) becomes
// 2s - 1, so good/neutral/bad are +1/0/-1 as in the reference study, and
// any scale spans [-1, 1]. Records without a rating are counted in Skipped.
func RatingTargets(runs []*measure.Run) (map[string]float64, TargetCounts, error) {
	sum, n := map[string]float64{}, map[string]int{}
	var c TargetCounts
	for _, r := range runs {
		for _, rec := range r.Records {
			if rec.Outcome != template.OutcomeRating || rec.Score == nil {
				c.Skipped++
				continue
			}
			sum[rec.TaskA] += 2*(*rec.Score) - 1
			n[rec.TaskA]++
			c.Used++
		}
	}
	if c.Used == 0 {
		return nil, c, fmt.Errorf("probe: no rating records in %d runs", len(runs))
	}
	out := meanByTask(sum, n)
	c.Tasks = len(out)
	return out, c, nil
}

// UtilityTargets fits Thurstonian utilities to each run separately
// (utility.FitRun with opts), standardises each run's μ to mean 0 and SD 1,
// and maps each task to its mean standardised μ over the runs that
// include it: one utility per task that no single template decides.
func UtilityTargets(runs []*measure.Run, opts *utility.FitOptions) (map[string]float64, TargetCounts, error) {
	sum, n := map[string]float64{}, map[string]int{}
	var c TargetCounts
	for _, r := range runs {
		u, counts, err := utility.FitRun(r, opts)
		if err != nil {
			return nil, c, fmt.Errorf("probe: run %s: %w", r.Dir, err)
		}
		c.Used += counts.Choices
		c.Skipped += counts.Refusals + counts.Unparseable
		if stat.StdDev(u.Mu, nil) == 0 || len(u.Mu) < 2 {
			return nil, c, fmt.Errorf("probe: run %s: fitted utilities have no spread", r.Dir)
		}
		z := utility.Standardize(u.Mu)
		for i, id := range u.IDs {
			sum[id] += z[i]
			n[id]++
		}
	}
	if len(sum) == 0 {
		return nil, c, fmt.Errorf("probe: no utilities from %d runs", len(runs))
	}
	out := meanByTask(sum, n)
	c.Tasks = len(out)
	return out, c, nil
}

// meanByTask divides each task's sum by its count.
func meanByTask(sum map[string]float64, n map[string]int) map[string]float64 {
	out := make(map[string]float64, len(sum))
	for id, s := range sum {
		out[id] = s / float64(n[id])
	}
	return out
}

// NamedTargets are targets with their names, in the same order.
type NamedTargets struct {
	Names   []string
	Targets []map[string]float64
}

// RatingTargetsByFraming is RatingTargets for each framing (the template's
// phrasing) of the runs: one target per framing, pooling its option sets.
func RatingTargetsByFraming(runs []*measure.Run) (*NamedTargets, error) {
	var names []string
	var targets []map[string]float64
	by := map[string][]*measure.Run{}
	for _, r := range runs {
		ph := r.File.Config.Template.Fields.Phrasing
		if _, ok := by[ph]; !ok {
			names = append(names, ph)
		}
		by[ph] = append(by[ph], r)
	}
	slices.Sort(names)
	for _, n := range names {
		y, _, err := RatingTargets(by[n])
		if err != nil {
			return nil, fmt.Errorf("probe: framing %s: %w", n, err)
		}
		targets = append(targets, y)
	}
	return &NamedTargets{names, targets}, nil
}

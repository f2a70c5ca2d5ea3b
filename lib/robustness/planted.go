package robustness

import (
	"fmt"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// Planted is a simulated respondent's planted truth as plain numbers: for
// each run (by id) the utility of each of its tasks that the respondent
// chose by in that run, in the units of its choice model. The package never
// sees the simulator: lib/study builds Planted from a synthetic study's
// truth (study.PlantedRobustness), and a test can write one by hand.
type Planted map[string]map[string]float64

// PlantedCorrelations returns c's run pairs with each correlation replaced
// by the Pearson correlation of the two runs' planted utilities over the
// tasks both runs have in p: what the estimate would be with no sampling
// noise. It is the one place planted correlations are computed (Analyze and
// Calibrate both call it). A run of c missing from p is an error naming it.
func (c *Correlations) PlantedCorrelations(p Planted) (*Correlations, error) {
	out := &Correlations{Fields: c.Fields, Pairs: append([]PairCorrelation(nil), c.Pairs...)}
	var x, y []float64
	for i := range out.Pairs {
		pc := &out.Pairs[i]
		ua, okA := p[pc.A]
		ub, okB := p[pc.B]
		if !okA || !okB {
			missing := pc.A
			if okA {
				missing = pc.B
			}
			return nil, fmt.Errorf("robustness: planted correlations: run %s has no planted utilities", missing)
		}
		tasks := make([]string, 0, len(ua))
		for t := range ua {
			if _, ok := ub[t]; ok {
				tasks = append(tasks, t)
			}
		}
		if len(tasks) < 2 {
			return nil, fmt.Errorf("robustness: planted correlations: runs %s and %s share %d planted tasks", pc.A, pc.B, len(tasks))
		}
		sort.Strings(tasks) // a fixed summation order, so results do not depend on map order
		x, y = x[:0], y[:0]
		for _, t := range tasks {
			x, y = append(x, ua[t]), append(y, ub[t])
		}
		pc.Pearson = stat.Correlation(x, y, nil)
	}
	return out, nil
}

package probe

import (
	"math"
	"testing"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/template"
)

func TestRatingTargetsMapScoresToValence(t *testing.T) {
	score := func(s float64) *float64 { return &s }
	opt := func(i int) *int { return &i }
	run := &measure.Run{Records: []measure.Record{
		// good/neutral/bad: Score 1, 0.5, 0 -> +1, 0, -1.
		{TaskA: "a", Outcome: template.OutcomeRating, Option: opt(0), Score: score(1)},
		{TaskA: "a", Outcome: template.OutcomeRating, Option: opt(1), Score: score(0.5)},
		{TaskA: "b", Outcome: template.OutcomeRating, Option: opt(2), Score: score(0)},
		{TaskA: "b", Outcome: template.OutcomeRefusal},
		{TaskA: "c", Outcome: template.OutcomeUnparseable},
	}}
	y, c, err := RatingTargets([]*measure.Run{run})
	if err != nil {
		t.Fatal(err)
	}
	if len(y) != 2 || math.Abs(y["a"]-0.5) > 1e-15 || y["b"] != -1 {
		t.Errorf("targets %v, want a 0.5 (mean of +1 and 0), b -1", y)
	}
	if c != (TargetCounts{Tasks: 2, Used: 3, Skipped: 2}) {
		t.Errorf("counts %+v", c)
	}
	if _, _, err := RatingTargets([]*measure.Run{{Records: run.Records[3:]}}); err == nil {
		t.Error("runs without ratings must be an error")
	}
}

// TestPairsFromRunsPoolsRunsAndOrders: choices of two runs, in both display
// orders, pool into one count per pair of dataset rows; a pair with a task
// that has no row is counted in Dropped.
func TestPairsFromRunsPoolsRunsAndOrders(t *testing.T) {
	choice := func(a, b, winner string) measure.Record {
		return measure.Record{TaskA: a, TaskB: b, Outcome: template.OutcomeChoice, Winner: winner}
	}
	run := func(recs ...measure.Record) *measure.Run {
		r := &measure.Run{Records: recs}
		r.File.Config.Tasks = []string{"a", "b", "c", "x"}
		return r
	}
	runs := []*measure.Run{
		run(choice("a", "b", "a"), choice("a", "b", "b"), choice("b", "c", "c"), choice("a", "x", "x")),
		run(choice("a", "b", "a"), measure.Record{TaskA: "a", TaskB: "c", Outcome: template.OutcomeRefusal}),
	}
	ds, _ := NewDataset([]float64{1, 2, 3}, 1, []float64{1, 2, 3}, nil)
	ds.TaskIDs = []string{"c", "a", "b"} // rows: c=0, a=1, b=2
	ps, err := PairsFromRuns(ds, runs)
	if err != nil {
		t.Fatal(err)
	}
	type pair struct {
		i, j   int
		wi, wj float64
	}
	var got []pair
	for k := range ps.I {
		got = append(got, pair{ps.I[k], ps.J[k], ps.WinsI[k], ps.WinsJ[k]})
	}
	// c–b: c won once; a–b: a won twice, b once (rows 1 and 2).
	want := []pair{{0, 2, 1, 0}, {1, 2, 2, 1}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || ps.Dropped != 1 {
		t.Errorf("pairs %+v dropped %d, want %+v and 1 dropped", got, ps.Dropped, want)
	}
}

// TestRatingTargetsByFraming: one target per phrasing, pooling its runs.
func TestRatingTargetsByFraming(t *testing.T) {
	score := func(s float64) *float64 { return &s }
	run := func(phrasing string, s float64) *measure.Run {
		r := &measure.Run{Records: []measure.Record{{TaskA: "a", Outcome: template.OutcomeRating, Score: score(s)}}}
		r.File.Config.Template.Fields.Phrasing = phrasing
		return r
	}
	nt, err := RatingTargetsByFraming([]*measure.Run{run("reflect", 1), run("did_enjoy", 0), run("reflect", 0.5)})
	if err != nil {
		t.Fatal(err)
	}
	if len(nt.Names) != 2 || nt.Names[0] != "did_enjoy" || nt.Targets[0]["a"] != -1 || nt.Targets[1]["a"] != 0.5 {
		t.Errorf("framings %v targets %v, want did_enjoy -1 and reflect 0.5 (mean of +1 and 0)", nt.Names, nt.Targets)
	}
}

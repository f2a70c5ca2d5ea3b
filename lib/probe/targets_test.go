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

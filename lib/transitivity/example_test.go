package transitivity_test

import (
	"fmt"
	"log"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/template"
	"github.com/prefscope/prefscope/lib/transitivity"
)

// choices returns n pairwise choice records of a over b, won by winner.
func choices(a, b, winner string, n int) []measure.Record {
	out := make([]measure.Record, n)
	for s := range out {
		out[s] = measure.Record{Key: fmt.Sprintf("%s|%s|%d", a, b, s), TaskA: a, TaskB: b, Shown: []string{a, b},
			Sample: s, Outcome: template.OutcomeChoice, Winner: winner}
	}
	return out
}

// Three tasks chosen in a cycle (a over b, b over c and c over a, each 3
// times in 4) and a fourth that loses every time: of the four closed triads
// one is a hard cycle, whose chance of cycling on one draw per pair is
// 0.75³ + 0.25³ = 0.4375; the others never cycle.
func Example() {
	var recs []measure.Record
	for _, p := range [][3]string{{"a", "b", "a"}, {"b", "c", "b"}, {"c", "a", "c"}} {
		recs = append(recs, choices(p[0], p[1], p[2], 3)...)
		recs = append(recs, choices(p[0], p[1], p[1], 1)...)
	}
	for _, winner := range []string{"a", "b", "c"} {
		recs = append(recs, choices(winner, "d", winner, 4)...)
	}
	t, err := transitivity.NewTournament("example", recs, nil)
	if err != nil {
		log.Fatal(err)
	}
	triads, _, err := transitivity.Triads([]*transitivity.Tournament{t}, &transitivity.SampleOptions{Exhaustive: true})
	if err != nil {
		log.Fatal(err)
	}
	for _, tr := range triads {
		fmt.Printf("%s %s %s: hard cycle %v, cycle probability %.4f\n", t.Tasks[tr.I], t.Tasks[tr.J], t.Tasks[tr.K], tr.Hard(), tr.CycleProbability())
	}
	s, err := transitivity.Summarize(triads, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d triads, %d hard cycles (rate %.2f), mean cycle probability %.4f\n", s.Triads, s.HardCycles, s.HardCycleRate, s.MeanCycleProbability)
	// Output:
	// a b c: hard cycle true, cycle probability 0.4375
	// a b d: hard cycle false, cycle probability 0.0000
	// a c d: hard cycle false, cycle probability 0.0000
	// b c d: hard cycle false, cycle probability 0.0000
	// 4 triads, 1 hard cycles (rate 0.25), mean cycle probability 0.1094
}

// A triad whose three pooled pair probabilities all exceed 0.5 is a hard
// cycle; its cycle probability is the chance that one draw per pair goes
// round: 0.8·0.7·0.6 + 0.2·0.3·0.4.
func ExampleHardCycle() {
	fmt.Println(transitivity.HardCycle(0.8, 0.7, 0.6), transitivity.HardCycle(0.8, 0.7, 0.5))
	fmt.Printf("%.3f\n", transitivity.CycleProbability(0.8, 0.7, 0.6))
	// Output:
	// true false
	// 0.360
}

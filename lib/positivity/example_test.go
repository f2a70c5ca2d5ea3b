package positivity_test

import (
	"fmt"

	"github.com/prefscope/prefscope/lib/positivity"
	"github.com/prefscope/prefscope/lib/template"
)

// Ratings measured anywhere (here built by hand: 9 "good", 1 "neutral" and
// one unparseable answer on good/neutral/bad) go through the same table.
func ExampleTable() {
	var rs []positivity.Rating
	for i := range 11 {
		r := positivity.Rating{Model: "m", Framing: "did_enjoy", OptionSet: "good_neutral_bad", Origin: "math",
			Task: fmt.Sprint("t", i%3), Outcome: template.OutcomeRating, Options: 3}
		switch i {
		case 9:
			r.Option = 1
		case 10:
			r.Outcome = template.OutcomeUnparseable
		}
		rs = append(rs, r)
	}
	cells, _ := positivity.Table(rs, positivity.ByOrigin)
	c := cells[0]
	pos := c.Share[positivity.Positive]
	fmt.Printf("%s: %d parsed, %d unparsed; positive %.2f [%.3f, %.3f]; mean score %.2f\n", c.Origin, c.Valid, c.Unparsed, pos.P, pos.CI.Low, pos.CI.High, c.Mean)
	// Output:
	// math: 10 parsed, 1 unparsed; positive 0.90 [0.596, 0.982]; mean score 0.90
}

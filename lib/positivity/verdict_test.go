package positivity

import (
	"math"
	"testing"

	"github.com/prefscope/prefscope/lib/template"
)

func TestCheckCoverage(t *testing.T) {
	cases := []struct {
		name string
		c    CoverageCheck
		str  string
		ok   bool
	}{
		{"passes", CoverageCheck{Inside: 171, Total: 180, Cells: 60}, "planted share inside the measured 95% interval: 171 of 180 (95.0%); bar: at least 90%", true},
		{"at the bar", CoverageCheck{Inside: 9, Total: 10}, "planted share inside the measured 95% interval: 9 of 10 (90.0%); bar: at least 90%", true},
		{"below", CoverageCheck{Inside: 8, Total: 10}, "planted share inside the measured 95% interval: 8 of 10 (80.0%); bar: at least 90%", false},
		{"nothing planted", CoverageCheck{}, "planted share inside the measured 95% interval: 0 of 0 (NaN%); bar: at least 90%", false},
	}
	for _, tc := range cases {
		if got := tc.c.String(); got != tc.str {
			t.Errorf("%s: String = %q, want %q", tc.name, got, tc.str)
		}
		if err := tc.c.Err(); (err == nil) != tc.ok {
			t.Errorf("%s: Err = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
	// On the table of TestPlantedAndCoverage: 2 of 3 inside, one cell.
	rs := rep(4, "math", "a", template.OutcomeRating, 0, 3)
	for i := range rs {
		rs[i].Planted = []float64{0.5, 0.3, 0.2}
	}
	cells, err := Table(rs)
	if err != nil {
		t.Fatal(err)
	}
	c := CheckCoverage(cells)
	if c != (CoverageCheck{Inside: 2, Total: 3, Cells: 1}) || math.Abs(c.Share()-2.0/3) > 1e-15 || c.Err() == nil {
		t.Errorf("CheckCoverage = %+v (share %v, err %v), want 2 of 3 in 1 cell, below the bar", c, c.Share(), c.Err())
	}
}

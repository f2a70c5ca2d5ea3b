package stats

import (
	"math"
	"testing"
)

// Two groups of 2-column rows: each row minus its group's column means,
// worked out by hand.
func TestDemeanByGroup(t *testing.T) {
	x := []float64{
		1, 10, // a
		3, 20, // b
		5, 30, // a
		9, 60, // b
		4, 0, // c (alone: becomes zero)
	}
	DemeanByGroup(x, 2, []string{"a", "b", "a", "b", "c"})
	want := []float64{-2, -10, -3, -20, 2, 10, 3, 20, 0, 0}
	for i := range want {
		if math.Abs(x[i]-want[i]) > 1e-12 {
			t.Fatalf("row-major x = %v, want %v", x, want)
		}
	}
}

package task

import (
	"math"
	"testing"
)

// TestTextFeaturesTFIDF checks the TF-IDF weighting on two texts by hand.
func TestTextFeaturesTFIDF(t *testing.T) {
	const dim = 1 << 16
	x, err := TextFeatures([]string{"Apple pie", "apple"}, dim)
	if err != nil {
		t.Fatal(err)
	}
	// idf: "apple" in both docs: ln(3/3)+1 = 1; "pie" and "apple pie" in one: ln(3/2)+1.
	idf := math.Log(1.5) + 1
	norm := math.Sqrt(1 + 2*idf*idf)
	row0 := x[:dim]
	if got := row0[bucket("apple", dim)]; math.Abs(got-1/norm) > 1e-12 {
		t.Errorf("apple weight %v, want %v", got, 1/norm)
	}
	if got := row0[bucket("apple pie", dim)]; math.Abs(got-idf/norm) > 1e-12 {
		t.Errorf("bigram weight %v, want %v", got, idf/norm)
	}
	if got := x[dim+bucket("apple", dim)]; math.Abs(got-1) > 1e-12 {
		t.Errorf("one-word row must be unit: %v", got)
	}
}

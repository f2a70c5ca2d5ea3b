package num

import (
	"math"
	"testing"
)

func TestF(t *testing.T) {
	cases := []struct {
		x      float64
		digits int
		want   string
	}{
		{0.12345, 3, "0.123"},
		{0.1235, 3, "0.123"}, // 0.1235 is stored as 0.123499999999999998667, so it rounds down
		{2, 0, "2"},
		{-1.5, 1, "-1.5"},
		{-0.0004, 3, "0.000"}, // rounds to zero: no minus sign
		{math.Copysign(0, -1), 2, "0.00"},
		{1234.5, -1, "1234"}, // negative digits mean 0; 1234.5 rounds half to even
		{math.NaN(), 2, "–"},
		{math.Inf(1), 2, "∞"},
		{math.Inf(-1), 2, "-∞"},
	}
	for _, tc := range cases {
		if got := F(tc.x, tc.digits); got != tc.want {
			t.Errorf("F(%v, %d) = %q, want %q", tc.x, tc.digits, got, tc.want)
		}
	}
}

func TestPctPlusMinus(t *testing.T) {
	cases := []struct{ got, want string }{
		{Pct(0.1234, 1), "12.3%"},
		{Pct(1, 0), "100%"},
		{Pct(-0.05, 0), "-5%"},
		{Pct(math.NaN(), 1), "–"},
		{PlusMinus(0.6234, 0.0312, 2), "0.62 ± 0.03"},
		{PlusMinus(1, math.NaN(), 1), "1.0 ± –"},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestMeanPM(t *testing.T) {
	// {1, 2, 3, 4}: mean 2.5, se = sqrt(5/3)/2 = 0.645 (stats.MeanSE).
	if got, want := MeanPM([]float64{1, 2, 3, 4}, 2), "2.50 ± 0.65 (n = 4)"; got != want {
		t.Errorf("MeanPM = %q, want %q", got, want)
	}
	if got, want := MeanPM([]float64{3}, 1), "3.0 ± – (n = 1)"; got != want {
		t.Errorf("MeanPM of one value = %q, want %q", got, want)
	}
}

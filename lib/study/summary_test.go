package study

import (
	"testing"

	"github.com/prefscope/prefscope/lib/measure"
)

func TestResultTotals(t *testing.T) {
	cases := []struct {
		name string
		res  *Result
		want Totals
		str  string
	}{
		{"nil", nil, Totals{}, "0 runs: 0 calls, 0 done now, 0 cached, 0 failed"},
		{"two runs", &Result{Summaries: []measure.Summary{
			{Total: 10, Cached: 4, Done: 5, Failed: 1},
			{Total: 7, Cached: 7},
		}}, Totals{Runs: 2, Calls: 17, Cached: 11, Done: 5, Failed: 1}, "2 runs: 17 calls, 5 done now, 11 cached, 1 failed"},
	}
	for _, tc := range cases {
		got := tc.res.Totals()
		if got != tc.want || got.String() != tc.str {
			t.Errorf("%s: Totals = %+v %q, want %+v %q", tc.name, got, got.String(), tc.want, tc.str)
		}
	}
}

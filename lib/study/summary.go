package study

import "fmt"

// Totals adds up what Run did over its fixed-design runs (Result.Summaries).
type Totals struct {
	Runs int
	// Calls counts every call of the runs; Cached those already stored
	// before this Run, Done those made now and Failed those still failing
	// after retries (Calls = Cached + Done + Failed for a run that finished).
	Calls, Cached, Done, Failed int
}

// Totals sums the summaries of the fixed-design runs, so that a notebook
// or the CLI does not write the loop again.
func (r *Result) Totals() Totals {
	var t Totals
	if r == nil {
		return t
	}
	for _, s := range r.Summaries {
		t.Runs++
		t.Calls += s.Total
		t.Cached += s.Cached
		t.Done += s.Done
		t.Failed += s.Failed
	}
	return t
}

// String is "24 runs: 5760 calls, 120 done now, 5640 cached, 0 failed".
func (t Totals) String() string {
	return fmt.Sprintf("%d runs: %d calls, %d done now, %d cached, %d failed", t.Runs, t.Calls, t.Done, t.Cached, t.Failed)
}

package utility

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// maxInferredTasks bounds the task count ReadSplitJSONL infers from the
// largest index, so one corrupt index cannot make Fit allocate gigabytes.
const maxInferredTasks = 10_000_000

// ReadSplitJSONL reads comparisons in the Python baseline's format
// (baselines/thurstonian_baseline.py --dump): one JSON object per line,
// {"a": int, "b": int, "winner": "a"|"b", "split": "train"|"test"}, the
// split optional (absent means train). n is the number of tasks; zero means
// one more than the largest index seen. name labels errors (a file name).
func ReadSplitJSONL(r io.Reader, n int, name string) (train, test *Data, err error) {
	type rec struct {
		A, B   int
		Winner string
		Split  string
	}
	var recs []rec
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	maxIdx := -1
	for line := 1; sc.Scan(); line++ {
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var x struct {
			A      *int   `json:"a"`
			B      *int   `json:"b"`
			Winner string `json:"winner"`
			Split  string `json:"split"`
		}
		if err := json.Unmarshal(b, &x); err != nil {
			return nil, nil, fmt.Errorf("utility: %s line %d: %w", name, line, err)
		}
		if x.A == nil || x.B == nil {
			return nil, nil, fmt.Errorf("utility: %s line %d: missing \"a\" or \"b\"", name, line)
		}
		if x.Winner != "a" && x.Winner != "b" {
			return nil, nil, fmt.Errorf("utility: %s line %d: winner %q is not \"a\" or \"b\"", name, line, x.Winner)
		}
		if x.Split != "" && x.Split != "train" && x.Split != "test" {
			return nil, nil, fmt.Errorf("utility: %s line %d: split %q is not \"train\" or \"test\"", name, line, x.Split)
		}
		if *x.A < 0 || *x.B < 0 {
			return nil, nil, fmt.Errorf("utility: %s line %d: negative task index", name, line)
		}
		maxIdx = max(maxIdx, *x.A, *x.B)
		recs = append(recs, rec{*x.A, *x.B, x.Winner, x.Split})
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("utility: %s: %w", name, err)
	}
	if n == 0 {
		if maxIdx >= maxInferredTasks {
			return nil, nil, fmt.Errorf("utility: %s: task index %d implies more than %d tasks; pass n explicitly", name, maxIdx, maxInferredTasks)
		}
		n = maxIdx + 1
	}
	train, test = NewData(n), NewData(n)
	for k, r := range recs {
		d := train
		if r.Split == "test" {
			d = test
		}
		w := 0.0
		if r.Winner == "a" {
			w = 1
		}
		if err := d.Add(r.A, r.B, w, 1-w); err != nil {
			return nil, nil, fmt.Errorf("utility: %s record %d: %w", name, k+1, err)
		}
	}
	return train, test, nil
}

package utility

import (
	"bytes"
	"testing"
)

// FuzzReadSplitJSONL: any input gives data or an error, never a panic, and
// whatever is read can be fitted without a panic.
func FuzzReadSplitJSONL(f *testing.F) {
	f.Add([]byte(`{"a": 0, "b": 1, "winner": "a", "split": "train"}` + "\n" + `{"a": 1, "b": 2, "winner": "b"}`))
	f.Add([]byte(`{"a": 3, "b": 3, "winner": "a"}`))
	f.Add([]byte(`{"a": -1, "b": 2, "winner": "b", "split": "test"}`))
	f.Add([]byte("\n\n{\"a\": 0}"))
	f.Fuzz(func(t *testing.T, in []byte) {
		train, test, err := ReadSplitJSONL(bytes.NewReader(in), 0, "fuzz.jsonl")
		if err != nil {
			return
		}
		if train.N() > 1000 {
			return // keep each fit cheap
		}
		if u, err := Fit(train, &FitOptions{MaxIterations: 50}); err == nil {
			Evaluate(u, test)
		}
	})
}

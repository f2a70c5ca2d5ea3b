package task

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile writes content to name inside a fresh temporary directory and
// returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// wantErr is what a malformed-input case expects: a *RecordError whose
// message names file (a substring, usually the base name) and record
// ("line 3", "index 1", "row 4"; "" for a whole-file error), contains
// every string in has, and wraps is (if not nil).
type wantErr struct {
	file   string
	record string
	is     error
	has    []string
}

func (w wantErr) check(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one naming %s %s", w.file, w.record)
	}
	var re *RecordError
	if !errors.As(err, &re) {
		t.Fatalf("error %q (%T) is not a *RecordError", err, err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "task: ") {
		t.Errorf("error %q does not start with %q", msg, "task: ")
	}
	if !strings.Contains(msg, w.file) {
		t.Errorf("error %q does not name the file %q", msg, w.file)
	}
	if w.record != "" && !strings.Contains(msg, w.file+" "+w.record+":") {
		t.Errorf("error %q does not name the record %q right after the file", msg, w.record)
	}
	if w.record == "" && re.Unit != "" {
		t.Errorf("error %q names record %s %d, want a whole-file error", msg, re.Unit, re.N)
	}
	if w.is != nil && !errors.Is(err, w.is) {
		t.Errorf("error %q does not wrap %v", msg, w.is)
	}
	for _, h := range w.has {
		if !strings.Contains(msg, h) {
			t.Errorf("error %q does not contain %q", msg, h)
		}
	}
}

// ids lists the IDs of tasks.
func ids(tasks []Task) []string {
	out := make([]string, len(tasks))
	for i, t := range tasks {
		out[i] = t.ID
	}
	return out
}

// mustJSON encodes v as one line of JSON.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

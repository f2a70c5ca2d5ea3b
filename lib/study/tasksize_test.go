package study_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/study"
	"github.com/prefscope/prefscope/lib/task"
)

// A study whose task files together pass task.MaxTotalBytes is refused
// before any is read, with an error naming study.yaml and the limit. The
// files are sparse (no disk used), and of NUL bytes, so reading them would
// fail differently, and slowly.
func TestStudyRefusesOversizedTaskSources(t *testing.T) {
	dir := t.TempDir()
	var y strings.Builder
	y.WriteString("name: big\nmodel: {kind: synth, seed: 1}\ntasks:\n  sources:\n")
	for _, name := range []string{"a.jsonl", "b.jsonl", "c.jsonl"} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(200 << 20); err != nil {
			t.Fatal(err)
		}
		f.Close()
		y.WriteString("    - {origin: wildchat, path: " + name + "}\n")
	}
	y.WriteString("parts:\n  - {name: a, kind: pre_stated, templates: {sample: 1, seed: 1, scale: 1-5}, samples: 1, temperature: 1}\n")
	if err := os.WriteFile(layout.Study(dir), []byte(y.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := study.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.LoadTasks()
	if !errors.Is(err, task.ErrTooLarge) || !strings.Contains(err.Error(), layout.Study(dir)) || !strings.Contains(err.Error(), "512.0 MiB") {
		t.Fatalf("error %v, want ErrTooLarge naming %s and the limit", err, layout.Study(dir))
	}
}

package measure

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/layout"
)

// A run's own files (measurements.jsonl, errors.jsonl, run.yaml) replaced
// by symlinks are refused, by the writer and the reader; the files they
// point to are neither written nor read.
func TestRunFilesNeverFollowLinks(t *testing.T) {
	for _, file := range []string{layout.MeasurementsFile, layout.ErrorsFile, layout.RunFile} {
		t.Run(file, func(t *testing.T) {
			eng, cfg := storeConfig(t)
			runs := t.TempDir()
			sum, err := eng.Run(context.Background(), runs, cfg)
			if err != nil {
				t.Fatal(err)
			}
			runDir := sum.Dir
			victim := filepath.Join(t.TempDir(), "victim")
			orig, _ := os.ReadFile(filepath.Join(runDir, file))
			if err := os.WriteFile(victim, orig, 0o644); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(runDir, file)
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(victim, path); err != nil {
				t.Fatal(err)
			}
			// Resuming the finished run opens its files again.
			_, werr := eng.Run(context.Background(), runs, cfg)
			_, rerr := ReadRun(runDir)
			if file == layout.ErrorsFile {
				rerr = werr // ReadRun does not read errors.jsonl
			}
			for _, err := range []error{werr, rerr} {
				if err == nil || !strings.Contains(err.Error(), "symlink") {
					t.Errorf("%s as a symlink: %v; want an error naming the link", file, err)
				}
			}
			if b, _ := os.ReadFile(victim); string(b) != string(orig) {
				t.Errorf("the link's target was written")
			}
		})
	}
}

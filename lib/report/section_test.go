package report

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A figure error that the caller ignored must still stop Write, and must
// leave the previous section file in place.
func TestSectionStickyError(t *testing.T) {
	root := setupRoot(t)
	good := writeAsset(t, root, "robustness", "plot_030926_good.png")
	prev := NewSection("robustness", "Robust")
	prev.Date = "2026-03-09"
	prev.Text("previous version")
	path, err := prev.Write()
	if err != nil {
		t.Fatal(err)
	}

	s := NewSection("robustness", "Robust")
	s.Date = "2026-03-09"
	missing := filepath.Join(root, "assets", "robustness", "plot_030926_typo.png")
	_ = s.Figure(missing, "ignored error") // as a notebook cell that drops it
	if err := s.Figure(good, "fine"); err != nil {
		t.Fatalf("Figure of an existing file: %v", err)
	}
	s.Text("more text after the error")
	err = s.Err()
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "plot_030926_typo.png") || !strings.Contains(err.Error(), "section robustness") {
		t.Fatalf("Err() = %v, want the missing figure's not-exist error naming the file and the section", err)
	}
	if _, werr := s.Write(); werr != err {
		t.Fatalf("Write() error = %v, want the sticky %v", werr, err)
	}
	data, rerr := os.ReadFile(path)
	if rerr != nil || !strings.Contains(string(data), "previous version") {
		t.Fatalf("section file after a failed Write: %q, %v; want the previous version kept", data, rerr)
	}

	// A bad date is sticky too, and is the first error kept.
	bad := NewSection("robustness", "")
	bad.Date = "2026-3-9"
	first := bad.Figure(good, "x")
	if first == nil || bad.Err() != first {
		t.Fatalf("Figure with a bad date = %v, Err() = %v; want the same error", first, bad.Err())
	}
	bad.Date = "2026-03-09"
	if err := bad.Figure(missing, "y"); err == nil || bad.Err() != first {
		t.Fatalf("second error replaced the first: Err() = %v", bad.Err())
	}
}

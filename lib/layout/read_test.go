package layout

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadOwned(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.yaml")
	if err := os.WriteFile(path, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(path, filepath.Join(dir, "linked.yaml")); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadOwned(path, 10); err != nil || string(b) != "0123456789" {
		t.Errorf("at the limit: %q, %v", b, err)
	}
	cases := []struct {
		name, file string
		limit      int64
		want       string // in the error
	}{
		{"over the limit", "run.yaml", 9, "larger than 9 bytes"},
		{"symlink", "linked.yaml", 100, "symlink"},
		{"missing", "fit.yaml", 100, "fit.yaml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := ReadOwned(filepath.Join(dir, c.file), c.limit)
			if err == nil || b != nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%q, error %v; want nothing and an error containing %q", b, err, c.want)
			}
		})
	}
	if _, err := ReadOwned(filepath.Join(dir, "fit.yaml"), 1); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v does not wrap os.ErrNotExist", err)
	}
}

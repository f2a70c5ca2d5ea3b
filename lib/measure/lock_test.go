package measure

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/prefscope/prefscope/lib/layout"
)

// A lock file replaced by a symlink (to a file the user can write, or to
// nowhere) or by a FIFO is refused with an error naming it; the file a link
// points to is never written.
func TestWriteLockRefusesLinksAndSpecialFiles(t *testing.T) {
	cases := []struct {
		name  string
		plant func(t *testing.T, lock, victim string)
		want  string
	}{
		{"symlink to a file", func(t *testing.T, lock, victim string) {
			if err := os.Symlink(victim, lock); err != nil {
				t.Fatal(err)
			}
		}, "symlink"},
		{"dangling symlink", func(t *testing.T, lock, victim string) {
			if err := os.Symlink(victim+".missing", lock); err != nil {
				t.Fatal(err)
			}
		}, "symlink"},
		{"FIFO", func(t *testing.T, lock, victim string) {
			if err := syscall.Mkfifo(lock, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			victim := filepath.Join(t.TempDir(), "precious.txt")
			const content = "do not overwrite\n"
			if err := os.WriteFile(victim, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			lock := layout.Lock(dir)
			c.plant(t, lock, victim)
			l, err := WriteLock(context.Background(), dir, false)
			if err == nil {
				l.Unlock()
				t.Fatal("lock taken through a planted file")
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), lock) {
				t.Errorf("error %v, want one naming %s and %q", err, lock, c.want)
			}
			if b, _ := os.ReadFile(victim); string(b) != content {
				t.Errorf("the symlink's target was written: %q", b)
			}
			if _, err := os.Stat(victim + ".missing"); !os.IsNotExist(err) {
				t.Error("the dangling link's target was created")
			}
		})
	}
}

// A regular lock file works as before and names its holder.
func TestWriteLockHolderLine(t *testing.T) {
	dir := t.TempDir()
	l, err := WriteLock(context.Background(), dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	if b, _ := os.ReadFile(layout.Lock(dir)); !strings.HasPrefix(string(b), "pid ") {
		t.Errorf("lock file holds %q, want the holder line", b)
	}
	if _, err := WriteLock(context.Background(), dir, false); err == nil || !strings.Contains(err.Error(), "pid ") {
		t.Errorf("second writer: %v, want an error naming the holder", err)
	}
}

package measure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/gofrs/flock"
	"github.com/prefscope/prefscope/lib/layout"
)

// ErrLocked is wrapped by WriteLock's error when another writer holds the
// lock and the caller did not ask to wait.
var ErrLocked = errors.New("locked by another writer")

// Lock is an exclusive OS file lock (flock) on a directory, held by one
// writer at a time across processes. The lock file names its holder (pid,
// host, command, start time) so that the error another writer gets says who
// to wait for. The OS drops the lock when the holder exits, even on SIGKILL,
// so a stale lock file never blocks anyone.
type Lock struct {
	fl *flock.Flock
}

// WriteLock takes dir's lock. When another process (or another Lock in this
// one) holds it, WriteLock fails with ErrLocked and the holder's description,
// or with wait set, retries until the lock is free or ctx ends.
func WriteLock(ctx context.Context, dir string, wait bool) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("measure: %w", err)
	}
	path := layout.Lock(dir)
	// The lock file is the study's own: a symlink planted in its place would
	// make the holder line overwrite whatever it points to. Refused by lstat
	// first (a clear error), and by O_NOFOLLOW when the lock file is opened,
	// so a link swapped in between is refused too (ELOOP).
	if err := layout.CheckNotSymlink(path); err != nil {
		return nil, fmt.Errorf("measure: lock: %w", err)
	}
	fl := flock.New(path, flock.SetFlag(os.O_CREATE|os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK), flock.SetPermissions(0o644))
	var ok bool
	var err error
	if wait {
		ok, err = fl.TryLockContext(ctx, 100*time.Millisecond)
	} else {
		ok, err = fl.TryLock()
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("measure: waiting for %s: %w", path, ctx.Err())
		}
		if errors.Is(err, syscall.ELOOP) {
			return nil, fmt.Errorf("measure: lock: %s: is a symlink; a study's own files are never followed through links", path)
		}
		return nil, fmt.Errorf("measure: locking %s: %w", path, err)
	}
	if !ok {
		return nil, fmt.Errorf("measure: %s is being written by %s: %w (wait for it to finish, or ask to wait: prefscope measure -wait)", dir, holder(path), ErrLocked)
	}
	// The holder line is informational: the flock itself is the lock, so a
	// failed write only makes the other writer's message less precise.
	host, _ := os.Hostname()
	info := fmt.Sprintf("pid %d on %s since %s: %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339), strings.Join(os.Args, " "))
	// One write call on the open lock file (no truncate-then-write window
	// in which another writer reads it empty).
	_ = writeHolder(path, info)
	return &Lock{fl: fl}, nil
}

// holder describes the process named in a lock file. The holder writes its
// line just after taking the lock, so an empty file is read again for a
// moment before giving up.
func holder(path string) string {
	var s string
	for try := 0; try < 50 && s == ""; try++ {
		if try > 0 {
			time.Sleep(10 * time.Millisecond)
		}
		s = strings.TrimSpace(readHolder(path))
	}
	if s == "" {
		return "another process (holder not recorded)"
	}
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// Unlock releases the lock; nil is a no-op.
func (l *Lock) Unlock() error {
	if l == nil || l.fl == nil {
		return nil
	}
	return l.fl.Unlock()
}

// writeHolder replaces the lock file's text with info in place: the lock is
// held on the file's inode, so the file is rewritten, never replaced.
func writeHolder(path, info string) error {
	f, err := layout.OpenNoFollow(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte(info), 0); err != nil {
		return err
	}
	return f.Truncate(int64(len(info)))
}

// readHolder reads at most 4 KiB of the lock file, never through a link.
func readHolder(path string) string {
	f, err := layout.OpenNoFollow(path, os.O_RDONLY, 0)
	if err != nil {
		return ""
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, 4096))
	return string(b)
}

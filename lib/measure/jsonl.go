package measure

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/repo"
)

// AppendLog is an append-only JSON-lines file that survives being killed
// mid-write: the file is opened in O_APPEND mode and each line goes out in a
// single write call, so lines never interleave; a torn final line is cut off
// when the file is reopened. AppendLog does not stop two processes from
// appending the same records: writers hold a Lock for that.
type AppendLog struct {
	mu       sync.Mutex
	path     string
	f        *os.File
	rejected int
}

// ErrRejectLine, returned (or wrapped) by an OpenAppendLog visitor, moves
// that line out of the log into <path>.rejected instead of failing: a record
// that is well formed but does not belong in the file.
var ErrRejectLine = errors.New("line rejected")

// OpenAppendLog opens (creating) path, calls visit for each complete line in
// order (1-based line numbers), truncates a torn final line, and positions
// for appending. A complete line that visit rejects is an error naming the
// file and line: corruption is never silently dropped. Lines refused with
// ErrRejectLine are moved, whole, to <path>.rejected (see Rejected).
func OpenAppendLog(path string, visit func(line []byte, n int) error) (*AppendLog, error) {
	// The log is the study's own file: never written through a symlink
	// planted in its place, never a FIFO or device.
	if err := layout.CheckNotSymlink(path); err != nil {
		return nil, err
	}
	f, err := layout.OpenNoFollow(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	// Rejected lines are rare: note their numbers, and only then read the
	// file a second time to split it.
	rejected := map[int]bool{}
	good, err := ScanLines(f, path, func(line []byte, n int) error {
		if visit == nil {
			return nil
		}
		err := visit(line, n)
		if errors.Is(err, ErrRejectLine) {
			rejected[n] = true
			return nil
		}
		return err
	})
	f.Close()
	if err != nil {
		return nil, err
	}
	if len(rejected) > 0 {
		if err := moveRejected(path, rejected); err != nil {
			return nil, err
		}
	} else if err := os.Truncate(path, good); err != nil {
		return nil, fmt.Errorf("%s: dropping torn last line: %w", path, err)
	}
	f, err = layout.OpenNoFollow(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &AppendLog{path: path, f: f, rejected: len(rejected)}, nil
}

// Rejected is the number of lines moved to <path>.rejected on open.
func (l *AppendLog) Rejected() int { return l.rejected }

// moveRejected appends the rejected lines (by number) to path.rejected, then
// replaces path by the other complete lines atomically, in that order so a
// kill in between leaves a copy of a rejected line rather than losing it.
func moveRejected(path string, lines map[int]bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	var kept, rejected []byte
	_, err = ScanLines(f, path, func(line []byte, n int) error {
		if lines[n] {
			rejected = append(append(rejected, line...), '\n')
		} else {
			kept = append(append(kept, line...), '\n')
		}
		return nil
	})
	f.Close()
	if err != nil {
		return err
	}
	rf, err := layout.OpenNoFollow(layout.Rejected(path), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if _, err := rf.Write(rejected); err != nil {
		rf.Close()
		return fmt.Errorf("%s.rejected: %w", path, err)
	}
	if err := rf.Close(); err != nil {
		return err
	}
	return repo.WriteFileAtomic(path, kept, 0o644)
}

// ScanLines reads r line by line, calls visit for each complete non-blank line, and returns the byte offset just past the last complete line.
func ScanLines(r io.Reader, path string, visit func([]byte, int) error) (int64, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var off int64
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err == io.EOF {
			// No newline: a torn tail (or nothing).
			return off, nil
		}
		if err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		off += int64(len(line))
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 {
			continue
		}
		if visit != nil {
			if err := visit(trimmed, n); err != nil {
				return 0, fmt.Errorf("%s line %d: %w", path, n, err)
			}
		}
	}
}

// Append writes v as one JSON line.
func (l *AppendLog) Append(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: encoding record: %w", l.path, err)
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.f.Write(b); err != nil {
		return fmt.Errorf("%s: %w", l.path, err)
	}
	return nil
}

// Sync flushes the file to stable storage.
func (l *AppendLog) Sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Sync()
}

// Close flushes and closes the file.
func (l *AppendLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.f.Sync(); err != nil {
		l.f.Close()
		return err
	}
	return l.f.Close()
}

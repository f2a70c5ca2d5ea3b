package measure

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
)

// AppendLog is an append-only JSON-lines file that survives being killed
// mid-write: whole lines are written with a single write call, and a torn
// final line is cut off when the file is reopened.
type AppendLog struct {
	mu   sync.Mutex
	path string
	f    *os.File
}

// OpenAppendLog opens (creating) path, calls visit for each complete line in
// order (1-based line numbers), truncates a torn final line, and positions
// for appending. A complete line that visit rejects is an error naming the
// file and line: corruption is never silently dropped.
func OpenAppendLog(path string, visit func(line []byte, n int) error) (*AppendLog, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	good, err := ScanLines(f, path, visit)
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: dropping torn last line: %w", path, err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return &AppendLog{path: path, f: f}, nil
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

package task

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors wrapped by RecordError; test for them with errors.Is.
var (
	// ErrEmptyPrompt: a record's prompt is empty or only white space.
	ErrEmptyPrompt = errors.New("empty prompt")
	// ErrDuplicateID: two records map to the same task ID.
	ErrDuplicateID = errors.New("duplicate id")
	// ErrUnknownOrigin: a task names an origin that is not one of Origins().
	ErrUnknownOrigin = errors.New("unknown origin")
	// ErrMissingField: a record lacks a field its format requires.
	ErrMissingField = errors.New("missing field")
	// ErrNoUserTurn: a WildChat conversation has no turn with role "user".
	ErrNoUserTurn = errors.New("no user turn")
	// ErrBadID: a task ID is empty or does not start with "<origin>_".
	ErrBadID = errors.New("bad id")
)

// RecordError is the error every loader returns for bad input. It names the
// file and, where the problem is in one record, the record: Unit is "line"
// (JSONL and CSV, 1-based line of the file), "index" (0-based element of a
// JSON array or a []Task), or "row" (0-based parquet row); N is its number.
// Unit is empty when the problem concerns the whole file; File is empty when
// the tasks did not come from a file (Validate, WriteJSONL).
//
// Its message reads "task: wildchat.jsonl line 212: no user turn".
type RecordError struct {
	File string
	Unit string
	N    int
	Err  error
}

func (e *RecordError) Error() string {
	var b strings.Builder
	b.WriteString("task: ")
	b.WriteString(e.File)
	if e.Unit != "" {
		if e.File != "" {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s %d", e.Unit, e.N)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *RecordError) Unwrap() error { return e.Err }

// where locates a record for error messages.
type where struct {
	file string
	unit string
	n    int
}

func (w where) String() string {
	if w.unit == "" {
		return w.file
	}
	return fmt.Sprintf("%s %d", w.unit, w.n)
}

func (w where) err(err error) error {
	return &RecordError{File: w.file, Unit: w.unit, N: w.n, Err: err}
}

func (w where) errf(format string, args ...any) error {
	return w.err(fmt.Errorf(format, args...))
}

func fileErr(file string, err error) error {
	return &RecordError{File: file, Err: err}
}

func missing(field string) error {
	return fmt.Errorf("%w %q", ErrMissingField, field)
}

// idSet detects duplicate IDs and names where the first one was seen.
type idSet map[string]where

func (s idSet) add(id string, at where) error {
	if first, ok := s[id]; ok {
		return at.errf("%w %q (first at %s)", ErrDuplicateID, id, first)
	}
	s[id] = at
	return nil
}

// checkPrompt returns ErrEmptyPrompt if p is empty or white space.
func checkPrompt(p string) error {
	if strings.TrimSpace(p) == "" {
		return ErrEmptyPrompt
	}
	return nil
}

// sanitizeID maps a source identifier to the characters allowed in task IDs
// (ASCII letters, digits, '-', '.', '_'); every other rune becomes '_'.
func sanitizeID(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '-', r == '.', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

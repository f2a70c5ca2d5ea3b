package task

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// LoadJSONL reads a file in the project's task format: one JSON object
// {"id", "origin", "prompt", "meta"} per line, as WriteJSONL writes it.
// Blank lines are skipped; unknown keys, trailing data on a line, duplicate
// IDs, empty prompts, unknown origins and IDs that do not start with
// "<origin>_" are errors naming the line.
func LoadJSONL(path string) ([]Task, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("task: %w", err)
	}
	defer f.Close()
	return ReadJSONL(f, path)
}

// ReadJSONL is LoadJSONL on a reader; name stands for the file in errors.
func ReadJSONL(r io.Reader, name string) ([]Task, error) {
	var tasks []Task
	seen := idSet{}
	err := eachLine(r, name, func(line []byte, at where) error {
		t, err := decodeTaskLine(line)
		if err != nil {
			return at.err(err)
		}
		if err := checkTask(t, at, seen); err != nil {
			return err
		}
		tasks = append(tasks, t)
		return nil
	})
	return tasks, err
}

func decodeTaskLine(line []byte) (Task, error) {
	var t Task
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return t, fmt.Errorf("bad JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return t, errors.New("bad JSON: trailing data after the object")
	}
	return t, nil
}

// checkTask applies the project's rules to one task: known origin, ID of
// the form "<origin>_<something>", non-empty prompt, ID not seen before.
func checkTask(t Task, at where, seen idSet) error {
	if !KnownOrigin(t.Origin) {
		if t.Origin == "" {
			return at.err(missing("origin"))
		}
		return at.errf("%w %q", ErrUnknownOrigin, t.Origin)
	}
	if t.ID == "" {
		return at.err(missing("id"))
	}
	if prefix := t.Origin + "_"; !strings.HasPrefix(t.ID, prefix) || len(t.ID) == len(prefix) {
		return at.errf("%w %q: want %q followed by a source id", ErrBadID, t.ID, prefix)
	}
	if err := checkPrompt(t.Prompt); err != nil {
		return at.errf("%s: %w", t.ID, err)
	}
	return seen.add(t.ID, at)
}

// Validate checks tasks against the rules LoadJSONL applies (unique IDs,
// non-empty prompts, known origins, "<origin>_" ID prefix); the error names
// the index of the first bad task.
func Validate(tasks []Task) error {
	seen := make(idSet, len(tasks))
	for i, t := range tasks {
		if err := checkTask(t, where{unit: "index", n: i}, seen); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSONL validates tasks and writes them to w in the project's format,
// one JSON object per line, in the order given. Nothing is written if
// validation fails.
func WriteJSONL(w io.Writer, tasks []Task) error {
	if err := Validate(tasks); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i, t := range tasks {
		if err := enc.Encode(t); err != nil {
			return fmt.Errorf("task: write index %d (%s): %w", i, t.ID, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("task: write: %w", err)
	}
	return nil
}

// eachLine calls fn with every non-blank line of r (without its line end)
// and its 1-based line number. Lines may be of any length. A UTF-8 byte
// order mark at the start of the file is dropped.
func eachLine(r io.Reader, name string, fn func(line []byte, at where) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return where{file: name, unit: "line", n: n}.err(err)
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		if len(bytes.TrimSpace(line)) > 0 {
			line = bytes.TrimRight(line, "\r\n")
			if ferr := fn(line, where{file: name, unit: "line", n: n}); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

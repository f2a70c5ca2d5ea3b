package task

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// mathRecord is one MATH problem. Hendrycks' files carry problem, level
// ("Level 3"), type ("Algebra") and solution; the JSONL re-releases (such
// as MATH-500) carry subject instead of type, an integer level and a
// unique_id ("test/algebra/1.json"). Solutions are not part of a task.
type mathRecord struct {
	Problem  *string         `json:"problem"`
	Level    json.RawMessage `json:"level"`
	Type     *string         `json:"type"`
	Subject  *string         `json:"subject"`
	UniqueID *string         `json:"unique_id"`
	Meta     sourceMeta      `json:"meta"`
}

// LoadMathDir reads the MATH dataset (Hendrycks et al. 2021) in its
// released layout: root/<subject>/<n>.json, one problem per file, root
// being a split directory such as MATH/test. Each file becomes the task
// "math_<subject>_<n>" with Meta "subject", "level" and "type" (the last
// two as written in the file, when present). Tasks come out sorted by
// subject, then by n (numerically where n is a number).
//
// Only directories directly under root and .json files directly inside
// them are read; hidden entries and anything else are ignored. A file
// without a "problem", or with an empty one, is an error naming the file.
func LoadMathDir(root string) ([]Task, error) {
	subjects, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("task: MATH: %w", err)
	}
	var tasks []Task
	seen := idSet{}
	for _, s := range subjects {
		if !s.IsDir() || strings.HasPrefix(s.Name(), ".") {
			continue
		}
		dir := filepath.Join(root, s.Name())
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("task: MATH: %w", err)
		}
		var stems []string
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") {
				continue
			}
			stems = append(stems, strings.TrimSuffix(name, ".json"))
		}
		slices.SortFunc(stems, compareStems)
		for _, stem := range stems {
			path := filepath.Join(dir, stem+".json")
			t, err := readMathFile(path, s.Name(), stem)
			if err != nil {
				return nil, err
			}
			if err := seen.add(t.ID, where{file: path}); err != nil {
				return nil, err
			}
			tasks = append(tasks, t)
		}
	}
	if len(tasks) == 0 {
		return nil, fileErr(root, errors.New("no <subject>/<n>.json files (point at a split directory such as MATH/test)"))
	}
	return tasks, nil
}

// compareStems orders file stems numerically when both are integers and as
// strings otherwise, so 2.json comes before 10.json.
func compareStems(a, b string) int {
	na, errA := strconv.Atoi(a)
	nb, errB := strconv.Atoi(b)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(na, nb)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

func readMathFile(path, subject, stem string) (Task, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Task{}, fmt.Errorf("task: MATH: %w", err)
	}
	var rec mathRecord
	if err := decodeOne(b, &rec); err != nil {
		return Task{}, fileErr(path, err)
	}
	t, err := rec.task("math_" + sanitizeID(subject) + "_" + sanitizeID(stem))
	if err != nil {
		return Task{}, fileErr(path, err)
	}
	t.Meta["subject"] = subject
	return t, nil
}

// LoadMathJSONL reads MATH problems stored one JSON object per line, with
// the fields problem, level, type (or subject) and optionally unique_id.
// The task ID is "math_" followed by the unique_id with a trailing ".json"
// removed and other characters than letters, digits, '-', '.' and '_'
// replaced by '_' ("test/algebra/1.json" gives "math_test_algebra_1"); a
// line without unique_id gets "math_<line-1>", its 0-based line index.
// Meta holds "level" (an integer level 3 is written "Level 3", as in the
// directory release), "type" and "subject" where present. Blank lines are
// skipped; errors name the line.
func LoadMathJSONL(path string) ([]Task, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("task: %w", err)
	}
	defer f.Close()
	return readMathJSONL(f, path)
}

func readMathJSONL(r io.Reader, name string) ([]Task, error) {
	var tasks []Task
	seen := idSet{}
	err := eachLine(r, name, func(line []byte, at where) error {
		var rec mathRecord
		if err := decodeOne(line, &rec); err != nil {
			return at.err(err)
		}
		id := "math_" + strconv.Itoa(at.n-1)
		if rec.UniqueID != nil {
			u := sanitizeID(strings.TrimSuffix(*rec.UniqueID, ".json"))
			if u == "" {
				return at.errf("%w: empty unique_id", ErrBadID)
			}
			id = "math_" + u
		}
		t, err := rec.task(id)
		if err != nil {
			return at.err(err)
		}
		if rec.Subject != nil && *rec.Subject != "" {
			t.Meta["subject"] = *rec.Subject
		}
		if err := seen.add(t.ID, at); err != nil {
			return err
		}
		tasks = append(tasks, t)
		return nil
	})
	return tasks, err
}

func (rec *mathRecord) task(id string) (Task, error) {
	if rec.Problem == nil {
		return Task{}, missing("problem")
	}
	if err := checkPrompt(*rec.Problem); err != nil {
		return Task{}, fmt.Errorf("problem: %w", err)
	}
	t := Task{ID: id, Origin: OriginMath, Prompt: *rec.Problem, Meta: map[string]string{}}
	level, err := mathLevel(rec.Level)
	if err != nil {
		return Task{}, err
	}
	if level != "" {
		t.Meta["level"] = level
	}
	if rec.Type != nil && *rec.Type != "" {
		t.Meta["type"] = *rec.Type
	}
	if err := rec.Meta.mergeInto(t.Meta); err != nil {
		return Task{}, err
	}
	return t, nil
}

// mathLevel returns a level as written ("Level 3", "Level ?"), an integer
// level n as "Level n", and "" when absent or null.
func mathLevel(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var n int
	if err := json.Unmarshal(raw, &n); err == nil {
		return "Level " + strconv.Itoa(n), nil
	}
	return "", fmt.Errorf("level: want a string or an integer, got %s", raw)
}

// decodeOne decodes exactly one JSON value from b into v.
func decodeOne(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("bad JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("bad JSON: trailing data after the object")
	}
	return nil
}

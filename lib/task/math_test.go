package task

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// writeTree writes files (relative path -> content) under a fresh root.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, content := range files {
		path := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// mathFile is one problem in the hendrycks release format.
func mathFile(problem, level, typ string) string {
	return `{"problem": "` + problem + `", "level": "` + level + `", "type": "` + typ + `", "solution": "It is $\\boxed{4}$."}`
}

func TestLoadMathDir(t *testing.T) {
	root := writeTree(t, map[string]string{
		"algebra/10.json":                 mathFile("Solve $x+1=11$.", "Level 1", "Algebra"),
		"algebra/2.json":                  mathFile("Solve $x+1=3$.", "Level 2", "Algebra"),
		"algebra/1.json":                  mathFile("Solve $x+1=2$.", "Level 1", "Algebra"),
		"algebra/.2.json":                 "not read: hidden",
		"algebra/notes.txt":               "not read: not .json",
		"counting_and_probability/5.json": mathFile("How many?", "Level ?", "Counting & Probability"),
		"README.md":                       "not read: not in a subject directory",
	})
	got, err := LoadMathDir(root)
	if err != nil {
		t.Fatal(err)
	}
	// Sorted by subject, then numerically by file stem (2 before 10).
	wantIDs := []string{"math_algebra_1", "math_algebra_2", "math_algebra_10", "math_counting_and_probability_5"}
	if !reflect.DeepEqual(ids(got), wantIDs) {
		t.Errorf("IDs %v, want %v", ids(got), wantIDs)
	}
	want := Task{ID: "math_counting_and_probability_5", Origin: OriginMath, Prompt: "How many?",
		Meta: map[string]string{"subject": "counting_and_probability", "level": "Level ?", "type": "Counting & Probability"}}
	if !reflect.DeepEqual(got[3], want) {
		t.Errorf("task %+v, want %+v", got[3], want)
	}
}

func TestLoadMathDirErrors(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		err   wantErr
	}{
		{"bad JSON", map[string]string{"algebra/1.json": mathFile("ok", "Level 1", "Algebra"), "algebra/2.json": `{"problem": "x"`},
			wantErr{file: filepath.Join("algebra", "2.json"), has: []string{"bad JSON"}}},
		{"missing problem", map[string]string{"geometry/3.json": `{"level": "Level 1", "type": "Geometry"}`},
			wantErr{file: filepath.Join("geometry", "3.json"), is: ErrMissingField, has: []string{`"problem"`}}},
		{"empty problem", map[string]string{"geometry/3.json": mathFile("  ", "Level 1", "Geometry")},
			wantErr{file: filepath.Join("geometry", "3.json"), is: ErrEmptyPrompt}},
		{"level of the wrong type", map[string]string{"geometry/3.json": `{"problem": "p", "level": [1]}`},
			wantErr{file: filepath.Join("geometry", "3.json"), has: []string{"level"}}},
		{"IDs collide after sanitising", map[string]string{"algebra/a b.json": mathFile("p", "Level 1", "Algebra"), "algebra/a_b.json": mathFile("q", "Level 1", "Algebra")},
			wantErr{file: filepath.Join("algebra", "a_b.json"), is: ErrDuplicateID, has: []string{"math_algebra_a_b"}}},
		{"split root instead of split", map[string]string{"test/algebra/1.json": mathFile("p", "Level 1", "Algebra")},
			wantErr{file: "", has: []string{"no <subject>/<n>.json files"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := writeTree(t, c.files)
			_, err := LoadMathDir(root)
			if c.err.file == "" {
				c.err.file = root
			}
			c.err.check(t, err)
		})
	}
}

func TestLoadMathJSONL(t *testing.T) {
	// The first two lines follow MATH-500 (subject, integer level,
	// unique_id); the third has no unique_id, so its ID is its 0-based
	// line index.
	content := `{"problem": "Compute $1+1$.", "solution": "2", "answer": "2", "subject": "Prealgebra", "level": 1, "unique_id": "test/prealgebra/1.json"}
{"problem": "Find $x$.", "level": "Level 5", "type": "Algebra", "unique_id": "train/algebra/12.json"}
{"problem": "Count them.", "level": "Level 2", "type": "Counting & Probability"}
`
	path := writeFile(t, "math.jsonl", content)
	got, err := LoadMathJSONL(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Task{
		{ID: "math_test_prealgebra_1", Origin: OriginMath, Prompt: "Compute $1+1$.", Meta: map[string]string{"level": "Level 1", "subject": "Prealgebra"}},
		{ID: "math_train_algebra_12", Origin: OriginMath, Prompt: "Find $x$.", Meta: map[string]string{"level": "Level 5", "type": "Algebra"}},
		{ID: "math_2", Origin: OriginMath, Prompt: "Count them.", Meta: map[string]string{"level": "Level 2", "type": "Counting & Probability"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestLoadMathJSONLErrors(t *testing.T) {
	const ok = `{"problem": "p", "level": "Level 1", "type": "Algebra"}` + "\n"
	cases := []struct {
		name    string
		content string
		err     wantErr
	}{
		{"bad JSON line", ok + "{\"problem\": \n", wantErr{file: "math.jsonl", record: "line 2", has: []string{"bad JSON"}}},
		{"missing problem", ok + ok + `{"level": "Level 1", "type": "Algebra"}`, wantErr{file: "math.jsonl", record: "line 3", is: ErrMissingField, has: []string{`"problem"`}}},
		{"empty problem", `{"problem": ""}`, wantErr{file: "math.jsonl", record: "line 1", is: ErrEmptyPrompt}},
		{"duplicate unique_id", `{"problem": "p", "unique_id": "a/1.json"}` + "\n" + `{"problem": "q", "unique_id": "a/1.json"}`,
			wantErr{file: "math.jsonl", record: "line 2", is: ErrDuplicateID, has: []string{"math_a_1", "first at line 1"}}},
		{"empty unique_id", `{"problem": "p", "unique_id": ""}`, wantErr{file: "math.jsonl", record: "line 1", is: ErrBadID}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadMathJSONL(writeFile(t, "math.jsonl", c.content))
			c.err.check(t, err)
		})
	}
}

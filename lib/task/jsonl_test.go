package task

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestLoadJSONL(t *testing.T) {
	const good = `{"id":"math_1","origin":"math","prompt":"What is 2+2?","meta":{"level":"Level 1"}}` + "\n" +
		`{"id":"alpaca_7","origin":"alpaca","prompt":"Write a haiku."}` + "\n"
	cases := []struct {
		name    string
		content string
		want    []Task
		err     *wantErr
	}{
		{
			name:    "two tasks",
			content: good,
			want: []Task{
				{ID: "math_1", Origin: "math", Prompt: "What is 2+2?", Meta: map[string]string{"level": "Level 1"}},
				{ID: "alpaca_7", Origin: "alpaca", Prompt: "Write a haiku."},
			},
		},
		{
			name:    "BOM, CRLF, blank lines and no final newline",
			content: "\uFEFF" + `{"id":"math_1","origin":"math","prompt":"p"}` + "\r\n\r\n  \n" + `{"id":"math_2","origin":"math","prompt":"q"}`,
			want: []Task{
				{ID: "math_1", Origin: "math", Prompt: "p"},
				{ID: "math_2", Origin: "math", Prompt: "q"},
			},
		},
		{name: "empty file", content: "", want: nil},
		{
			name:    "bad JSON line",
			content: good + `{"id":"math_3","origin":"math","prompt":` + "\n",
			err:     &wantErr{file: "tasks.jsonl", record: "line 3", has: []string{"bad JSON"}},
		},
		{
			name:    "line is an array",
			content: `["math_1"]` + "\n",
			err:     &wantErr{file: "tasks.jsonl", record: "line 1", has: []string{"bad JSON"}},
		},
		{
			name:    "unknown key",
			content: `{"id":"math_1","origin":"math","promt":"p"}`,
			err:     &wantErr{file: "tasks.jsonl", record: "line 1", has: []string{"promt"}},
		},
		{
			name:    "trailing data",
			content: `{"id":"math_1","origin":"math","prompt":"p"} {}`,
			err:     &wantErr{file: "tasks.jsonl", record: "line 1", has: []string{"trailing data"}},
		},
		{
			name:    "missing origin",
			content: `{"id":"math_1","prompt":"p"}`,
			err:     &wantErr{file: "tasks.jsonl", record: "line 1", is: ErrMissingField, has: []string{`"origin"`}},
		},
		{
			name:    "unknown origin",
			content: good + `{"id":"gsm8k_1","origin":"gsm8k","prompt":"p"}`,
			err:     &wantErr{file: "tasks.jsonl", record: "line 3", is: ErrUnknownOrigin, has: []string{"gsm8k"}},
		},
		{
			name:    "missing id",
			content: `{"origin":"math","prompt":"p"}`,
			err:     &wantErr{file: "tasks.jsonl", record: "line 1", is: ErrMissingField, has: []string{`"id"`}},
		},
		{
			name:    "id without origin prefix",
			content: `{"id":"alpaca_1","origin":"math","prompt":"p"}`,
			err:     &wantErr{file: "tasks.jsonl", record: "line 1", is: ErrBadID, has: []string{`"math_"`}},
		},
		{
			name:    "id is only the prefix",
			content: `{"id":"math_","origin":"math","prompt":"p"}`,
			err:     &wantErr{file: "tasks.jsonl", record: "line 1", is: ErrBadID},
		},
		{
			name:    "empty prompt",
			content: good + `{"id":"math_9","origin":"math","prompt":" \n\t"}`,
			err:     &wantErr{file: "tasks.jsonl", record: "line 3", is: ErrEmptyPrompt, has: []string{"math_9"}},
		},
		{
			name:    "missing prompt",
			content: `{"id":"math_9","origin":"math"}`,
			err:     &wantErr{file: "tasks.jsonl", record: "line 1", is: ErrEmptyPrompt},
		},
		{
			name:    "duplicate id",
			content: good + "\n" + `{"id":"math_1","origin":"math","prompt":"again"}`,
			err:     &wantErr{file: "tasks.jsonl", record: "line 4", is: ErrDuplicateID, has: []string{`"math_1"`, "first at line 1"}},
		},
		{
			name:    "meta values must be strings",
			content: `{"id":"math_1","origin":"math","prompt":"p","meta":{"level":3}}`,
			err:     &wantErr{file: "tasks.jsonl", record: "line 1", has: []string{"bad JSON"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, "tasks.jsonl", c.content)
			got, err := LoadJSONL(path)
			if c.err != nil {
				c.err.check(t, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestLoadJSONLMissingFile(t *testing.T) {
	_, err := LoadJSONL("no/such/tasks.jsonl")
	if err == nil || !strings.Contains(err.Error(), "no/such/tasks.jsonl") {
		t.Errorf("got %v, want an error naming the path", err)
	}
}

func TestWriteJSONLRoundTrip(t *testing.T) {
	tasks := []Task{
		{ID: "wildchat_ab12", Origin: OriginWildChat, Prompt: "Explain <b>bold</b> & \"quotes\"\nin HTML.", Meta: map[string]string{"language": "English"}},
		{ID: "bailbench_0", Origin: OriginBailBench, Prompt: "unicode: héllo ✓", Meta: map[string]string{"category": "c", "subcategory": "s"}},
		{ID: "math_algebra_1", Origin: OriginMath, Prompt: "$x^2$"},
	}
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, tasks); err != nil {
		t.Fatal(err)
	}
	// One line per task, HTML characters left as they are.
	if n := strings.Count(buf.String(), "\n"); n != len(tasks) {
		t.Errorf("wrote %d lines, want %d", n, len(tasks))
	}
	if !strings.Contains(buf.String(), "<b>bold</b> &") {
		t.Errorf("HTML characters were escaped: %s", buf.String())
	}
	got, err := ReadJSONL(&buf, "round-trip")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, tasks) {
		t.Errorf("round trip changed the tasks:\ngot  %+v\nwant %+v", got, tasks)
	}
}

func TestWriteJSONLValidates(t *testing.T) {
	cases := []struct {
		name  string
		tasks []Task
		is    error
		index string
	}{
		{"duplicate id", []Task{{ID: "math_1", Origin: "math", Prompt: "a"}, {ID: "math_1", Origin: "math", Prompt: "b"}}, ErrDuplicateID, "index 1"},
		{"empty prompt", []Task{{ID: "math_1", Origin: "math", Prompt: ""}}, ErrEmptyPrompt, "index 0"},
		{"unknown origin", []Task{{ID: "x_1", Origin: "x", Prompt: "a"}}, ErrUnknownOrigin, "index 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteJSONL(&buf, c.tasks)
			if !errors.Is(err, c.is) || !strings.Contains(err.Error(), "task: "+c.index+":") {
				t.Errorf("got %v, want %v at %s", err, c.is, c.index)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %q despite the error", buf.String())
			}
			if err := Validate(c.tasks); !errors.Is(err, c.is) {
				t.Errorf("Validate: got %v, want %v", err, c.is)
			}
		})
	}
	if err := Validate(nil); err != nil {
		t.Errorf("Validate(nil) = %v, want nil", err)
	}
}

package task

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// wcTopicRow is a WildChat row with a topic column, as a researcher's
// labelled copy of the release has it.
type wcTopicRow struct {
	ConversationHash string   `parquet:"conversation_hash"`
	Conversation     []wcTurn `parquet:"conversation,list"`
	Language         string   `parquet:"language"`
	Toxic            bool     `parquet:"toxic"`
	Topic            string   `parquet:"topic"`
}

// WildChat keeps its topic (parquet column or JSONL field) and a JSONL
// "meta" object in Task.Meta; MATH JSONL keeps its "meta" object too.
func TestSourcesKeepTopicAndMeta(t *testing.T) {
	user := []wcTurn{{Role: "user", Content: "write a haiku"}}
	pq := writeParquet(t, "topics.parquet", []wcTopicRow{
		{ConversationHash: "h1", Conversation: user, Language: "English", Topic: "poetry"},
		{ConversationHash: "h2", Conversation: user, Language: "English", Topic: "coding"},
	})
	tasks, _, err := LoadWildChatParquet(pq, WildChatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 2 || tasks[0].Meta["topic"] != "poetry" || tasks[1].Meta["topic"] != "coding" {
		t.Fatalf("parquet topics: %+v", tasks)
	}

	jl := writeFile(t, "wc.jsonl", `{"conversation_hash": "a1", "conversation": [{"role": "user", "content": "hi"}], "language": "English", "toxic": false, "topic": "greeting", "meta": {"split": "heldout", "score": 0.5, "tags": ["x"], "none": null, "language": "ignored"}}
`)
	tasks, _, err = LoadWildChatJSONL(jl, WildChatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"language": "English", "toxic": "false", "topic": "greeting", "split": "heldout", "score": "0.5", "tags": `["x"]`}
	if len(tasks) != 1 || !reflect.DeepEqual(tasks[0].Meta, want) {
		t.Fatalf("JSONL meta %v, want %v", tasks[0].Meta, want)
	}

	mj := writeFile(t, "math.jsonl", `{"problem": "1+1?", "level": 1, "subject": "Algebra", "unique_id": "test/algebra/1.json", "meta": {"topic": "arithmetic"}}
`)
	mt, err := LoadMathJSONL(mj)
	if err != nil {
		t.Fatal(err)
	}
	if mt[0].Meta["topic"] != "arithmetic" || mt[0].Meta["subject"] != "Algebra" {
		t.Fatalf("MATH meta %v", mt[0].Meta)
	}
	bad := writeFile(t, "bad.jsonl", `{"problem": "1+1?", "meta": {"": "x"}}
`)
	if _, err := LoadMathJSONL(bad); err == nil || !strings.Contains(err.Error(), "line 1") || !strings.Contains(err.Error(), "empty key") {
		t.Errorf("meta with an empty key: %v", err)
	}
}

// sparse makes a file of n bytes that takes no disk space: the size checks
// must refuse it from its size alone, before reading a byte of it.
func sparse(t *testing.T, dir, name string, n int64) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(n); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// Sources over the size limits are refused up front, naming the source or
// the total and the limit: no loader reads them (a read would fail on the
// files' NUL bytes with a JSON error instead, after reading them whole).
func TestSourceSizeLimits(t *testing.T) {
	dir := t.TempDir()
	one := sparse(t, dir, "huge.jsonl", MaxSourceBytes+1)
	_, err := Load(Source{Path: one})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "huge.jsonl") || !strings.Contains(err.Error(), "256.0 MiB") {
		t.Errorf("one source over the limit: %v", err)
	}
	var srcs []Source
	for _, name := range []string{"a.jsonl", "b.jsonl", "c.jsonl"} {
		srcs = append(srcs, Source{Origin: OriginWildChat, Path: sparse(t, dir, name, 200<<20)})
	}
	_, err = LoadAll(srcs)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "3 sources total 600.0 MiB") {
		t.Errorf("sources over the total: %v", err)
	}
	// A MATH directory counts its files.
	mdir := filepath.Join(dir, "MATH", "test", "algebra")
	if err := os.MkdirAll(mdir, 0o755); err != nil {
		t.Fatal(err)
	}
	sparse(t, mdir, "1.json", MaxSourceBytes/2)
	sparse(t, mdir, "2.json", MaxSourceBytes/2+1)
	if _, err := Load(Source{Origin: OriginMath, Path: filepath.Join(dir, "MATH", "test")}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MATH directory over the limit: %v", err)
	}
	// Under the limits, sources load as before.
	small := writeFile(t, "ok.jsonl", `{"id": "math_1", "origin": "math", "prompt": "p"}`+"\n")
	if tasks, err := LoadAll([]Source{{Path: small}, {Format: FormatDefault}}); err != nil || len(tasks) < 2 {
		t.Errorf("small sources: %d tasks, %v", len(tasks), err)
	}
}

package task

import (
	"bytes"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The fuzz targets check that no input makes a loader panic, that every
// error is a *RecordError, and that whatever loads satisfies the loader's
// contract.

func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte(`{"id":"math_1","origin":"math","prompt":"p","meta":{"level":"Level 1"}}` + "\n"))
	f.Add([]byte("\uFEFF" + `{"id":"alpaca_0","origin":"alpaca","prompt":"x"}` + "\r\n\n" + `{"id":"alpaca_1","origin":"alpaca","prompt":"y","meta":{}}`))
	f.Add([]byte(`{"id":"math_1","origin":"math","prompt":"p"}` + "\n" + `{"id":"math_1","origin":"math","prompt":"p"}`))
	f.Add([]byte(`{"id":"x","origin":"math","prompt":""} []`))
	f.Add([]byte("\x00\xff{"))
	f.Fuzz(func(t *testing.T, in []byte) {
		tasks, err := ReadJSONL(bytes.NewReader(in), "fuzz.jsonl")
		if err != nil {
			var re *RecordError
			if !errors.As(err, &re) || !strings.HasPrefix(err.Error(), "task: fuzz.jsonl") {
				t.Fatalf("error %q (%T) is not a RecordError naming the file", err, err)
			}
			return
		}
		if err := Validate(tasks); err != nil {
			t.Fatalf("loaded tasks fail Validate: %v", err)
		}
		var buf bytes.Buffer
		if err := WriteJSONL(&buf, tasks); err != nil {
			t.Fatalf("WriteJSONL: %v", err)
		}
		again, err := ReadJSONL(&buf, "again.jsonl")
		if err != nil {
			t.Fatalf("reading back what WriteJSONL wrote: %v", err)
		}
		if len(again) != len(tasks) {
			t.Fatalf("round trip: %d tasks, want %d", len(again), len(tasks))
		}
		for i := range tasks {
			// An empty meta object is written as no meta at all.
			a, b := tasks[i], again[i]
			if len(a.Meta) == 0 && len(b.Meta) == 0 {
				a.Meta, b.Meta = nil, nil
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("round trip changed task %d: %+v -> %+v", i, a, b)
			}
		}
	})
}

func FuzzReadBailBench(f *testing.F) {
	f.Add([]byte("content,subcategory,category\nInsult me.,Insults,Abuse\n\"two\nlines\",a,b\n"))
	f.Add([]byte("\uFEFFcategory,id,Content ,subcategory\nc,1,x,s\n"))
	f.Add([]byte("content,subcategory,category\n\"\",a,b\n"))
	f.Add([]byte("content,content\n"))
	f.Add([]byte("content,subcategory,category\na,b\n\"x\"y,z,w\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		tasks, err := readBailBench(bytes.NewReader(in), "fuzz.csv")
		if err != nil {
			var re *RecordError
			if !errors.As(err, &re) || !strings.HasPrefix(err.Error(), "task: fuzz.csv") {
				t.Fatalf("error %q (%T) is not a RecordError naming the file", err, err)
			}
			return
		}
		for i, task := range tasks {
			if task.ID != "bailbench_"+strconv.Itoa(i) || task.Origin != OriginBailBench {
				t.Fatalf("task %d: ID %q origin %q", i, task.ID, task.Origin)
			}
		}
		if err := Validate(tasks); err != nil {
			t.Fatalf("loaded tasks fail Validate: %v", err)
		}
	})
}

func FuzzReadWildChatJSONL(f *testing.F) {
	f.Add([]byte(`{"conversation_hash":"a","language":"English","toxic":false,"conversation":[{"role":"user","content":"hi"}]}`), false)
	f.Add([]byte(`{"conversation_hash":"a","language":"French","toxic":true,"conversation":[{"role":"assistant","content":"x"},{"role":"user","content":""}]}`+"\n"+`{"conversation_hash":"a/b","conversation":null}`), true)
	f.Fuzz(func(t *testing.T, in []byte, skipEmpty bool) {
		opts := WildChatOptions{SkipEmpty: skipEmpty}
		tasks, stats, err := readWildChatJSONL(bytes.NewReader(in), "fuzz.jsonl", opts)
		if err != nil {
			var re *RecordError
			if !errors.As(err, &re) || !strings.HasPrefix(err.Error(), "task: fuzz.jsonl line ") {
				t.Fatalf("error %q (%T) is not a RecordError naming the line", err, err)
			}
			return
		}
		if stats.Tasks != len(tasks) || stats.Records != stats.Tasks+stats.OtherLanguage+stats.Toxic+stats.Empty {
			t.Fatalf("stats %+v do not add up for %d tasks", stats, len(tasks))
		}
		if err := Validate(tasks); err != nil {
			t.Fatalf("loaded tasks fail Validate: %v", err)
		}
	})
}

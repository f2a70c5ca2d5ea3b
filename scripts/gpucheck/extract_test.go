package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// The GPU extraction benchmark runs end to end on the CPU go backend with a
// tiny random checkpoint: conversations written, extracted in batches into
// a store, one EXTRACT line with every conversation.
func TestExtractEndToEndOnCPU(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	dir := t.TempDir()
	ckpt := tinyCheckpoint(t)
	convsPath := filepath.Join(dir, "convs.jsonl")
	var out bytes.Buffer
	if err := run([]string{"convs", "-n", "24", "-scale", "20", "-out", convsPath}, &out); err != nil {
		t.Fatal(err)
	}
	cs, err := readConvs(convsPath)
	if err != nil || len(cs) != 24 {
		t.Fatalf("%d conversations, %v", len(cs), err)
	}
	for _, c := range cs {
		if !(c.UserEnd < c.PromptLast && c.PromptLast < c.MeanStart && c.MeanStart < c.MeanEnd && c.MeanEnd == c.EndOfTurn && c.EndOfTurn == len(c.IDs)-1) {
			t.Fatalf("positions out of order: %+v", c)
		}
	}
	out.Reset()
	if err := run([]string{"extract", "-dir", ckpt, "-convs", convsPath, "-layers", "1,2", "-max-batch-tokens", "512", "-shard", "10"}, &out); err != nil {
		t.Fatal(err)
	}
	line := out.String()
	if !strings.HasPrefix(line, "EXTRACT ") {
		t.Fatalf("output %q", line)
	}
	var res struct {
		Conversations, Tokens, Graphs int
		TokS                          float64 `json:"tok_s"`
		MFU                           float64 `json:"mfu"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "EXTRACT ")), &res); err != nil {
		t.Fatal(err)
	}
	if res.Conversations != 24 || res.Tokens == 0 || res.Graphs == 0 || res.TokS <= 0 || res.MFU <= 0 {
		t.Errorf("result %+v", res)
	}
}

package llama

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/tokenizer"
)

// TestOpenWithLlamaTokenizer opens a random model with Llama-3.1's real
// vocabulary (128256 tokens, tied embeddings to keep the file at 33 MB) next
// to the real tokenizer.json and tokenizer_config.json, and runs Chat and
// Activations end to end through lib/tokenizer.
func TestOpenWithLlamaTokenizer(t *testing.T) {
	src := filepath.Join("..", "..", "..", ".cache", "npm", "node_modules", "@lenml", "tokenizer-llama3_1", "models")
	if _, err := os.Stat(filepath.Join(src, "tokenizer.json")); err != nil {
		t.Skip("Llama tokenizer files absent: run scripts/fetch-tokenizer.sh")
	}
	if testing.Short() {
		t.Skip("writes a 33 MB checkpoint")
	}
	dir := t.TempDir()
	cfg := tinyConfig("float32")
	cfg["vocab_size"], cfg["tie_word_embeddings"] = 128256, true
	cfg["bos_token_id"], cfg["eos_token_id"] = 128000, []int{128001, 128008, 128009}
	writeCheckpoint(t, dir, cfg, 9)
	for _, f := range []string{"tokenizer.json", "tokenizer_config.json"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	m, err := Open(dir, &Options{Backend: "go", MaxNewTokens: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tok, err := tokenizer.Load(filepath.Join(dir, "tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	msgs := []model.Message{{Role: "user", Content: "Which task do you prefer?"}, {Role: "assistant", Content: "Task A."}}
	text, err := m.tmpl.Render(msgs[:1], nil, true)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := m.encodeChat(msgs[:1], nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if ids[0] != 128000 || ids[1] == 128000 {
		t.Errorf("prompt should start with exactly one <|begin_of_text|>: %v", ids[:3])
	}
	if !strings.HasSuffix(text, "<|start_header_id|>assistant<|end_header_id|>\n\n") {
		t.Errorf("generation prompt missing: %q", text[max(0, len(text)-60):])
	}
	resp, err := m.Chat(context.Background(), model.Request{Messages: msgs[:1], Seed: 1, Temperature: 0.7})
	if err != nil {
		t.Fatal(err)
	}
	if resp.PromptTokens != len(ids) || resp.CompletionTokens > 3 {
		t.Errorf("response %+v: prompt tokens want %d, completion <= 3", resp, len(ids))
	}
	eot, _ := tok.TokenID("<|eot_id|>")
	if !m.stopIDs[eot] {
		t.Errorf("<|eot_id|> (%d) is not a stop token: %v", eot, m.StopTokens())
	}
	var got [][]float32
	for _, pos := range []model.Positions{{Kind: model.PosToken, Token: "<|eot_id|>"}, {Kind: model.PosLast}, {Kind: model.PosAssistantMean}} {
		acts, err := m.Activations(context.Background(), model.ActivationRequest{Messages: msgs, Layers: []int{1, 2}, Positions: pos})
		if err != nil {
			t.Fatalf("%s: %v", pos.Kind, err)
		}
		if len(acts.Vectors) != 2 || len(acts.Vectors[0]) != 1 || len(acts.Vectors[0][0]) != 64 {
			t.Fatalf("%s: vectors shaped %d x %d", pos.Kind, len(acts.Vectors), len(acts.Vectors[0]))
		}
		got = append(got, acts.Vectors[1][0])
	}
	// With the Llama 3 template the conversation ends with <|eot_id|>, so
	// "last" and "token <|eot_id|>" read the same position.
	if !slices.Equal(got[0], got[1]) || slices.Equal(got[1], got[2]) {
		t.Errorf("last should equal the final <|eot_id|> and differ from the assistant mean")
	}
}

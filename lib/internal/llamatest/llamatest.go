// Package llamatest writes tiny random Llama checkpoints with the real
// Llama-3.1 vocabulary and tokenizer for tests that run local weights end
// to end (extraction, the CLI) on the CPU backend.
package llamatest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/prefscope/prefscope/lib/model/llama"
)

// TokenizerDir is where scripts/fetch-tokenizer.sh (make setup) puts the
// Llama-3.1 tokenizer files, found from this file's place in the
// repository so that tests in any package read the same copy.
func TokenizerDir() string {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "..")
	return filepath.Join(root, ".cache", "npm", "node_modules", "@lenml", "tokenizer-llama3_1", "models")
}

// Options vary the checkpoint.
type Options struct {
	// Seed draws the random weights.
	Seed uint64
	// RopeScaling adds Llama 3.1's rope_scaling block to config.json.
	RopeScaling bool
}

// WriteTiny writes a random 2-layer checkpoint (hidden size 16, grouped
// query attention with one key-value head) with the Llama-3.1 vocabulary
// and tokenizer files into dir. It skips the test when the tokenizer has
// not been fetched, naming the script that fetches it.
func WriteTiny(t testing.TB, dir string, o Options) {
	t.Helper()
	cfg := map[string]any{
		"architectures": []string{"LlamaForCausalLM"}, "model_type": "llama",
		"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 2,
		"num_attention_heads": 2, "num_key_value_heads": 1, "rms_norm_eps": 1e-5,
		"rope_theta": 500000.0, "vocab_size": 128256, "tie_word_embeddings": true,
		"bos_token_id": 128000, "eos_token_id": []int{128001, 128008, 128009},
		"max_position_embeddings": 4096, "torch_dtype": "float32",
	}
	if o.RopeScaling {
		cfg["rope_scaling"] = map[string]any{"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 1024}
	}
	if err := llama.WriteRandomCheckpoint(dir, cfg, o.Seed); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"tokenizer.json", "tokenizer_config.json"} {
		b, err := os.ReadFile(filepath.Join(TokenizerDir(), f))
		if err != nil {
			t.Skipf("Llama-3.1 tokenizer not fetched (%v); run scripts/fetch-tokenizer.sh (or make setup)", err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

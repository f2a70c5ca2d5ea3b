package llama

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigFamilies reads the config.json of published Llama-architecture
// checkpoints (testdata/configs, copied from their Hugging Face snapshots):
// every Llama-3.x size, Llama 2, Code Llama, TinyLlama, SmolLM2 and
// Mistral 7B v0.3 load with their values; Mistral 7B v0.1 (a 4,096-token
// sliding window) and Qwen2.5 (another architecture) fail naming the key.
func TestConfigFamilies(t *testing.T) {
	type want struct {
		layers, hidden, heads, kv, headDim, inter, vocab int
		tied                                             bool
		rope                                             string
		factor, theta                                    float64
	}
	cases := []struct {
		file string
		want want
		err  string
	}{
		{"llama-3.2-1b-instruct", want{16, 2048, 32, 8, 64, 8192, 128256, true, "llama3", 32, 500000}, ""},
		{"llama-3.2-3b-instruct", want{28, 3072, 24, 8, 128, 8192, 128256, true, "llama3", 32, 500000}, ""},
		{"llama-3.1-8b-instruct", want{32, 4096, 32, 8, 128, 14336, 128256, false, "llama3", 8, 500000}, ""},
		{"llama-3.3-70b-instruct", want{80, 8192, 64, 8, 128, 28672, 128256, false, "llama3", 8, 500000}, ""},
		{"llama-2-7b-chat", want{32, 4096, 32, 32, 128, 11008, 32000, false, "", 0, 10000}, ""},
		{"codellama-7b-instruct", want{32, 4096, 32, 32, 128, 11008, 32016, false, "", 0, 1e6}, ""},
		{"tinyllama-1.1b-chat-v1.0", want{22, 2048, 32, 4, 64, 5632, 32000, false, "", 0, 10000}, ""},
		{"smollm2-135m-instruct", want{30, 576, 9, 3, 64, 1536, 49152, true, "", 0, 100000}, ""},
		{"mistral-7b-instruct-v0.3", want{32, 4096, 32, 8, 128, 14336, 32768, false, "", 0, 1e6}, ""},
		{"mistral-7b-v0.1", want{}, `key "sliding_window" = 4096 is not supported`},
		{"qwen2.5-7b-instruct", want{}, `key "model_type" = "qwen2" is not supported`},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			cfg, err := LoadConfig(filepath.Join("testdata", "configs", c.file+".json"))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), c.file+".json") {
					t.Fatalf("err = %v, want %q naming the file", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rope, factor := "", 0.0
			if cfg.RopeScaling != nil {
				rope, factor = cfg.RopeScaling.RopeType, cfg.RopeScaling.Factor
			}
			got := want{cfg.NumHiddenLayers, cfg.HiddenSize, cfg.NumAttentionHeads, cfg.NumKeyValueHeads, cfg.HeadDim, cfg.IntermediateSize, cfg.VocabSize, cfg.TieWordEmbeddings, rope, factor, cfg.RopeTheta}
			if got != c.want {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// TestLinearRopeScaling: "linear" divides every inverse frequency by the
// factor (transformers' _compute_linear_scaling_rope_parameters); other
// scalings stay errors naming the key.
func TestLinearRopeScaling(t *testing.T) {
	c := &Config{HiddenSize: 64, NumAttentionHeads: 4, NumHiddenLayers: 1, IntermediateSize: 1, VocabSize: 1, RMSNormEps: 1e-5, RopeTheta: 10000,
		RopeScaling: &RopeScaling{Type: "linear", Factor: 4}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for i, f := range c.InvFreq() {
		if want := math.Pow(10000, -float64(2*i)/16) / 4; math.Abs(f-want) > 1e-15 {
			t.Errorf("inv_freq[%d] = %g, want %g", i, f, want)
		}
	}
	for _, kind := range []string{"dynamic", "yarn", "longrope"} {
		c.RopeScaling = &RopeScaling{RopeType: kind, Factor: 2}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `"rope_scaling.rope_type" = "`+kind+`"`) {
			t.Errorf("%s: err = %v", kind, err)
		}
	}
	c.RopeScaling = &RopeScaling{RopeType: "linear", Factor: 0.5}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "rope_scaling.factor") {
		t.Errorf("linear factor 0.5: err = %v", err)
	}
}

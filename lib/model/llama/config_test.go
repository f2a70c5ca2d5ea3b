package llama

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/safetensors"
)

func TestParseConfig(t *testing.T) {
	base := tinyConfig("float32")
	with := func(k string, v any) map[string]any {
		c := map[string]any{}
		for kk, vv := range base {
			c[kk] = vv
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	cases := []struct {
		name string
		cfg  map[string]any
		want string // error substring; "" = valid
	}{
		{"tiny config", base, ""},
		{"eos as int", with("eos_token_id", 2), ""},
		{"no kv heads means MHA", with("num_key_value_heads", nil), ""},
		{"unknown key", with("num_local_experts", 8), `unknown key "num_local_experts"`},
		{"sliding window shorter than positions", with("sliding_window", 512), `key "sliding_window" = 512 is not supported`},
		{"sliding window no sequence reaches", with("sliding_window", 4096), ""},
		{"another family", with("model_type", "gemma"), `key "model_type" = "gemma"`},
		{"another architecture", with("architectures", []string{"Qwen2ForCausalLM"}), `"architectures" names "Qwen2ForCausalLM"`},
		{"interleaved rope", with("rope_interleaved", true), `"rope_interleaved" = true`},
		{"zero hidden", with("hidden_size", 0), `"hidden_size" must be positive`},
		{"kv heads do not divide", with("num_key_value_heads", 3), `"num_key_value_heads" = 3`},
		{"odd head dim", with("head_dim", 15), `"head_dim" = 15`},
		{"negative eps", with("rms_norm_eps", -1.0), `"rms_norm_eps"`},
		{"eos outside vocab", with("eos_token_id", []int{2, 9999}), `"eos_token_id" value 9999`},
		{"eos wrong type", with("eos_token_id", "x"), `"eos_token_id"`},
		{"hidden not multiple of heads", with("hidden_size", 66), `"hidden_size" = 66`},
		{"bad dtype", with("torch_dtype", "int8"), `"torch_dtype" = "int8"`},
		{"bad activation", with("hidden_act", "gelu"), `"hidden_act"`},
		{"unsupported rope type", with("rope_scaling", map[string]any{"rope_type": "yarn", "factor": 2.0}), `"rope_scaling.rope_type" = "yarn"`},
		{"rope factor below 1", with("rope_scaling", map[string]any{"rope_type": "llama3", "factor": 0.5, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}), `"rope_scaling.factor"`},
		{"rope low >= high", with("rope_scaling", map[string]any{"type": "llama3", "factor": 8.0, "low_freq_factor": 4.0, "high_freq_factor": 1.0, "original_max_position_embeddings": 8192}), "low_freq_factor"},
		{"wrong value type", with("hidden_size", "64"), "hidden_size"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw, _ := json.Marshal(c.cfg)
			_, err := ParseConfig(raw)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to mention %s", err, c.want)
			}
		})
	}
	t.Run("transformers 5 rope_parameters", func(t *testing.T) {
		c := with("rope_scaling", nil)
		delete(c, "rope_theta")
		c["rope_parameters"] = map[string]any{"rope_type": "llama3", "rope_theta": 123.0, "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 32}
		raw, _ := json.Marshal(c)
		cfg, err := ParseConfig(raw)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.RopeTheta != 123 || cfg.RopeScaling == nil || cfg.RopeScaling.Factor != 8 {
			t.Errorf("rope_parameters not read: theta %v scaling %+v", cfg.RopeTheta, cfg.RopeScaling)
		}
	})
}

// TestInvFreq checks llama3 frequency scaling on Llama-3.1-8B's settings
// (head_dim 128, theta 500000, factor 8, low 1, high 4, original 8192)
// against values derived by hand from the formula in transformers'
// _compute_llama3_parameters: the first pair (wavelength 2π < 2048) is kept,
// the last (wavelength > 8192) is divided by 8, and pair 30 lies in the
// smoothed band.
func TestInvFreq(t *testing.T) {
	c := &Config{HiddenSize: 4096, NumAttentionHeads: 32, NumHiddenLayers: 1, IntermediateSize: 1, VocabSize: 1, RMSNormEps: 1e-5,
		RopeTheta: 500000, RopeScaling: &RopeScaling{RopeType: "llama3", Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositionEmbeddings: 8192}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	f := c.InvFreq()
	base := func(i int) float64 { return math.Pow(500000, -float64(2*i)/128) }
	w30 := 2 * math.Pi / base(30)
	s := (8192/w30 - 1) / 3
	cases := []struct {
		i    int
		want float64
	}{
		{0, 1},
		{63, base(63) / 8},
		{30, (1-s)*base(30)/8 + s*base(30)},
	}
	if !(w30 > 2048 && w30 < 8192) {
		t.Fatalf("pair 30 wavelength %.0f is not in the smoothed band", w30)
	}
	for _, c := range cases {
		if math.Abs(f[c.i]-c.want) > 1e-12*c.want {
			t.Errorf("inv_freq[%d] = %.10g, want %.10g", c.i, f[c.i], c.want)
		}
	}
}

// TestLoadErrors checks that a broken checkpoint fails with an error naming
// the tensor and the layer.
func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name   string
		mutate func([]safetensors.Tensor) []safetensors.Tensor
		want   string
	}{
		{"missing tensor", func(ts []safetensors.Tensor) []safetensors.Tensor {
			var out []safetensors.Tensor
			for _, x := range ts {
				if x.Name != "model.layers.1.self_attn.k_proj.weight" {
					out = append(out, x)
				}
			}
			return out
		}, `layer 1: missing tensor "model.layers.1.self_attn.k_proj.weight"`},
		{"wrong shape", func(ts []safetensors.Tensor) []safetensors.Tensor {
			for i, x := range ts {
				if x.Name == "model.layers.0.mlp.up_proj.weight" {
					ts[i] = safetensors.F32Tensor(x.Name, []int{64, 128}, make([]float32, 64*128))
				}
			}
			return ts
		}, `layer 0: tensor "model.layers.0.mlp.up_proj.weight" has shape [64 128], want [128 64]`},
		{"missing lm_head", func(ts []safetensors.Tensor) []safetensors.Tensor {
			var out []safetensors.Tensor
			for _, x := range ts {
				if x.Name != "lm_head.weight" {
					out = append(out, x)
				}
			}
			return out
		}, `missing tensor "lm_head.weight"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeCheckpoint(t, dir, tinyConfig("float32"), 1)
			f, err := safetensors.Open(filepath.Join(dir, "model.safetensors"))
			if err != nil {
				t.Fatal(err)
			}
			var ts []safetensors.Tensor
			for _, n := range f.Names() {
				in, _ := f.Info(n)
				b, _ := f.Bytes(n)
				ts = append(ts, safetensors.Tensor{Name: n, DType: in.DType, Shape: in.Shape, Data: append([]byte(nil), b...)})
			}
			f.Close()
			if err := safetensors.WriteFile(filepath.Join(dir, "model.safetensors"), c.mutate(ts), nil); err != nil {
				t.Fatal(err)
			}
			_, err = Open(dir, &Options{Backend: "go"})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to mention %s", err, c.want)
			}
		})
	}
	t.Run("bad config key", func(t *testing.T) {
		dir := t.TempDir()
		c := tinyConfig("float32")
		writeCheckpoint(t, dir, c, 1)
		c["num_experts"] = 8
		raw, _ := json.Marshal(c)
		os.WriteFile(filepath.Join(dir, "config.json"), raw, 0o644)
		_, err := Open(dir, &Options{Backend: "go"})
		if err == nil || !strings.Contains(err.Error(), `unknown key "num_experts"`) || !strings.Contains(err.Error(), "config.json") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("xla without absolute plugin path", func(t *testing.T) {
		dir := t.TempDir()
		writeCheckpoint(t, dir, tinyConfig("float32"), 1)
		_, err := Open(dir, &Options{Backend: "xla:cuda"})
		if err == nil || !strings.Contains(err.Error(), "absolute path") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("tied embeddings need no lm_head", func(t *testing.T) {
		dir := t.TempDir()
		c := tinyConfig("float32")
		c["tie_word_embeddings"] = true
		ref := writeCheckpoint(t, dir, c, 2)
		m, err := Open(dir, &Options{Backend: "go"})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		raw, _ := json.Marshal(c)
		cfg, _ := ParseConfig(raw)
		s := testSeqs()[0]
		_, logits := refForward(cfg, ref, s)
		res, err := m.Forward([][]int{s}, nil, true)
		if err != nil {
			t.Fatal(err)
		}
		if e := relErr(res.Logits[0], logits); e > 1e-4 {
			t.Errorf("tied logits rel err %.2e", e)
		}
	})
}

func TestForwardInputErrors(t *testing.T) {
	tm := openTiny(t, "float32")
	cases := []struct {
		name   string
		seqs   [][]int
		layers []int
		want   string
	}{
		{"empty batch", nil, nil, "empty batch"},
		{"empty sequence", [][]int{{1}, {}}, nil, "sequence 1 is empty"},
		{"token outside vocab", [][]int{{1, 512}}, nil, "id 512 outside vocab_size 512"},
		{"layer outside range", [][]int{{1}}, []int{3}, "layer 3 outside 0..2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := tm.m.Forward(c.seqs, c.layers, false)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}
}

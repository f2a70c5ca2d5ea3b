package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/model/llama"
)

// tinyCheckpoint writes a 2-layer random Llama checkpoint (hidden size 32,
// vocabulary 512) and returns its directory.
func tinyCheckpoint(t *testing.T) string {
	t.Helper()
	ckpt := filepath.Join(t.TempDir(), "ckpt")
	cfg := map[string]any{
		"architectures": []string{"LlamaForCausalLM"}, "model_type": "llama",
		"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
		"num_attention_heads": 4, "num_key_value_heads": 2, "rms_norm_eps": 1e-5,
		"rope_theta": 500000.0, "vocab_size": 512, "tie_word_embeddings": false,
		"bos_token_id": 1, "eos_token_id": []int{2, 3}, "max_position_embeddings": 4096, "torch_dtype": "float32",
	}
	if err := llama.WriteRandomCheckpoint(ckpt, cfg, 1); err != nil {
		t.Fatal(err)
	}
	return ckpt
}

// The steering timing runs end to end on the CPU go backend with a tiny
// random checkpoint: one STEER line with every multiplier of the sweep; a
// zero multiplier changes no token (steering by 0 is the identity), a large
// one changes some. Timings are reported, not judged (-max-slowdown -1).
func TestSteerEndToEndOnCPU(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	ckpt := tinyCheckpoint(t)
	var out bytes.Buffer
	err := run([]string{"steer", "-dir", ckpt, "-batch", "3", "-prompt", "12", "-new", "6", "-layer", "1",
		"-multipliers", "-2,0,0.5,2,8", "-reps", "1", "-max-slowdown", "-1"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	line := out.String()
	if !strings.HasPrefix(line, "STEER ") {
		t.Fatalf("output %q", line)
	}
	t.Log(strings.TrimSpace(line))
	var res steerTiming
	if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "STEER ")), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Multipliers) != 5 || res.Batch != 3 || res.Layer != 1 || res.Mode != "all" {
		t.Fatalf("result %+v", res)
	}
	if !(res.Norm > 0 && res.UnsteeredS > 0 && res.SteeredS > 0 && res.Ratio == res.SteeredS/res.UnsteeredS) {
		t.Errorf("norm %v, unsteered %v s, steered %v s, ratio %v", res.Norm, res.UnsteeredS, res.SteeredS, res.Ratio)
	}
	if c := res.Multipliers[1]; c.Multiplier != 0 || c.Changed != 0 {
		t.Errorf("multiplier 0 changed %.2f of the tokens, want none", c.Changed)
	}
	if c := res.Multipliers[4]; c.Changed == 0 {
		t.Errorf("multiplier 8 (8 mean norms) changed no token")
	}
}

func TestSteerVerdict(t *testing.T) {
	moved := []steerSetting{{Multiplier: 0.1, Changed: 0.3}}
	cases := []struct {
		name string
		r    steerTiming
		want string // in the error; empty: passes
	}{
		{"within 10%", steerTiming{UnsteeredS: 1, SteeredS: 1.09, Ratio: 1.09, MaxSlowdown: 0.1, Multipliers: moved}, ""},
		{"faster", steerTiming{UnsteeredS: 1, SteeredS: 0.9, Ratio: 0.9, MaxSlowdown: 0.1, Multipliers: moved}, ""},
		{"11% slower", steerTiming{UnsteeredS: 1, SteeredS: 1.11, Ratio: 1.11, MaxSlowdown: 0.1, Multipliers: moved}, "11.0% slower"},
		{"report only", steerTiming{UnsteeredS: 1, SteeredS: 3, Ratio: 3, MaxSlowdown: -1, Multipliers: moved}, ""},
		{"no effect", steerTiming{UnsteeredS: 1, SteeredS: 1, Ratio: 1, MaxSlowdown: 0.1, Multipliers: []steerSetting{{Multiplier: 0.1}}}, "did not reach"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.r.verdict()
			if (c.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.want) {
				t.Errorf("verdict %v, want %q", err, c.want)
			}
		})
	}
	if _, err := parseMultipliers("0.1,x"); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Errorf("bad multiplier: error %v", err)
	}
	if got, err := parseMultipliers("-0.1, 0.05"); err != nil || len(got) != 2 || got[0] != -0.1 || got[1] != 0.05 {
		t.Errorf("parse: %v, %v", got, err)
	}
}

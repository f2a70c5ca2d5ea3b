package llama

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/prefscope/prefscope/lib/safetensors"
)

// tinyConfig is the test model: 2 layers, hidden 64, 4 heads, 2 KV heads
// (head_dim 16), intermediate 128, vocab 512, with llama3 RoPE scaling whose
// original context (32) is short enough that the low-, medium- and
// high-frequency branches all occur at head_dim 16.
func tinyConfig(dtype string) map[string]any {
	return map[string]any{
		"architectures":           []string{"LlamaForCausalLM"},
		"model_type":              "llama",
		"hidden_size":             64,
		"num_hidden_layers":       2,
		"num_attention_heads":     4,
		"num_key_value_heads":     2,
		"intermediate_size":       128,
		"vocab_size":              512,
		"rms_norm_eps":            1e-5,
		"rope_theta":              500000.0,
		"rope_scaling":            map[string]any{"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 32},
		"tie_word_embeddings":     false,
		"bos_token_id":            1,
		"eos_token_id":            []int{2, 3},
		"max_position_embeddings": 1024,
		"hidden_act":              "silu",
		"torch_dtype":             dtype,
	}
}

// refWeights are a checkpoint's weights in float64, by checkpoint name.
type refWeights map[string][]float64

// writeCheckpoint writes config.json and model.safetensors for cfg with
// random weights drawn from seed: matrices ~ N(0, 0.5/sqrt(in)) (so
// activations stay O(1)), norm weights ~ 1 + N(0, 0.1). With bf16 the stored
// values are bf16-rounded and the returned float64 weights are exactly those
// stored values.
func writeCheckpoint(t testing.TB, dir string, cfgJSON map[string]any, seed uint64) refWeights {
	t.Helper()
	raw, _ := json.Marshal(cfgJSON)
	cfg, err := ParseConfig(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	bf16 := cfg.TorchDType == "bfloat16"
	ref := refWeights{}
	var ts []safetensors.Tensor
	for _, s := range cfg.weightSpecs() {
		n := 1
		for _, d := range s.shape {
			n *= d
		}
		v := make([]float32, n)
		for i := range v {
			if len(s.shape) == 1 {
				v[i] = float32(1 + 0.1*rng.NormFloat64())
			} else {
				v[i] = float32(rng.NormFloat64() * 0.5 / math.Sqrt(float64(s.shape[1])))
			}
		}
		var st safetensors.Tensor
		if bf16 {
			st = safetensors.BF16Tensor(s.name, s.shape, v)
		} else {
			st = safetensors.F32Tensor(s.name, s.shape, v)
		}
		stored, _ := safetensors.ToFloat32(st.DType, st.Data)
		f := make([]float64, n)
		for i, x := range stored {
			f[i] = float64(x)
		}
		ref[s.name] = f
		ts = append(ts, st)
	}
	if err := safetensors.WriteFile(filepath.Join(dir, "model.safetensors"), ts, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	return ref
}

// refForward is an independent float64 Llama forward pass for one sequence,
// written from the equations (not from forward.go):
//
//	x⁰ = E[ids]
//	h = x + W_o · attn(RoPE(W_q n(x)), RoPE(W_k n(x)), W_v n(x)),  n = RMSNorm
//	x' = h + W_down (silu(W_gate n(h)) ⊙ W_up n(h))
//	logits = W_lm · RMSNorm(x^L)
//
// It returns hidden[l][t][:] for l = 0..L (hidden[L] after the final norm,
// as transformers) and logits[t][:].
func refForward(cfg *Config, w refWeights, ids []int) (hidden [][][]float64, logits [][]float64) {
	H, T := cfg.HiddenSize, len(ids)
	nh, kvh, d := cfg.NumAttentionHeads, cfg.NumKeyValueHeads, cfg.HeadDim
	matvec := func(name string, x []float64, out int) []float64 {
		m := w[name]
		in := len(x)
		y := make([]float64, out)
		for o := 0; o < out; o++ {
			var s float64
			for i := 0; i < in; i++ {
				s += m[o*in+i] * x[i]
			}
			y[o] = s
		}
		return y
	}
	norm := func(name string, x []float64) []float64 {
		var ms float64
		for _, v := range x {
			ms += v * v
		}
		ms /= float64(len(x))
		r := 1 / math.Sqrt(ms+cfg.RMSNormEps)
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = v * r * w[name][i]
		}
		return y
	}
	invFreq := cfg.InvFreq()
	rope := func(v []float64, pos int) { // one head, rotate_half pairs (i, i+d/2)
		for i := 0; i < d/2; i++ {
			a := float64(pos) * invFreq[i]
			c, s := math.Cos(a), math.Sin(a)
			x1, x2 := v[i], v[i+d/2]
			v[i], v[i+d/2] = x1*c-x2*s, x2*c+x1*s
		}
	}
	x := make([][]float64, T)
	for t, id := range ids {
		x[t] = append([]float64(nil), w["model.embed_tokens.weight"][id*H:(id+1)*H]...)
	}
	snapshot := func() [][]float64 {
		c := make([][]float64, T)
		for t := range x {
			c[t] = append([]float64(nil), x[t]...)
		}
		return c
	}
	hidden = append(hidden, snapshot())
	for l := 0; l < cfg.NumHiddenLayers; l++ {
		n := layerTensorNames(l)
		q := make([][]float64, T)
		k := make([][]float64, T)
		v := make([][]float64, T)
		for t := range x {
			xn := norm(n[7], x[t])
			q[t], k[t], v[t] = matvec(n[0], xn, nh*d), matvec(n[1], xn, kvh*d), matvec(n[2], xn, kvh*d)
			for h := 0; h < nh; h++ {
				rope(q[t][h*d:(h+1)*d], t)
			}
			for h := 0; h < kvh; h++ {
				rope(k[t][h*d:(h+1)*d], t)
			}
		}
		for t := range x {
			att := make([]float64, nh*d)
			for h := 0; h < nh; h++ {
				kv := h / (nh / kvh)
				sc := make([]float64, t+1)
				mx := math.Inf(-1)
				for s := 0; s <= t; s++ {
					var dot float64
					for i := 0; i < d; i++ {
						dot += q[t][h*d+i] * k[s][kv*d+i]
					}
					sc[s] = dot / math.Sqrt(float64(d))
					mx = math.Max(mx, sc[s])
				}
				var z float64
				for s := range sc {
					sc[s] = math.Exp(sc[s] - mx)
					z += sc[s]
				}
				for s := range sc {
					for i := 0; i < d; i++ {
						att[h*d+i] += sc[s] / z * v[s][kv*d+i]
					}
				}
			}
			o := matvec(n[3], att, H)
			for i := range o {
				x[t][i] += o[i]
			}
			hn := norm(n[8], x[t])
			g, u := matvec(n[4], hn, cfg.IntermediateSize), matvec(n[5], hn, cfg.IntermediateSize)
			for i := range g {
				g[i] = g[i] / (1 + math.Exp(-g[i])) * u[i]
			}
			dn := matvec(n[6], g, H)
			for i := range dn {
				x[t][i] += dn[i]
			}
		}
		if l+1 < cfg.NumHiddenLayers {
			hidden = append(hidden, snapshot())
		}
	}
	final := make([][]float64, T)
	lm := "lm_head.weight"
	if cfg.TieWordEmbeddings {
		lm = "model.embed_tokens.weight"
	}
	for t := range x {
		final[t] = norm("model.norm.weight", x[t])
		logits = append(logits, matvec(lm, final[t], cfg.VocabSize))
	}
	hidden = append(hidden, final)
	return hidden, logits
}

// relErr is max|got-want| / max|want| over a set of rows.
func relErr(got [][]float32, want [][]float64) float64 {
	var num, den float64
	for t := range want {
		for i := range want[t] {
			num = math.Max(num, math.Abs(float64(got[t][i])-want[t][i]))
			den = math.Max(den, math.Abs(want[t][i]))
		}
	}
	return num / den
}

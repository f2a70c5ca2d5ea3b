package llama

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
)

// Tolerances, as max|ours − ref| / max|ref| over a tensor, against the float64
// reference:
//   - float32: 1e-4. Every op runs in float32 (unit roundoff 6e-8); sums over
//     at most 128 terms and two layers grow that to ~1e-6, so 1e-4 leaves
//     room for the go backend's summation order and for exp/sin/cos
//     approximations while still failing on any wrong equation (a wrong RoPE
//     convention, mask, or head grouping moves results by O(1)).
//   - bfloat16: 3e-2. Activations are rounded to bf16 (unit roundoff
//     3.9e-3) after every matmul and residual add, as transformers does; over
//     two layers the relative error reaches ~1e-2. The reference uses the
//     same bf16-rounded weights, so only activation rounding is measured.
var tolerance = map[string]float64{"float32": 1e-4, "bfloat16": 3e-2}

type tinyModel struct {
	m   *Model
	ref refWeights
	cfg *Config
}

func openTiny(t testing.TB, dtype string) tinyModel {
	t.Helper()
	dir := t.TempDir()
	ref := writeCheckpoint(t, dir, tinyConfig(dtype), 7)
	m, err := Open(dir, &Options{Backend: "go"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	raw, _ := json.Marshal(tinyConfig(dtype))
	cfg, _ := ParseConfig(raw)
	return tinyModel{m, ref, cfg}
}

// testSeqs are token sequences of different lengths, so batching needs left
// padding.
func testSeqs() [][]int {
	rng := rand.New(rand.NewPCG(3, 4))
	var out [][]int
	for _, n := range []int{11, 5, 17, 1} {
		s := make([]int, n)
		for i := range s {
			s[i] = rng.IntN(512)
		}
		out = append(out, s)
	}
	return out
}

func TestForwardMatchesReference(t *testing.T) {
	for _, dtype := range []string{"float32", "bfloat16"} {
		t.Run(dtype, func(t *testing.T) {
			tm := openTiny(t, dtype)
			tol := tolerance[dtype]
			seqs := testSeqs()
			layers := []int{0, 1, 2}
			var worst float64
			defer func() { t.Logf("%s: worst rel err vs float64 reference %.2e (tolerance %.0e)", dtype, worst, tol) }()
			batched, err := tm.m.Forward(seqs, layers, true)
			if err != nil {
				t.Fatal(err)
			}
			for r, s := range seqs {
				hidden, logits := refForward(tm.cfg, tm.ref, s)
				single, err := tm.m.Forward([][]int{s}, layers, true)
				if err != nil {
					t.Fatal(err)
				}
				for _, run := range []struct {
					name string
					res  *ForwardResult
					row  int
				}{{"batched", batched, r}, {"alone", single, 0}} {
					worst = max(worst, relErr(run.res.Logits[run.row], logits))
					if e := relErr(run.res.Logits[run.row], logits); e > tol {
						t.Errorf("seq %d (len %d) %s: logits rel err %.2e > %.0e", r, len(s), run.name, e, tol)
					}
					for k, l := range layers {
						worst = max(worst, relErr(run.res.Hidden[k][run.row], hidden[l]))
						if e := relErr(run.res.Hidden[k][run.row], hidden[l]); e > tol {
							t.Errorf("seq %d %s: hidden_states[%d] rel err %.2e > %.0e", r, run.name, l, e, tol)
						}
					}
				}
				// Batched with left padding vs alone: same computation up to
				// summation order, so the same tolerance applies.
				if e := relErr(batched.Logits[r], toF64(single.Logits[0])); e > tol {
					t.Errorf("seq %d: batched vs alone logits differ by %.2e", r, e)
				}
			}
		})
	}
}

func toF64(x [][]float32) [][]float64 {
	out := make([][]float64, len(x))
	for i, r := range x {
		out[i] = make([]float64, len(r))
		for j, v := range r {
			out[i][j] = float64(v)
		}
	}
	return out
}

// TestKVCacheMatchesRecompute decodes greedily with the KV cache and checks
// each step's logits against a full forward pass over prompt + tokens so far
// (and against the float64 reference), batched and alone.
func TestKVCacheMatchesRecompute(t *testing.T) {
	for _, dtype := range []string{"float32", "bfloat16"} {
		t.Run(dtype, func(t *testing.T) {
			tm := openTiny(t, dtype)
			tol := tolerance[dtype]
			seqs := testSeqs()[:3]
			const steps = 6
			var worst float64
			defer func() { t.Logf("%s: worst cached-vs-recomputed logits rel err %.2e", dtype, worst) }()
			gens, err := tm.m.Generate(context.Background(), seqs, nil, GenerateOptions{MaxNewTokens: steps, KeepLogits: true, NoStop: true})
			if err != nil {
				t.Fatal(err)
			}
			for r, s := range seqs {
				g := gens[r]
				if len(g.Tokens) != steps || g.Finish != FinishLength {
					t.Fatalf("seq %d: %d tokens, finish %q", r, len(g.Tokens), g.Finish)
				}
				full := append(slices.Clone(s), g.Tokens...)
				res, err := tm.m.Forward([][]int{full}, nil, true)
				if err != nil {
					t.Fatal(err)
				}
				_, refLogits := refForward(tm.cfg, tm.ref, full)
				for i := 0; i < steps; i++ {
					pos := len(s) - 1 + i
					worst = max(worst, relErr([][]float32{g.StepLogits[i]}, toF64([][]float32{res.Logits[0][pos]})))
					if e := relErr([][]float32{g.StepLogits[i]}, toF64([][]float32{res.Logits[0][pos]})); e > tol {
						t.Errorf("seq %d step %d: cached vs recomputed logits rel err %.2e > %.0e", r, i, e, tol)
					}
					if e := relErr([][]float32{g.StepLogits[i]}, [][]float64{refLogits[pos]}); e > tol {
						t.Errorf("seq %d step %d: cached vs float64 reference rel err %.2e", r, i, e)
					}
					if want := argmax64(refLogits[pos]); dtype == "float32" && g.Tokens[i] != want {
						t.Errorf("seq %d step %d: greedy token %d, reference argmax %d", r, i, g.Tokens[i], want)
					}
				}
				alone, err := tm.m.Generate(context.Background(), [][]int{s}, nil, GenerateOptions{MaxNewTokens: steps, NoStop: true})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(alone[0].Tokens, g.Tokens) {
					t.Errorf("seq %d: batched greedy %v, alone %v", r, g.Tokens, alone[0].Tokens)
				}
			}
		})
	}
}

func argmax64(x []float64) int {
	b := 0
	for i, v := range x {
		if v > x[b] {
			b = i
		}
	}
	return b
}

func TestSamplingSeeds(t *testing.T) {
	tm := openTiny(t, "float32")
	seqs := testSeqs()[:2]
	samp := []Sampling{{Temperature: 1, TopP: 0.9, Seed: 11}, {Temperature: 1.5, Seed: 12}}
	run := func() []Generation {
		g, err := tm.m.Generate(context.Background(), seqs, samp, GenerateOptions{MaxNewTokens: 8, NoStop: true})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	a, b := run(), run()
	for r := range seqs {
		if !slices.Equal(a[r].Tokens, b[r].Tokens) {
			t.Errorf("seq %d: same seed gave %v then %v", r, a[r].Tokens, b[r].Tokens)
		}
	}
	other := []Sampling{{Temperature: 1, TopP: 0.9, Seed: 99}, samp[1]}
	c, err := tm.m.Generate(context.Background(), seqs, other, GenerateOptions{MaxNewTokens: 8, NoStop: true})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(c[0].Tokens, a[0].Tokens) {
		t.Errorf("seeds 11 and 99 gave the same 8 tokens %v", a[0].Tokens)
	}
	if !slices.Equal(c[1].Tokens, a[1].Tokens) {
		t.Errorf("seq 1's tokens changed with seq 0's seed: %v vs %v", c[1].Tokens, a[1].Tokens)
	}
}

func TestSample(t *testing.T) {
	logits := []float32{0, 3, 1, 2.9}
	cases := []struct {
		name string
		s    Sampling
		// allowed tokens: greedy picks index 1; top-p 0.5 keeps only {1}
		// (p(1) = e^3/Σ = 0.49... < 0.5, so {1, 3}); temperature 1 can pick any.
		allowed []int
	}{
		{"greedy", Sampling{}, []int{1}},
		{"top-p 0.5 keeps the two largest", Sampling{Temperature: 1, TopP: 0.5}, []int{1, 3}},
		{"top-p 0.01 keeps the largest", Sampling{Temperature: 1, TopP: 0.01}, []int{1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := newRNG(5)
			for i := 0; i < 200; i++ {
				if id := sample(logits, c.s, rng); !slices.Contains(c.allowed, id) {
					t.Fatalf("sampled %d, allowed %v", id, c.allowed)
				}
			}
		})
	}
	// Temperature 1 without truncation reaches every token eventually:
	// p(0) = 1/(1+e^3+e+e^2.9) ≈ 0.024, so 2000 draws miss it with
	// probability < 1e-20.
	rng := newRNG(6)
	seen := map[int]bool{}
	for i := 0; i < 2000; i++ {
		seen[sample(logits, Sampling{Temperature: 1}, rng)] = true
	}
	if len(seen) != 4 {
		t.Errorf("temperature 1 reached tokens %v, want all 4", seen)
	}
}

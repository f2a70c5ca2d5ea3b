package llama

import (
	"context"
	"math/rand/v2"
	"os"
	"testing"
)

// benchModels are the benchmark checkpoints: the test model and a wider one
// (2 layers, hidden 256, 8 heads, 4 KV heads, intermediate 512, vocab 1024).
func benchModels() map[string]map[string]any {
	small := tinyConfig("float32")
	for k, v := range map[string]any{"hidden_size": 256, "num_attention_heads": 8, "num_key_value_heads": 4, "intermediate_size": 512, "vocab_size": 1024} {
		small[k] = v
	}
	return map[string]map[string]any{"h64v512": tinyConfig("float32"), "h256v1024": small}
}

func benchPrompts(b, t, vocab int) [][]int {
	rng := rand.New(rand.NewPCG(1, 1))
	out := make([][]int, b)
	for i := range out {
		out[i] = make([]int, t)
		for j := range out[i] {
			out[i][j] = rng.IntN(vocab)
		}
	}
	return out
}

func openBench(b *testing.B, cfg map[string]any) *Model {
	dir := b.TempDir()
	writeCheckpoint(b, dir, cfg, 1)
	m, err := Open(dir, &Options{Backend: os.Getenv("GOMLX_BACKEND")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	return m
}

// BenchmarkPrefill reports prompt tokens/s of a forward pass over a batch of
// 4 prompts of 64 tokens (go backend unless GOMLX_BACKEND says otherwise).
func BenchmarkPrefill(b *testing.B) {
	for _, name := range []string{"h64v512", "h256v1024"} {
		b.Run("model="+name+"/b=4/t=64", func(b *testing.B) {
			m := openBench(b, benchModels()[name])
			prompts := benchPrompts(4, 64, m.cfg.VocabSize)
			if _, err := m.Generate(context.Background(), prompts, nil, GenerateOptions{MaxNewTokens: 1, NoStop: true}); err != nil {
				b.Fatal(err)
			}
			var st GenerateStats
			var total float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				st = GenerateStats{}
				if _, err := m.Generate(context.Background(), prompts, nil, GenerateOptions{MaxNewTokens: 1, NoStop: true, Stats: &st}); err != nil {
					b.Fatal(err)
				}
				total += st.Prefill.Seconds()
			}
			b.ReportMetric(float64(4*64*b.N)/total, "prefill_tok/s")
		})
	}
}

// BenchmarkDecode reports generated tokens/s of KV-cached greedy decoding,
// batch 4, prompt 16, 32 new tokens per sequence.
func BenchmarkDecode(b *testing.B) {
	for _, name := range []string{"h64v512", "h256v1024"} {
		b.Run("model="+name+"/b=4/new=32", func(b *testing.B) {
			m := openBench(b, benchModels()[name])
			prompts := benchPrompts(4, 16, m.cfg.VocabSize)
			opts := GenerateOptions{MaxNewTokens: 32, NoStop: true}
			if _, err := m.Generate(context.Background(), prompts, nil, opts); err != nil {
				b.Fatal(err)
			}
			var total float64
			var steps int
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var st GenerateStats
				opts.Stats = &st
				if _, err := m.Generate(context.Background(), prompts, nil, opts); err != nil {
					b.Fatal(err)
				}
				total += st.Decode.Seconds()
				steps += st.DecodeSteps
			}
			b.ReportMetric(float64(4*steps)/total, "decode_tok/s")
		})
	}
}

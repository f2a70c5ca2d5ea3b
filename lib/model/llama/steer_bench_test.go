package llama

import (
	"context"
	"testing"
)

// BenchmarkSteeredGenerate times one Generate call (batch 4, prompt 64, 16
// new tokens) unsteered and steered at the middle hidden state in "all"
// mode (every prompt and generated position), so the cost of steering is
// the ratio of the two (go backend unless GOMLX_BACKEND says otherwise).
func BenchmarkSteeredGenerate(b *testing.B) {
	for _, steered := range []bool{false, true} {
		name := "unsteered"
		if steered {
			name = "steered"
		}
		b.Run("model=h256v1024/b=4/t=64/new=16/"+name, func(b *testing.B) {
			m := openBench(b, benchModels()["h256v1024"])
			prompts := benchPrompts(4, 64, m.cfg.VocabSize)
			opts := GenerateOptions{MaxNewTokens: 16, NoStop: true}
			if steered {
				dirs := make([][]float32, len(prompts))
				for r := range dirs {
					dirs[r] = RandomUnitVector(uint64(r), m.cfg.HiddenSize)
				}
				opts.Steer = steerAll(prompts, 1, dirs, func(_, n int) []float32 {
					c := make([]float32, n)
					for j := range c {
						c[j] = 0.5
					}
					return c
				}, []float32{0.5, 0.5, 0.5, 0.5})
			}
			if _, err := m.Generate(context.Background(), prompts, nil, opts); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := m.Generate(context.Background(), prompts, nil, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package llama

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/prefscope/prefscope/lib/safetensors"
)

// WriteRandomCheckpoint writes a Llama checkpoint with random weights into
// dir: config.json (cfg, validated) and one safetensors file per decoder
// layer plus one for the embeddings, norm and LM head, joined by
// model.safetensors.index.json, so that an 8B-shaped checkpoint is written
// a layer at a time. Matrices are uniform with the variance of
// N(0, 0.5/in) (activations stay O(1) through the layers), norm weights
// 1 ± 0.1; the dtype is cfg's torch_dtype (bfloat16 or float32). Tests,
// benchmarks and scripts/gpucheck use it: nothing ever downloads weights.
func WriteRandomCheckpoint(dir string, cfg map[string]any, seed uint64) error {
	raw, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("llama: random checkpoint config: %w", err)
	}
	c, err := ParseConfig(raw)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), raw, 0o644); err != nil {
		return err
	}
	bf16 := c.TorchDType == "bfloat16"
	rng := rand.New(rand.NewPCG(seed, 1))
	weightMap := map[string]string{}
	var pending []safetensors.Tensor
	file := 0
	flush := func() error {
		name := fmt.Sprintf("model-%05d.safetensors", file)
		file++
		for _, t := range pending {
			weightMap[t.Name] = name
		}
		err := safetensors.WriteFile(filepath.Join(dir, name), pending, map[string]string{"format": "pt"})
		pending = nil
		return err
	}
	current := -1
	for _, s := range c.weightSpecs() {
		if s.layer != current && len(pending) > 0 {
			if err := flush(); err != nil {
				return err
			}
		}
		current = s.layer
		n := 1
		for _, d := range s.shape {
			n *= d
		}
		v := make([]float32, n)
		if len(s.shape) == 1 {
			for i := range v {
				v[i] = float32(1 + 0.1*(2*rng.Float64()-1))
			}
		} else {
			// Uniform on [-a, a] has variance a²/3.
			a := float32(math.Sqrt(3 * 0.5 / float64(s.shape[1])))
			for i := range v {
				v[i] = a * (2*rng.Float32() - 1)
			}
		}
		if bf16 {
			pending = append(pending, safetensors.BF16Tensor(s.name, s.shape, v))
		} else {
			pending = append(pending, safetensors.F32Tensor(s.name, s.shape, v))
		}
	}
	if len(pending) > 0 {
		if err := flush(); err != nil {
			return err
		}
	}
	idx, _ := json.Marshal(map[string]any{"metadata": map[string]any{}, "weight_map": weightMap})
	return os.WriteFile(filepath.Join(dir, safetensors.IndexFile), idx, 0o644)
}

// RandomUnitVector is a seeded random direction of n dimensions (Gaussian
// coordinates, normalised), the same on every machine: the steering
// direction of tests, benchmarks and scripts/gpucheck on random checkpoints.
func RandomUnitVector(seed uint64, n int) []float32 {
	r := rand.New(rand.NewPCG(seed, 5))
	v := make([]float64, n)
	var s float64
	for i := range v {
		v[i] = r.NormFloat64()
		s += v[i] * v[i]
	}
	out := make([]float32, n)
	for i := range v {
		out[i] = float32(v[i] / math.Sqrt(s))
	}
	return out
}

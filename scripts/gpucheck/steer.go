package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/prefscope/prefscope/lib/model/llama"
)

// steerTiming is the result of the steering timing: the median wall-clock
// time of one Generate call unsteered and steered (over every multiplier
// and repetition), their ratio, and per multiplier the median time and the
// share of generated tokens that differ from the unsteered run.
type steerTiming struct {
	Impl        string         `json:"impl"`
	Backend     string         `json:"backend"`
	DType       string         `json:"dtype"`
	Batch       int            `json:"batch"`
	Prompt      int            `json:"prompt"`
	New         int            `json:"new"`
	Layer       int            `json:"layer"`
	Mode        string         `json:"mode"`
	Norm        float64        `json:"norm"`
	UnsteeredS  float64        `json:"unsteered_s"`
	SteeredS    float64        `json:"steered_s"`
	Ratio       float64        `json:"ratio"`
	MaxSlowdown float64        `json:"max_slowdown"`
	Multipliers []steerSetting `json:"multipliers"`
}

// steerSetting is one multiplier of the sweep.
type steerSetting struct {
	Multiplier float64 `json:"multiplier"`
	Seconds    float64 `json:"s"`
	Changed    float64 `json:"changed_tokens"`
}

// steerTime times Generate unsteered against steered in mode "all" (every
// prompt and generated token) at one layer, over a sweep of multipliers of
// the layer's mean activation norm, each batch row along its own random
// unit direction. The multipliers are graph inputs, so the sweep compiles
// one steered graph; runs alternate unsteered and steered so that drift in
// the device's clock hits both alike. It prints one STEER JSON line and
// fails when steered calls are slower than unsteered ones by more than
// -max-slowdown (negative: never), or when no multiplier changed a token.
func steerTime(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("steer", flag.ContinueOnError)
	dir := fs.String("dir", "", "checkpoint directory")
	b := fs.Int("batch", 8, "batch size")
	p := fs.Int("prompt", 512, "prompt tokens")
	n := fs.Int("new", 64, "new tokens per sequence")
	layer := fs.Int("layer", 16, "steered hidden state (0 = embeddings)")
	list := fs.String("multipliers", "-0.1,-0.05,0.05,0.1,0.15", "multipliers of the mean activation norm, comma-separated")
	reps := fs.Int("reps", 2, "timed runs per setting (median reported)")
	maxSlow := fs.Float64("max-slowdown", 0.10, "fail when steered/unsteered - 1 exceeds this (negative: report only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	mults, err := parseMultipliers(*list)
	if err != nil {
		return err
	}
	m, err := llama.Open(*dir, nil)
	if err != nil {
		return err
	}
	defer m.Close()
	if *layer < 0 || *layer > m.NumLayers() {
		return fmt.Errorf("steer: layer %d outside 0..%d", *layer, m.NumLayers())
	}
	prompts := randomPrompts(m, *b, *p, 5)
	norm, err := meanNorm(m, prompts, *layer)
	if err != nil {
		return err
	}
	dirs := make([][]float32, *b)
	for r := range dirs {
		dirs[r] = llama.RandomUnitVector(uint64(r+1), m.HiddenSize())
	}
	ctx := context.Background()
	gen := func(s *llama.Steer) ([]llama.Generation, float64, error) {
		t0 := time.Now()
		g, err := m.Generate(ctx, prompts, nil, llama.GenerateOptions{MaxNewTokens: *n, NoStop: true, Steer: s})
		return g, time.Since(t0).Seconds(), err
	}
	steer := func(mult float64) *llama.Steer { return steerAllTokens(prompts, *layer, dirs, mult*norm) }
	// Untimed: compile the unsteered and the steered graphs.
	base, _, err := gen(nil)
	if err != nil {
		return err
	}
	if _, _, err := gen(steer(mults[0])); err != nil {
		return err
	}
	var unsteered, steered []float64
	per := make([][]float64, len(mults))
	changed := make([]float64, len(mults))
	for r := 0; r < *reps; r++ {
		_, s, err := gen(nil)
		if err != nil {
			return err
		}
		unsteered = append(unsteered, s)
		for k, mult := range mults {
			g, s, err := gen(steer(mult))
			if err != nil {
				return err
			}
			per[k] = append(per[k], s)
			steered = append(steered, s)
			changed[k] = changedShare(base, g)
		}
	}
	res := steerTiming{Impl: "prefscope", Backend: m.Backend().Name(), DType: m.DType().String(),
		Batch: *b, Prompt: *p, New: *n, Layer: *layer, Mode: "all", Norm: norm,
		UnsteeredS: median(unsteered), SteeredS: median(steered), MaxSlowdown: *maxSlow}
	res.Ratio = res.SteeredS / res.UnsteeredS
	for k, mult := range mults {
		res.Multipliers = append(res.Multipliers, steerSetting{Multiplier: mult, Seconds: median(per[k]), Changed: changed[k]})
	}
	js, _ := json.Marshal(res)
	fmt.Fprintln(out, "STEER", string(js))
	return res.verdict()
}

// verdict fails when steering had no effect at any multiplier (the steered
// path did not run) or made Generate slower than allowed.
func (r steerTiming) verdict() error {
	moved := false
	for _, s := range r.Multipliers {
		moved = moved || s.Changed > 0
	}
	if !moved {
		return fmt.Errorf("steer: no multiplier changed a generated token: the steering did not reach the model")
	}
	if r.MaxSlowdown >= 0 && r.Ratio > 1+r.MaxSlowdown {
		return fmt.Errorf("steer: steered Generate takes %.3f s, unsteered %.3f s: %.1f%% slower, more than the %.0f%% allowed",
			r.SteeredS, r.UnsteeredS, 100*(r.Ratio-1), 100*r.MaxSlowdown)
	}
	return nil
}

// parseMultipliers reads a comma-separated list of finite numbers.
func parseMultipliers(list string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(list, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("steer: -multipliers %q: %q is not a finite number", list, f)
		}
		out = append(out, x)
	}
	return out, nil
}

// meanNorm is the mean L2 norm of the last prompt token's hidden state at
// layer over the prompts: the unit a steering multiplier is counted in.
func meanNorm(m *llama.Model, prompts [][]int, layer int) (float64, error) {
	capt, err := m.CaptureSequences(prompts, []int{layer})
	if err != nil {
		return 0, err
	}
	var sum float64
	for _, c := range capt {
		var ss float64
		for _, v := range c[0][0] {
			ss += float64(v) * float64(v)
		}
		sum += math.Sqrt(ss)
	}
	if sum == 0 || math.IsNaN(sum) {
		return 0, fmt.Errorf("steer: mean activation norm at layer %d is %v", layer, sum/float64(len(capt)))
	}
	return sum / float64(len(capt)), nil
}

// steerAllTokens steers every row at every prompt and generated token by
// coef along its direction (mode "all").
func steerAllTokens(prompts [][]int, layer int, dirs [][]float32, coef float64) *llama.Steer {
	s := &llama.Steer{Layer: layer, Dirs: dirs, Decode: make([]float32, len(prompts))}
	for r, p := range prompts {
		c := make([]float32, len(p))
		for j := range c {
			c[j] = float32(coef)
		}
		s.Prefill = append(s.Prefill, c)
		s.Decode[r] = float32(coef)
	}
	return s
}

// changedShare is the share of generated tokens of got that differ from
// base at the same row and step.
func changedShare(base, got []llama.Generation) float64 {
	var diff, total int
	for r := range base {
		for i, tok := range base[r].Tokens {
			total++
			if i >= len(got[r].Tokens) || got[r].Tokens[i] != tok {
				diff++
			}
		}
	}
	if total == 0 {
		return 0
	}
	return float64(diff) / float64(total)
}

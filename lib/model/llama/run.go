package llama

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// batch is a left-padded batch: row r holds pad[r] pads then its tokens.
type batch struct {
	ids, pos, mask []int32 // [B, T] row-major
	b, t           int
	pad            []int
}

// roundUp rounds n up to a multiple of k.
func roundUp(n, k int) int { return (n + k - 1) / k * k }

// leftPad builds a batch of length t >= every sequence: pads are id 0 with
// mask 0 and position 0; token j of a row gets position j - pad.
func leftPad(seqs [][]int, t int) batch {
	bt := batch{b: len(seqs), t: t, ids: make([]int32, len(seqs)*t), pos: make([]int32, len(seqs)*t), mask: make([]int32, len(seqs)*t)}
	for r, s := range seqs {
		p := t - len(s)
		bt.pad = append(bt.pad, p)
		for j, id := range s {
			k := r*t + p + j
			bt.ids[k], bt.pos[k], bt.mask[k] = int32(id), int32(j), 1
		}
	}
	return bt
}

// checkSeqs validates token ids from a caller.
func (m *Model) checkSeqs(seqs [][]int) (maxLen int, err error) {
	if len(seqs) == 0 {
		return 0, fmt.Errorf("llama: empty batch")
	}
	for r, s := range seqs {
		if len(s) == 0 {
			return 0, fmt.Errorf("llama: sequence %d is empty", r)
		}
		for j, id := range s {
			if id < 0 || id >= m.cfg.VocabSize {
				return 0, fmt.Errorf("llama: sequence %d token %d: id %d outside vocab_size %d", r, j, id, m.cfg.VocabSize)
			}
		}
		maxLen = max(maxLen, len(s))
	}
	return maxLen, nil
}

// ForwardResult holds a forward pass over a batch, per sequence and without
// padding.
type ForwardResult struct {
	// Logits[r][j] are the next-token logits after token j of sequence r
	// (nil unless asked for).
	Logits [][][]float32
	// Layers are the hidden-state indices returned (see Forward).
	Layers []int
	// Hidden[k][r][j] is hidden state Layers[k] at token j of sequence r.
	Hidden [][][][]float32
}

// Forward runs the model over whole sequences (no generation), batched with
// left padding, and returns the hidden states of the given layers in
// transformers' hidden_states convention: 0 is the token embeddings, l in
// 1..L-1 is the output of decoder layer l, and L = NumLayers() is the output
// of the last layer after the final RMSNorm (model.norm), which is exactly
// what transformers returns as hidden_states[L]. With logits set it also
// returns every position's logits.
func (m *Model) Forward(seqs [][]int, layers []int, logits bool) (res *ForwardResult, err error) {
	defer recoverError(&err, "forward")
	m.mu.Lock()
	defer m.mu.Unlock()
	maxLen, err := m.checkSeqs(seqs)
	if err != nil {
		return nil, err
	}
	record := make([]bool, m.cfg.NumHiddenLayers+1)
	for _, l := range layers {
		if l < 0 || l > m.cfg.NumHiddenLayers {
			return nil, fmt.Errorf("llama: layer %d outside 0..%d", l, m.cfg.NumHiddenLayers)
		}
		record[l] = true
	}
	key := "forward:" + strconv.FormatBool(logits)
	for l, r := range record {
		if r {
			key += ":" + strconv.Itoa(l)
		}
	}
	e, err := m.exec(key, func(in []*graph.Node) []*graph.Node {
		w, rest := m.bindWeights(in)
		ids, pos, mask := rest[0], rest[1], rest[2]
		out := m.forward(w, ids, pos, prefillBias(mask), record, false, nil, nil, nil)
		res := slices.Clone(out.hidden)
		if logits {
			res = append(res, out.logits)
		}
		return res
	})
	if err != nil {
		return nil, err
	}
	bt := leftPad(seqs, roundUp(maxLen, 8))
	args := m.weightArgs()
	args = append(args,
		tensors.FromFlatDataAndDimensions(bt.ids, bt.b, bt.t),
		tensors.FromFlatDataAndDimensions(bt.pos, bt.b, bt.t),
		tensors.FromFlatDataAndDimensions(bt.mask, bt.b, bt.t))
	outs, err := e.Call(args...)
	if err != nil {
		return nil, fmt.Errorf("llama: forward: %w", err)
	}
	res = &ForwardResult{}
	k := 0
	for l, r := range record {
		if !r {
			continue
		}
		res.Layers = append(res.Layers, l)
		res.Hidden = append(res.Hidden, unpad(outs[k], seqs, bt))
		k++
	}
	if logits {
		res.Logits = unpad(outs[k], seqs, bt)
	}
	for _, o := range outs {
		o.FinalizeAll()
	}
	// Hidden states come back in layer order; reorder to the caller's order.
	if !slices.Equal(res.Layers, layers) {
		byLayer := map[int][][][]float32{}
		for i, l := range res.Layers {
			byLayer[l] = res.Hidden[i]
		}
		res.Layers = slices.Clone(layers)
		res.Hidden = res.Hidden[:0]
		for _, l := range layers {
			res.Hidden = append(res.Hidden, byLayer[l])
		}
	}
	return res, nil
}

func (m *Model) weightArgs() []any {
	args := make([]any, 0, len(m.weights)+8)
	for _, w := range m.weights {
		args = append(args, w)
	}
	return args
}

// unpad splits a float32 [B, T, N] tensor into per-sequence rows without pads.
func unpad(t *tensors.Tensor, seqs [][]int, bt batch) [][][]float32 {
	n := t.Shape().Dimensions[2]
	flat := tensors.MustCopyFlatData[float32](t)
	out := make([][][]float32, len(seqs))
	for r, s := range seqs {
		out[r] = make([][]float32, len(s))
		for j := range s {
			k := (r*bt.t + bt.pad[r] + j) * n
			out[r][j] = flat[k : k+n : k+n]
		}
	}
	return out
}

// Sampling chooses the next token: greedy when Temperature is 0, else
// softmax(logits/Temperature) truncated to the smallest set of tokens whose
// probability reaches TopP (0 or 1: no truncation), drawn with a PCG
// generator seeded by Seed, so one request with one seed always gets the
// same tokens, alone or in a batch.
type Sampling struct {
	Temperature float64
	TopP        float64
	Seed        int64
}

// FinishReason values of Generation.
const (
	FinishStop   = "stop"
	FinishLength = "length"
)

// Generation is one sequence's output.
type Generation struct {
	Tokens []int // new tokens, without the stop token
	Finish string
	// StepLogits[i] are the logits that chose Tokens[i] (or the stop token),
	// kept only when asked.
	StepLogits [][]float32
}

// GenerateOptions configure Generate.
type GenerateOptions struct {
	MaxNewTokens int  // 0: Options.MaxNewTokens
	KeepLogits   bool // keep each step's logits in Generation.StepLogits
	// NoStop ignores stop tokens (benchmarks generate exactly MaxNewTokens).
	NoStop bool
	// Stats, when not nil, receives timings.
	Stats *GenerateStats
	// Steer, when not nil, steers the residual stream (steer.go).
	Steer *Steer
}

// GenerateStats are wall-clock timings of one Generate call. Prefill
// includes reading back the first logits; decode covers every later step,
// each including its host-side sampling.
type GenerateStats struct {
	PrefillTokens int // real (unpadded) prompt tokens
	Prefill       time.Duration
	DecodeSteps   int // batched decoding steps run
	Decode        time.Duration
}

// newRNG seeds a generator from a request seed.
func newRNG(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
}

// sample picks a token from logits under s.
func sample(logits []float32, s Sampling, rng *rand.Rand) int {
	if s.Temperature <= 0 {
		best := 0
		for i, v := range logits {
			if v > logits[best] {
				best = i
			}
		}
		return best
	}
	mx := math.Inf(-1)
	for _, v := range logits {
		mx = math.Max(mx, float64(v))
	}
	p := make([]float64, len(logits))
	var sum float64
	for i, v := range logits {
		p[i] = math.Exp((float64(v) - mx) / s.Temperature)
		sum += p[i]
	}
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	mass := sum
	if s.TopP > 0 && s.TopP < 1 {
		sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
		var c float64
		for k, i := range idx {
			c += p[i]
			if c >= s.TopP*sum {
				idx = idx[:k+1]
				break
			}
		}
		mass = c
	}
	u := rng.Float64() * mass
	for _, i := range idx {
		u -= p[i]
		if u < 0 {
			return i
		}
	}
	return idx[len(idx)-1]
}

// Generate continues each prompt with a batched prefill then one KV-cached
// decoding step per token, until every sequence has produced a stop token
// or MaxNewTokens tokens. samp[r] sets sequence r's sampling (samp may be
// nil for greedy).
func (m *Model) Generate(ctx context.Context, prompts [][]int, samp []Sampling, opts GenerateOptions) (gens []Generation, err error) {
	defer recoverError(&err, "generate")
	m.mu.Lock()
	defer m.mu.Unlock()
	maxLen, err := m.checkSeqs(prompts)
	if err != nil {
		return nil, err
	}
	if samp != nil && len(samp) != len(prompts) {
		return nil, fmt.Errorf("llama: %d sampling settings for %d prompts", len(samp), len(prompts))
	}
	if err := opts.Steer.check(prompts, m.cfg); err != nil {
		return nil, err
	}
	maxNew := opts.MaxNewTokens
	if maxNew <= 0 {
		maxNew = m.opts.MaxNewTokens
	}
	bt := leftPad(prompts, roundUp(maxLen, 16))
	slots := roundUp(bt.t+maxNew, 64)
	if mp := m.cfg.MaxPositionEmbeddings; mp > 0 && maxLen+maxNew > mp {
		return nil, fmt.Errorf("llama: %d prompt + %d new tokens exceed max_position_embeddings %d", maxLen, maxNew, mp)
	}
	L := m.cfg.NumHiddenLayers
	prefill, err := m.exec("prefill:"+strconv.Itoa(slots)+opts.Steer.key(), func(in []*graph.Node) []*graph.Node {
		w, rest := m.bindWeights(in)
		ids, pos, mask := rest[0], rest[1], rest[2]
		out := m.forward(w, ids, pos, prefillBias(mask), nil, true, nil, nil, nil, opts.Steer.nodes(rest[3:]))
		res := []*graph.Node{graph.Reshape(out.logits, ids.Shape().Dimensions[0], m.cfg.VocabSize)}
		for l := 0; l < L; l++ {
			for _, kv := range []*graph.Node{out.k[l], out.v[l]} {
				d := kv.Shape().Dimensions
				pad := graph.Zeros(kv.Graph(), shapeOf(kv.DType(), d[0], d[1], slots-d[2], d[3]))
				res = append(res, graph.Concatenate([]*graph.Node{kv, pad}, 2))
			}
		}
		return res
	})
	if err != nil {
		return nil, err
	}
	decode, err := m.exec("decode"+opts.Steer.key(), func(in []*graph.Node) []*graph.Node {
		w, rest := m.bindWeights(in)
		ids, pos, valid, writeAt := rest[0], rest[1], rest[2], rest[3]
		caches := rest[4:]
		var ck, cv []*graph.Node
		for l := 0; l < L; l++ {
			ck, cv = append(ck, caches[2*l]), append(cv, caches[2*l+1])
		}
		b, s := valid.Shape().Dimensions[0], valid.Shape().Dimensions[1]
		bias := maskBias(graph.Equal(graph.Reshape(valid, b, 1, s), graph.OnesLike(graph.Reshape(valid, b, 1, s))))
		out := m.forward(w, ids, pos, bias, nil, true, ck, cv, writeAt, opts.Steer.nodes(rest[4+2*L:]))
		res := []*graph.Node{graph.Reshape(out.logits, b, m.cfg.VocabSize)}
		for l := 0; l < L; l++ {
			res = append(res, out.k[l], out.v[l])
		}
		return res
	})
	if err != nil {
		return nil, err
	}

	args := append(m.weightArgs(),
		tensors.FromFlatDataAndDimensions(bt.ids, bt.b, bt.t),
		tensors.FromFlatDataAndDimensions(bt.pos, bt.b, bt.t),
		tensors.FromFlatDataAndDimensions(bt.mask, bt.b, bt.t))
	args = append(args, opts.Steer.prefillArgs(bt, m.cfg.HiddenSize)...)
	start := time.Now()
	outs, err := prefill.Call(args...)
	if err != nil {
		return nil, fmt.Errorf("llama: prefill: %w", err)
	}
	var decodeStart time.Time
	caches := outs[1:]
	defer func() {
		for _, c := range caches {
			c.FinalizeAll()
		}
	}()
	logitsT := outs[0]

	gens = make([]Generation, len(prompts))
	rngs := make([]*rand.Rand, len(prompts))
	done := make([]bool, len(prompts))
	for r := range prompts {
		s := Sampling{}
		if samp != nil {
			s = samp[r]
		}
		rngs[r] = newRNG(s.Seed)
	}
	valid := slices.Clone(bt.mask) // [B, T] then widened to [B, slots]
	validS := make([]int32, bt.b*slots)
	for r := 0; r < bt.b; r++ {
		copy(validS[r*slots:], valid[r*bt.t:(r+1)*bt.t])
	}
	stepIDs := make([]int32, bt.b)
	stepPos := make([]int32, bt.b)
	for step := 0; ; step++ {
		flat := tensors.MustCopyFlatData[float32](logitsT)
		logitsT.FinalizeAll()
		if step == 0 {
			decodeStart = time.Now()
			if opts.Stats != nil {
				opts.Stats.Prefill = decodeStart.Sub(start)
				for _, p := range prompts {
					opts.Stats.PrefillTokens += len(p)
				}
			}
		}
		V := m.cfg.VocabSize
		active := false
		for r := range prompts {
			if done[r] {
				continue
			}
			lg := flat[r*V : (r+1)*V]
			s := Sampling{}
			if samp != nil {
				s = samp[r]
			}
			id := sample(lg, s, rngs[r])
			if opts.KeepLogits {
				gens[r].StepLogits = append(gens[r].StepLogits, slices.Clone(lg))
			}
			if !opts.NoStop && m.stopIDs[id] {
				done[r], gens[r].Finish = true, FinishStop
				continue
			}
			gens[r].Tokens = append(gens[r].Tokens, id)
			if len(gens[r].Tokens) >= maxNew {
				done[r], gens[r].Finish = true, FinishLength
				continue
			}
			stepIDs[r] = int32(id)
			stepPos[r] = int32(len(prompts[r]) + len(gens[r].Tokens) - 1)
			active = true
		}
		if !active {
			if opts.Stats != nil {
				opts.Stats.DecodeSteps = step
				opts.Stats.Decode = time.Since(decodeStart)
			}
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		slot := bt.t + step
		for r := 0; r < bt.b; r++ {
			validS[r*slots+slot] = 1
		}
		args := append(m.weightArgs(),
			tensors.FromFlatDataAndDimensions(slices.Clone(stepIDs), bt.b, 1),
			tensors.FromFlatDataAndDimensions(slices.Clone(stepPos), bt.b, 1),
			tensors.FromFlatDataAndDimensions(slices.Clone(validS), bt.b, slots),
			tensors.FromScalar(int32(slot)))
		for _, c := range caches {
			d, err := graph.DonateTensorBuffer(c, m.backend, 0)
			if err != nil {
				return nil, fmt.Errorf("llama: decode step %d: %w", step, err)
			}
			args = append(args, d)
		}
		args = append(args, opts.Steer.decodeArgs(bt.b, m.cfg.HiddenSize)...)
		outs, err := decode.Call(args...)
		if err != nil {
			return nil, fmt.Errorf("llama: decode step %d: %w", step, err)
		}
		logitsT, caches = outs[0], outs[1:]
	}
	return gens, nil
}

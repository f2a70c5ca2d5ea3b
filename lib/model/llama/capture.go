package llama

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/prefscope/prefscope/lib/model"
)

var _ model.CaptureModel = (*Model)(nil)

// selection is where one position reads a sequence: token at, or the mean
// over tokens [start, end).
type selection struct {
	at         int
	start, end int
	mean       bool
}

// rightPad builds a batch of rows x t: row r holds sequence r's tokens at
// slots 0..len-1 with position ids 0..len-1 and mask 1, then pads (id 0,
// mask 0, position id continuing the count, never read). Rows past the
// sequences are dummies of one token. Right padding keeps every real
// token at the slot and position id it has alone, so the causal mask alone
// keeps pads out of every real token's attention (left padding needs
// position ids shifted by the pad count, which nnsight's issue #672 shows
// is easy to forget).
func rightPad(seqs [][]int, rows, t int) batch {
	bt := batch{b: rows, t: t, ids: make([]int32, rows*t), pos: make([]int32, rows*t), mask: make([]int32, rows*t), pad: make([]int, rows)}
	for r := 0; r < rows; r++ {
		s := []int{0}
		if r < len(seqs) {
			s = seqs[r]
		}
		for j := 0; j < t; j++ {
			k := r*t + j
			bt.pos[k] = int32(j)
			if j < len(s) {
				bt.ids[k], bt.mask[k] = int32(s[j]), 1
			}
		}
	}
	return bt
}

// ConversationLength is the number of tokens msgs encode to (no generation
// prompt), as Activations and Capture encode them.
func (m *Model) ConversationLength(msgs []model.Message) (int, error) {
	if err := m.needText(); err != nil {
		return 0, err
	}
	ids, err := m.encodeChat(msgs, nil, false)
	return len(ids), err
}

// Capture reads every conversation at every position in length-bucketed,
// right-padded batches (PlanBatches; FineBucketLength's buckets on the go
// backend, where graphs cost nothing to build): the positions are selected inside the
// graph (a gather for single tokens, a masked mean for assistant_mean), so
// only the selected vectors leave the device. Each conversation is cut after
// the last token a position reads; Progress counts the tokens run. Each position must select
// one vector (PosIndices with one index).
func (m *Model) Capture(ctx context.Context, req model.CaptureRequest) (out [][][][]float32, err error) {
	defer recoverError(&err, "capture")
	if err := m.needText(); err != nil {
		return nil, err
	}
	if len(req.Layers) == 0 || len(req.Positions) == 0 {
		return nil, fmt.Errorf("llama: capture: no layers or no positions asked for")
	}
	for i, l := range req.Layers {
		if l < 0 || l > m.cfg.NumHiddenLayers {
			return nil, fmt.Errorf("llama: layer %d outside 0..%d", l, m.cfg.NumHiddenLayers)
		}
		if slices.Index(req.Layers, l) != i {
			return nil, fmt.Errorf("llama: capture: layer %d asked for twice", l)
		}
	}
	seqs := make([][]int, len(req.Conversations))
	sels := make([][]selection, len(req.Conversations))
	lengths := make([]int, len(seqs))
	for i, msgs := range req.Conversations {
		if seqs[i], err = m.encodeChat(msgs, nil, false); err != nil {
			return nil, &model.ConversationError{Index: i, Err: err}
		}
		if mp := m.cfg.MaxPositionEmbeddings; mp > 0 && len(seqs[i]) > mp {
			return nil, &model.ConversationError{Index: i, Err: fmt.Errorf("llama: %d tokens, over max_position_embeddings %d", len(seqs[i]), mp)}
		}
		for _, p := range req.Positions {
			s, err := m.selectOne(msgs, seqs[i], p)
			if err != nil {
				return nil, &model.ConversationError{Index: i, Err: fmt.Errorf("llama: position %s: %w", p.Name(), err)}
			}
			sels[i] = append(sels[i], s)
		}
		// Attention is causal, so the tokens after the last one a position
		// reads change none of the selected vectors: they are cut before
		// planning (prompt_last or user_end alone skip the whole reply).
		seqs[i] = seqs[i][:needed(sels[i])]
		lengths[i] = len(seqs[i])
	}
	bucket := BucketLength
	if m.goBackend {
		bucket = FineBucketLength
	}
	plan, err := planBatches(lengths, req.MaxBatchTokens, bucket)
	if err != nil {
		return nil, err
	}
	out = make([][][][]float32, len(seqs))
	for _, b := range plan {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		bs := make([][]int, len(b.Items))
		bsel := make([][]selection, len(b.Items))
		tokens := 0
		for j, i := range b.Items {
			bs[j], bsel[j] = seqs[i], sels[i]
			tokens += len(seqs[i])
		}
		vecs, err := m.captureBatch(bs, bsel, req.Layers, b.Rows, b.Len)
		if err != nil {
			return nil, err
		}
		for j, i := range b.Items {
			out[i] = vecs[j]
		}
		if req.Progress != nil {
			req.Progress(len(b.Items), tokens)
		}
	}
	return out, nil
}

// needed is the number of leading tokens the selections read: one past the
// last selected token or span end.
func needed(sels []selection) int {
	n := 0
	for _, s := range sels {
		if s.mean {
			n = max(n, s.end)
		} else {
			n = max(n, s.at+1)
		}
	}
	return n
}

// selectOne resolves one position of a conversation to a token or a span.
func (m *Model) selectOne(msgs []model.Message, ids []int, p model.Positions) (selection, error) {
	switch p.Kind {
	case model.PosEndOfTurn, model.PosUserEnd, model.PosPromptLast:
		at, err := m.turnBoundary(msgs, ids, p.Kind)
		return selection{at: at}, err
	}
	idx, mean, err := m.positions(model.ActivationRequest{Messages: msgs, Positions: p}, ids)
	if err != nil {
		return selection{}, err
	}
	if mean {
		return selection{start: idx[0], end: idx[len(idx)-1] + 1, mean: true}, nil
	}
	if len(idx) != 1 {
		return selection{}, fmt.Errorf("selects %d tokens; batched capture takes one per position", len(idx))
	}
	return selection{at: idx[0]}, nil
}

// turnBoundary finds the end-of-turn token closing the final assistant turn,
// the last token of the final user turn, or the prompt's last token, by
// encoding the conversation's prefixes (which must be prefixes of ids).
func (m *Model) turnBoundary(msgs []model.Message, ids []int, kind model.PositionKind) (int, error) {
	n := len(msgs)
	if n < 2 || msgs[n-1].Role != model.RoleAssistant {
		return 0, fmt.Errorf("%s needs a conversation ending with an assistant turn", kind)
	}
	var prefix []int
	var err error
	switch kind {
	case model.PosEndOfTurn:
		eot, ok := m.tok.TokenID("<|eot_id|>")
		if !ok {
			return 0, fmt.Errorf("the vocabulary has no <|eot_id|>")
		}
		if ids[len(ids)-1] != eot {
			return 0, fmt.Errorf("the encoded conversation does not end with <|eot_id|>")
		}
		return len(ids) - 1, nil
	case model.PosPromptLast:
		prefix, err = m.encodeChat(msgs[:n-1], nil, true)
	case model.PosUserEnd:
		u := n - 1
		for u >= 0 && msgs[u].Role != model.RoleUser {
			u--
		}
		if u < 0 {
			return 0, fmt.Errorf("%s: the conversation has no user turn", kind)
		}
		prefix, err = m.encodeChat(msgs[:u+1], nil, false)
	}
	if err != nil {
		return 0, err
	}
	if len(prefix) == 0 || len(prefix) >= len(ids) || !slices.Equal(prefix, ids[:len(prefix)]) {
		return 0, fmt.Errorf("%s: the encoded prefix is not a prefix of the conversation's tokens", kind)
	}
	return len(prefix) - 1, nil
}

// captureBatch runs one padded batch and returns, per sequence, per layer,
// per position, the selected vector.
func (m *Model) captureBatch(seqs [][]int, sels [][]selection, layers []int, rows, t int) ([][][][]float32, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var points, means []int // position indices by kind
	for p, s := range sels[0] {
		if s.mean {
			means = append(means, p)
		} else {
			points = append(points, p)
		}
	}
	key := "capture:" + strconv.Itoa(len(points)) + ":" + strconv.Itoa(len(means))
	for _, l := range layers {
		key += ":" + strconv.Itoa(l)
	}
	e, err := m.exec(key, func(in []*graph.Node) []*graph.Node {
		return m.captureGraph(in, layers, len(points) > 0, len(means) > 0)
	})
	if err != nil {
		return nil, err
	}
	bt := rightPad(seqs, rows, t)
	args := append(m.weightArgs(),
		tensors.FromFlatDataAndDimensions(bt.ids, rows, t),
		tensors.FromFlatDataAndDimensions(bt.pos, rows, t),
		tensors.FromFlatDataAndDimensions(bt.mask, rows, t))
	if len(points) > 0 {
		idx := make([]int32, rows*len(points)*2)
		for r := 0; r < rows; r++ {
			for q, p := range points {
				at := 0
				if r < len(seqs) {
					at = sels[r][p].at
				}
				idx[(r*len(points)+q)*2], idx[(r*len(points)+q)*2+1] = int32(r), int32(at)
			}
		}
		args = append(args, tensors.FromFlatDataAndDimensions(idx, rows, len(points), 2))
	}
	if len(means) > 0 {
		mask := make([]float32, rows*len(means)*t)
		for r := 0; r < rows; r++ {
			for q, p := range means {
				s := selection{start: 0, end: 1}
				if r < len(seqs) {
					s = sels[r][p]
				}
				for j := s.start; j < s.end; j++ {
					mask[(r*len(means)+q)*t+j] = 1
				}
			}
		}
		args = append(args, tensors.FromFlatDataAndDimensions(mask, rows, len(means), t))
	}
	m.shapes[[3]int{rows, t, len(layers)}] = true
	outs, err := e.Call(args...)
	if err != nil {
		return nil, fmt.Errorf("llama: capture: %w", err)
	}
	defer func() {
		for _, o := range outs {
			o.FinalizeAll()
		}
	}()
	H := m.cfg.HiddenSize
	res := make([][][][]float32, len(seqs))
	for r := range res {
		res[r] = make([][][]float32, len(layers))
		for k := range layers {
			res[r][k] = make([][]float32, len(sels[r]))
		}
	}
	o := 0
	for k := range layers {
		for _, group := range [][]int{points, means} {
			if len(group) == 0 {
				continue
			}
			flat := tensors.MustCopyFlatData[float32](outs[o])
			o++
			for r := range seqs {
				for q, p := range group {
					base := (r*len(group) + q) * H
					res[r][k][p] = flat[base : base+H : base+H]
				}
			}
		}
	}
	return res, nil
}

// captureGraph runs the decoder up to the deepest layer asked for and
// selects positions on the device. Inputs after the weights: ids, pos, mask
// [B, T] int32; point indices [B, P, 2] int32 (row, token) when points;
// mean masks [B, M, T] float32 when means. Outputs per layer: points
// [B, P, H], then means [B, M, H], float32.
func (m *Model) captureGraph(in []*graph.Node, layers []int, points, means bool) []*graph.Node {
	w, rest := m.bindWeights(in)
	ids, pos, mask := rest[0], rest[1], rest[2]
	rest = rest[3:]
	var idx, meanMask *graph.Node
	if points {
		idx, rest = rest[0], rest[1:]
	}
	if means {
		meanMask = rest[0]
	}
	hidden := m.forwardHidden(w, ids, pos, prefillBias(mask), layers)
	var res []*graph.Node
	for _, h := range hidden {
		if points {
			res = append(res, graph.Gather(h, idx))
		}
		if means {
			// A masked sum, not a matmul: an f32 dot may run in TF32 on a
			// GPU, an elementwise product and a sum do not.
			mm := graph.ExpandAxes(meanMask, -1)                             // [B, M, T, 1]
			sum := graph.ReduceSum(graph.Mul(graph.ExpandAxes(h, 1), mm), 2) // [B, M, H]
			count := graph.ReduceSum(mm, 2)                                  // [B, M, 1]
			res = append(res, graph.Div(sum, count))
		}
	}
	return res
}

// forwardHidden is forward's decoder loop stopped after the deepest layer
// asked for, returning hidden states (float32) in the order of layers; it
// computes neither the later layers nor the logits. Steering is not
// applied: extraction reads the unsteered residual stream.
func (m *Model) forwardHidden(w weightNodes, ids, pos, bias *graph.Node, layers []int) []*graph.Node {
	deepest := slices.Max(layers)
	L := m.cfg.NumHiddenLayers
	at := map[int]*graph.Node{}
	x := embed(w, ids)
	cos, sin := ropeCosSin(pos, m.invFreq, x.DType())
	at[0] = x
	for l := 0; l < min(deepest, L); l++ {
		x, _, _ = m.decoderLayer(w.layers[l], x, cos, sin, bias, nil, nil, nil)
		at[l+1] = x
	}
	if deepest == L {
		at[L] = rmsNorm(x, w.norm, m.cfg.RMSNormEps)
	}
	out := make([]*graph.Node, len(layers))
	for k, l := range layers {
		out[k] = graph.ConvertDType(at[l], dtypes.Float32)
	}
	return out
}

// CaptureShapes is the number of distinct [rows, length] batch shapes
// Capture has run (each a compiled graph per layer set).
func (m *Model) CaptureShapes() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.shapes)
}

// CaptureSequences runs token sequences through the batched extraction path
// in one right-padded batch (rows rounded up to a power of two, length to
// its bucket) and returns out[i][k] = {the last token's vector, the mean
// over all tokens} of sequence i at layers[k]. It exists to check the
// batched path against reference hidden states (TestHuggingFaceFixture,
// scripts/gpucheck compare).
func (m *Model) CaptureSequences(seqs [][]int, layers []int) (out [][][][]float32, err error) {
	defer recoverError(&err, "capture sequences")
	longest, err := m.checkSeqs(seqs)
	if err != nil {
		return nil, err
	}
	for _, l := range layers {
		if l < 0 || l > m.cfg.NumHiddenLayers {
			return nil, fmt.Errorf("llama: layer %d outside 0..%d", l, m.cfg.NumHiddenLayers)
		}
	}
	sels := make([][]selection, len(seqs))
	for i, s := range seqs {
		sels[i] = []selection{{at: len(s) - 1}, {start: 0, end: len(s), mean: true}}
	}
	rows := 1
	for rows < len(seqs) {
		rows *= 2
	}
	return m.captureBatch(seqs, sels, layers, rows, BucketLength(longest))
}

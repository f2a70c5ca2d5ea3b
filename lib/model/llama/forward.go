package llama

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // graph code reads like the equations
)

// layerNodes are one decoder layer's weights inside a graph, named after
// their checkpoint tensors model.layers.N.<name>.
type layerNodes struct {
	qProj, kProj, vProj, oProj *Node // self_attn.{q,k,v,o}_proj.weight: [out, in]
	gateProj, upProj, downProj *Node // mlp.{gate,up,down}_proj.weight: [out, in]
	inputNorm, postAttnNorm    *Node // input_layernorm.weight, post_attention_layernorm.weight: [hidden]
}

// weightNodes are all weights inside a graph.
type weightNodes struct {
	embed  *Node // model.embed_tokens.weight: [vocab, hidden]
	norm   *Node // model.norm.weight: [hidden]
	lmHead *Node // lm_head.weight (or embed when tied): [vocab, hidden]
	layers []layerNodes
}

// perLayer is the number of weight tensors of one decoder layer, in the order
// of layerTensorNames.
const perLayer = 9

// bindWeights maps the leading graph inputs (in the order of Model.weights)
// to named weight nodes and returns the remaining inputs.
func (m *Model) bindWeights(inputs []*Node) (weightNodes, []*Node) {
	w := weightNodes{embed: inputs[0], norm: inputs[1]}
	k := 2
	if m.cfg.TieWordEmbeddings {
		w.lmHead = w.embed
	} else {
		w.lmHead = inputs[2]
		k = 3
	}
	for l := 0; l < m.cfg.NumHiddenLayers; l++ {
		in := inputs[k : k+perLayer]
		w.layers = append(w.layers, layerNodes{
			qProj: in[0], kProj: in[1], vProj: in[2], oProj: in[3],
			gateProj: in[4], upProj: in[5], downProj: in[6],
			inputNorm: in[7], postAttnNorm: in[8],
		})
		k += perLayer
	}
	return w, inputs[k:]
}

// linear applies y = x Wᵀ: x [B, T, in], w [out, in] -> [B, T, out].
func linear(x, w *Node) *Node {
	return Einsum("bti,oi->bto", x, w)
}

// rmsNorm computes w ⊙ x / sqrt(mean(x²) + eps) over the last axis, in
// float32, casting back to x's dtype before the weight multiplies (as
// transformers' LlamaRMSNorm does). x [B, T, H], w [H].
func rmsNorm(x, w *Node, eps float64) *Node {
	dt := x.DType()
	xf := ConvertDType(x, dtypes.Float32)
	meanSq := ReduceAndKeep(Square(xf), ReduceMean, -1)
	y := Mul(xf, Rsqrt(AddScalar(meanSq, eps)))
	return Mul(ConvertDType(y, dt), Reshape(w, 1, 1, w.Shape().Dimensions[0]))
}

// ropeCosSin returns cos and sin of the rotation angles pos·f_i, computed in
// float32 and cast to dt: pos [B, T] int32, invFreq [D/2] -> [B, T, 1, D/2].
func ropeCosSin(pos *Node, invFreq []float32, dt dtypes.DType) (cos, sin *Node) {
	g := pos.Graph()
	b, t := pos.Shape().Dimensions[0], pos.Shape().Dimensions[1]
	f := Reshape(Const(g, invFreq), 1, 1, 1, len(invFreq))
	p := Reshape(ConvertDType(pos, dtypes.Float32), b, t, 1, 1)
	angles := Mul(p, f)
	return ConvertDType(Cos(angles), dt), ConvertDType(Sin(angles), dt)
}

// applyRoPE rotates x [B, T, heads, D] in the rotate_half convention of
// transformers: with x = (x₁, x₂) split in halves,
// x' = (x₁ cos − x₂ sin, x₂ cos + x₁ sin). cos, sin: [B, T, 1, D/2].
func applyRoPE(x, cos, sin *Node) *Node {
	d := x.Shape().Dimensions[3]
	x1 := SliceAxis(x, 3, AxisRange(0, d/2))
	x2 := SliceAxis(x, 3, AxisRange(d/2, d))
	return Concatenate([]*Node{
		Sub(Mul(x1, cos), Mul(x2, sin)),
		Add(Mul(x2, cos), Mul(x1, sin)),
	}, 3)
}

// attend computes grouped-query attention of queries q [B, T, H, D] over keys
// and values k, v [B, KVH, S, D], with an additive float32 bias [B, T, S]
// (0 where allowed, a large negative number where masked). Query head h uses
// key/value head h / (H/KVH), as transformers' repeat_kv. Scores are scaled by
// 1/sqrt(D); the softmax runs in float32. Returns [B, T, H·D].
func attend(q, k, v, bias *Node) *Node {
	dims := q.Shape().Dimensions
	b, t, h, d := dims[0], dims[1], dims[2], dims[3]
	kvh := k.Shape().Dimensions[1]
	s := k.Shape().Dimensions[2]
	groups := h / kvh
	q = TransposeAllDims(Reshape(q, b, t, kvh, groups, d), 0, 2, 3, 1, 4) // [B, KVH, G, T, D]
	scores := Einsum("bkgtd,bksd->bkgts", q, k)
	scores = MulScalar(ConvertDType(scores, dtypes.Float32), 1/math.Sqrt(float64(d)))
	scores = Add(scores, Reshape(bias, b, 1, 1, t, s))
	probs := ConvertDType(Softmax(scores, -1), q.DType())
	out := Einsum("bkgts,bksd->bkgtd", probs, v) // [B, KVH, G, T, D]
	out = TransposeAllDims(out, 0, 3, 1, 2, 4)   // [B, T, KVH, G, D]
	return Reshape(out, b, t, h*d)
}

// selfAttention is the attention block: project x [B, T, hidden] to q, k, v,
// rotate q and k, attend, project back. cache, when not nil, holds the past
// keys and values [B, KVH, S, D]; the new k, v are written at slot writeAt
// and attention runs over the whole cache. It returns the block output and
// the keys and values attended over ([B, KVH, T, D] without a cache).
func (m *Model) selfAttention(w layerNodes, x, cos, sin, bias *Node, cacheK, cacheV, writeAt *Node) (out, k, v *Node) {
	c := m.cfg
	dims := x.Shape().Dimensions
	b, t := dims[0], dims[1]
	q := Reshape(linear(x, w.qProj), b, t, c.NumAttentionHeads, c.HeadDim)
	k = Reshape(linear(x, w.kProj), b, t, c.NumKeyValueHeads, c.HeadDim)
	v = Reshape(linear(x, w.vProj), b, t, c.NumKeyValueHeads, c.HeadDim)
	q = applyRoPE(q, cos, sin)
	k = TransposeAllDims(applyRoPE(k, cos, sin), 0, 2, 1, 3) // [B, KVH, T, D]
	v = TransposeAllDims(v, 0, 2, 1, 3)
	if cacheK != nil {
		k, v = m.writeCache(cacheK, k, writeAt), m.writeCache(cacheV, v, writeAt)
	}
	return linear(attend(q, k, v, bias), w.oProj), k, v
}

// writeCache writes the new keys or values kv [B, KVH, T, D] into cache
// [B, KVH, S, D] at slots writeAt..writeAt+T-1. XLA updates in place
// (DynamicUpdateSlice on a donated buffer); the go backend lacks that op in
// GoMLX v0.28.2 (compute v0.1.2), so there a select over slot indices does
// the same (T = 1).
func (m *Model) writeCache(cache, kv, writeAt *Node) *Node {
	if !m.goBackend {
		zero := ScalarZero(kv.Graph(), dtypes.Int32)
		return DynamicUpdateSlice(cache, kv, []*Node{zero, zero, writeAt, zero})
	}
	dims := cache.Shape().Dimensions
	slot := Iota(cache.Graph(), shapeOf(dtypes.Int32, dims...), 2)
	at := BroadcastToDims(Reshape(writeAt, 1, 1, 1, 1), dims...)
	return Where(Equal(slot, at), BroadcastToDims(kv, dims...), cache)
}

// mlp is the SwiGLU block: down(silu(gate(x)) ⊙ up(x)), with silu(z) =
// z·σ(z) evaluated in float32. x [B, T, hidden] -> [B, T, hidden].
func mlp(w layerNodes, x *Node) *Node {
	gate := ConvertDType(linear(x, w.gateProj), dtypes.Float32)
	act := ConvertDType(Mul(gate, Sigmoid(gate)), x.DType())
	return linear(Mul(act, linear(x, w.upProj)), w.downProj)
}

// decoderLayer is one pre-norm block:
//
//	h = x + attn(rmsnorm(x)); out = h + mlp(rmsnorm(h)).
func (m *Model) decoderLayer(w layerNodes, x, cos, sin, bias *Node, cacheK, cacheV, writeAt *Node) (out, k, v *Node) {
	a, k, v := m.selfAttention(w, rmsNorm(x, w.inputNorm, m.cfg.RMSNormEps), cos, sin, bias, cacheK, cacheV, writeAt)
	h := Add(x, a)
	return Add(h, mlp(w, rmsNorm(h, w.postAttnNorm, m.cfg.RMSNormEps))), k, v
}

// embed looks up token embeddings: ids [B, T] int32 -> [B, T, hidden].
func embed(w weightNodes, ids *Node) *Node {
	return Gather(w.embed, ExpandAxes(ids, -1))
}

// maskBias turns a boolean "may attend" mask into an additive float32 bias.
func maskBias(allowed *Node) *Node {
	g := allowed.Graph()
	return Where(allowed, ScalarZero(g, dtypes.Float32), Scalar(g, dtypes.Float32, -1e30))
}

// prefillBias is the causal mask with left padding: query t may attend key s
// when s <= t and s is not a pad. mask [B, T] int32 (1 = token, 0 = pad) ->
// [B, T, T].
func prefillBias(mask *Node) *Node {
	g := mask.Graph()
	b, t := mask.Shape().Dimensions[0], mask.Shape().Dimensions[1]
	qi := Iota(g, shapeOf(dtypes.Int32, b, t, t), 1)
	ki := Iota(g, shapeOf(dtypes.Int32, b, t, t), 2)
	keyOK := BroadcastToDims(Reshape(mask, b, 1, t), b, t, t)
	allowed := LogicalAnd(GreaterOrEqual(qi, ki), Equal(keyOK, OnesLike(keyOK)))
	return maskBias(allowed)
}

// forwardOut collects what a forward pass was asked to return.
type forwardOut struct {
	hidden []*Node // hidden[l] for requested l, float32 [B, T, hidden]
	logits *Node   // float32 [B, T', vocab]
	k, v   []*Node // per layer [B, KVH, T or S, D]
}

// forward runs the model: embed, the decoder layers, the final norm and the
// LM head. It is the one place where the residual stream is visible: with
// record[l] set, out.hidden holds hidden state l in transformers'
// hidden_states convention (0 = embeddings, l = output of layer l for
// l < L, L = final-normed output of layer L). lastOnly restricts logits to
// the last position. With caches, ids are the new tokens written at writeAt.
// A steering input (at most one; steer.go) is added to its hidden state.
func (m *Model) forward(w weightNodes, ids, pos, bias *Node, record []bool, lastOnly bool, cacheK, cacheV []*Node, writeAt *Node, steer ...*steerNodes) forwardOut {
	var out forwardOut
	var st *steerNodes
	if len(steer) > 0 {
		st = steer[0]
	}
	x := st.apply(0, embed(w, ids))
	cos, sin := ropeCosSin(pos, m.invFreq, x.DType())
	keep := func(l int, h *Node) {
		if l < len(record) && record[l] {
			out.hidden = append(out.hidden, ConvertDType(h, dtypes.Float32))
		}
	}
	keep(0, x)
	L := m.cfg.NumHiddenLayers
	for l, lw := range w.layers {
		var ck, cv *Node
		if cacheK != nil {
			ck, cv = cacheK[l], cacheV[l]
		}
		var k, v *Node
		x, k, v = m.decoderLayer(lw, x, cos, sin, bias, ck, cv, writeAt)
		out.k, out.v = append(out.k, k), append(out.v, v)
		if l+1 < L {
			x = st.apply(l+1, x)
			keep(l+1, x)
		}
	}
	x = st.apply(L, rmsNorm(x, w.norm, m.cfg.RMSNormEps))
	keep(L, x)
	if lastOnly {
		t := x.Shape().Dimensions[1]
		x = SliceAxis(x, 1, AxisRange(t-1, t))
	}
	out.logits = ConvertDType(linear(x, w.lmHead), dtypes.Float32)
	return out
}

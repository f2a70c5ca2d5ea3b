// Package llama runs Llama-3.x models (Llama-3.1-8B-Instruct and the family)
// in GoMLX: Hugging Face config.json, memory-mapped (sharded) safetensors
// weights kept in their dtype (bf16 stays bf16), tokenizer.json and the chat
// template through lib/tokenizer. It implements model.Model (Chat) and
// model.ActivationModel (Activations), plus lower-level Forward and Generate.
//
// # Model
//
// With RMSNorm n(x) = w ⊙ x / sqrt(mean(x²) + ε) (computed in float32):
//
//	x⁰      = E[ids]                                          (embed)
//	h       = xˡ + W_o · Attn(RoPE(W_q n(xˡ)), RoPE(W_k n(xˡ)), W_v n(xˡ))
//	xˡ⁺¹    = h + W_down (silu(W_gate n(h)) ⊙ W_up n(h))       (SwiGLU)
//	logits  = W_lm · n(xᴸ)                                   (W_lm = E when tied)
//
// Attention is grouped-query (query head h reads key/value head
// h / (heads/kv_heads)), scaled by 1/sqrt(head_dim), softmax in float32,
// causal, with left padding masked. RoPE follows transformers' rotate_half
// convention, x' = (x₁ cos − x₂ sin, x₂ cos + x₁ sin) over the two halves of
// each head, with Llama 3.1's "llama3" frequency scaling (Config.InvFreq).
// forward.go has one function per block with its shapes, and
// Model.forward is the visible loop over layers where the residual stream
// is captured.
//
// # Conventions
//
// Hidden-state (layer) indices follow transformers' output_hidden_states:
// 0 is the token embeddings, l in 1..L−1 is the output of decoder layer l,
// and L = NumLayers() is the last layer's output AFTER the final RMSNorm
// (model.norm), exactly as transformers returns hidden_states[L] (checked
// against transformers 5.17 by TestHuggingFaceFixture). Positions for
// Activations: "last" (the final token; with the Llama 3 template, the
// <|eot_id|> that closes the conversation), "token" (last occurrence of a
// named token), "assistant_mean" (mean over the final assistant turn's
// content tokens, header and closing <|eot_id|> excluded), "indices"
// (negative from the end). Activations encode the conversation as it stands,
// without a generation prompt.
//
// # Batched extraction (capture.go, buckets.go)
//
// Capture (model.CaptureModel) reads many conversations at several
// positions in one call, each position one vector: besides the kinds above,
// "end_of_turn" (the <|eot_id|> closing the assistant turn), "user_end" (the
// last token of the user turn) and "prompt_last" (the prompt's last token,
// the end of the generation prompt). Each conversation is cut after the
// last token a position reads (causal attention: the vectors do not
// change). Sequences are sorted by length and padded to one of a fixed set
// of lengths (BucketLength: geometric steps of about √2 from 16, so 15
// buckets cover 16-2,048 tokens and waste about 20% of a realistic mix on
// pads), and each bucket is cut into batches of a power-of-two height
// filling MaxBatchTokens, a partial batch's spare rows taking the next
// shorter sequences (PlanBatches): a bucket compiles at most 1 + log2(rows)
// graphs, so 10,000 conversations of 80-1,900 tokens compile 12
// (TestShapesBounded). On the go backend, which builds a graph in
// milliseconds, lengths round up to multiples of 8 instead
// (FineBucketLength: about 3% pads). Capture batches are
// RIGHT-padded: every real token keeps the slot and position id (0..n−1)
// it has alone, and the causal mask alone keeps pads out of real tokens'
// attention; TestCapturePaddingInvariance checks that a conversation's
// vectors at every position kind are the same alone and beside much longer
// and shorter neighbours (1e-5 relative, float32). The decoder stops after
// the deepest layer asked for, positions are selected inside the graph (a
// gather for single tokens, a masked sum for the mean, not a matmul, which
// could run in TF32), and only [rows, positions, hidden] per layer comes
// back to the host.
//
// Forward and Generate batches are left-padded (pads masked, positions
// count real tokens only), so every row's last token is at the same index. Generation is a batched
// prefill followed by KV-cached decoding steps; sampling (greedy,
// temperature, top-p) runs on the host with one PCG generator per request
// seeded by model.Request.Seed, so a request's reply does not depend on the
// batch it ran in. Generation stops at eos_token_id, <|eot_id|>, <|eom_id|>
// or <|end_of_text|>. Tool calls are parsed from Llama 3.1's JSON output
// (ParseToolCalls).
//
// # Precision and tolerances
//
// Compute runs in the checkpoint dtype (Options.DType overrides): matmuls
// accumulate in float32, RMSNorm, silu, RoPE angles and softmax run in
// float32, activations are stored in the compute dtype between ops, as in
// transformers. Against a float64 reference written from the equations
// (ref_test.go) on a random 2-layer model: float32 worst relative error
// 3.7e-7 (tolerance 1e-4), bfloat16 1.0e-2 (tolerance 3e-2: bf16 keeps 8
// significant bits, unit roundoff 3.9e-3, rounded after every op). Against
// transformers: 2.9e-7 on the go backend, 3.7e-7 on an H200 with
// "xla:...,notf32", 5.5e-4 with TF32 matmuls (xla's default).
//
// # Backends and GoMLX version
//
// GoMLX v0.28.2 (the version go.mod pins since 2026-12-06, with
// github.com/gomlx/compute v0.1.2 and github.com/gomlx/go-xla v0.4.1, where
// its backends live; v0.28.0 before, with no change needed here). From GoMLX
// this package uses only core/graph (ops, Einsum, Exec) and core/tensors:
// its ml/layers/attention (RoPE without llama3 scaling, a KV cache tied
// to its model/context variables) and ml/zoo/transformer do not match
// transformers' Llama exactly, so the blocks are written here from the
// equations. The backend comes from Options.Backend or GOMLX_BACKEND: "go"
// (pure Go, default; used by tests) or "xla:/abs/path/plugin.so" with a PJRT
// plugin already on the machine, e.g. JAX's
// site-packages/jax_plugins/xla_cuda13/xla_cuda_plugin.so (see
// scripts/gpu-check.sh). A relative xla plugin name is refused, because
// go-xla would otherwise download ("auto-install") one. The xla backend
// needs cgo; build with -tags noxla to leave it out. The go backend still
// lacks DynamicUpdateSlice in compute v0.1.2, so there the KV cache is
// written with a select over slots; xla updates in place. Attention is an
// Einsum and a softmax here, not graph.BackendFusedScaledDotProductAttention,
// so xla:cuda's cuDNN flash attention (new in v0.28) is not used yet: it
// would need a GPU run against transformers before it replaces attend. GOEXPERIMENT=simd enables the go
// backend's AVX2/AVX-512 matmul kernels (files tagged goexperiment.simd); it
// is optional, builds with Go 1.26, passes the tests, and on this project's
// 2-core AMD EPYC build machine roughly doubled go-backend prefill
// throughput (BenchmarkPrefill, noisy shared machine).
//
// Weights are graph parameters bound by checkpoint name (weights.go), moved
// to the device once; a missing or mis-shaped tensor is an error naming the
// tensor and its layer. GoMLX panics while building graphs; every exported
// function turns a panic into an error.
package llama

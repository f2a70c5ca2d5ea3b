package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/llama"
)

// conv is one line of the conversations file: the text prefscope reads and
// the token ids and positions transformers reads.
type conv struct {
	User       string `json:"user"`
	Assistant  string `json:"assistant"`
	IDs        []int  `json:"ids"`
	EndOfTurn  int    `json:"end_of_turn"`
	UserEnd    int    `json:"user_end"`
	PromptLast int    `json:"prompt_last"`
	MeanStart  int    `json:"mean_start"`
	MeanEnd    int    `json:"mean_end"`
}

// convs writes n conversations with prompts of 20-400 and completions of
// 50-1,500 tokens (uniform, fixed seed; divided by -scale for CPU runs).
func convs(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("convs", flag.ContinueOnError)
	n := fs.Int("n", 10000, "conversations")
	seed := fs.Uint64("seed", 1, "seed of the length mix and the text")
	scale := fs.Int("scale", 1, "divide every length by this (CPU runs)")
	path := fs.String("out", "convs.jsonl", "output file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(*seed, 18))
	text := func(k int) string {
		b := make([]byte, max(k, 1))
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	f, err := os.Create(*path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	tok, tmpl := llama.ByteTokenizer{}, llama.Llama3Layout{}
	tokens := 0
	for i := 0; i < *n; i++ {
		c := conv{User: text((20 + rng.IntN(381)) / *scale), Assistant: text((50 + rng.IntN(1451)) / *scale)}
		msgs := []model.Message{{Role: model.RoleUser, Content: c.User}, {Role: model.RoleAssistant, Content: c.Assistant}}
		full, _ := tmpl.Render(msgs, nil, false)
		user, _ := tmpl.Render(msgs[:1], nil, false)
		prompt, _ := tmpl.Render(msgs[:1], nil, true)
		c.IDs = tok.Encode(full)
		c.EndOfTurn, c.UserEnd, c.PromptLast = len(c.IDs)-1, len(tok.Encode(user))-1, len(tok.Encode(prompt))-1
		c.MeanStart, c.MeanEnd = c.PromptLast+1, len(c.IDs)-1
		tokens += len(c.IDs)
		b, _ := json.Marshal(c)
		w.Write(append(b, '\n'))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(out, "convs: %d conversations, %d tokens in %s\n", *n, tokens, *path)
	return nil
}

func readConvs(path string) ([]conv, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []conv
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var c conv
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, len(out)+1, err)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}

// extractFLOPs is the forward FLOPs of a sequence of n tokens through the
// first `layers` decoder layers: 2 per weight per token for the
// projections and the MLP, plus causal attention's QKᵀ and AV (2·n²·d per
// layer, half of the full n x n products).
func extractFLOPs(c llama.Config, layers, n int) float64 {
	h, qd, kvd := float64(c.HiddenSize), float64(c.NumAttentionHeads*c.HeadDim), float64(c.NumKeyValueHeads*c.HeadDim)
	perTokenWeights := h*qd*2 + h*kvd*2 + 3*h*float64(c.IntermediateSize)
	return float64(layers) * (2*perTokenWeights*float64(n) + 2*float64(n)*float64(n)*qd)
}

// extract runs prefscope's batched extraction (activations.Extract into a
// fresh store: length buckets, four positions selected on the device) over
// the conversations file and prints one EXTRACT JSON line with tokens/s,
// MFU and the number of compiled batch shapes.
func extract(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	dir := fs.String("dir", "", "checkpoint directory")
	path := fs.String("convs", "convs.jsonl", "conversations file (gpucheck convs)")
	layersFlag := fs.String("layers", "16", "comma-separated layers")
	maxTokens := fs.Int("max-batch-tokens", llama.DefaultMaxBatchTokens, "padded tokens per batch")
	shard := fs.Int("shard", 1024, "conversations per shard")
	store := fs.String("store", "", "store directory (default: a temporary one, removed after)")
	peak := fs.Float64("peak-tflops", 989, "the device's dense bf16 peak, for MFU (H100 SXM: 989)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var layers []int
	for _, s := range strings.Split(*layersFlag, ",") {
		l, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("-layers: %w", err)
		}
		layers = append(layers, l)
	}
	cs, err := readConvs(*path)
	if err != nil {
		return err
	}
	t0 := time.Now()
	m, err := llama.Open(*dir, &llama.Options{Tokenizer: llama.ByteTokenizer{}, Template: llama.Llama3Layout{}})
	if err != nil {
		return err
	}
	defer m.Close()
	load := time.Since(t0)
	if *store == "" {
		tmp, err := os.MkdirTemp("", "gpucheck-store")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		*store = filepath.Join(tmp, "store")
	}
	items := make([]activations.Item, len(cs))
	tokens, deepest := 0, 0
	for _, l := range layers {
		deepest = max(deepest, l)
	}
	var flops float64
	for i, c := range cs {
		items[i] = activations.Item{ID: strconv.Itoa(i), Messages: []model.Message{{Role: model.RoleUser, Content: c.User}, {Role: model.RoleAssistant, Content: c.Assistant}}}
		tokens += len(c.IDs)
		flops += extractFLOPs(m.Config(), deepest, len(c.IDs))
	}
	spec := activations.Spec{Layers: layers, ShardSize: *shard, MaxBatchTokens: *maxTokens, Positions: activations.PositionList{
		{Kind: model.PosEndOfTurn}, {Kind: model.PosUserEnd}, {Kind: model.PosAssistantMean}, {Kind: model.PosPromptLast}}}
	t1 := time.Now()
	n, err := activations.Extract(context.Background(), m, items, spec, *store, nil)
	if err != nil {
		return err
	}
	secs := time.Since(t1).Seconds()
	set, err := activations.Load(*store, layers[0])
	if err != nil {
		return err
	}
	if len(set.IDs) != len(cs) || n != len(cs) {
		return fmt.Errorf("extracted %d, stored %d, want %d", n, len(set.IDs), len(cs))
	}
	res := map[string]any{
		"impl": "prefscope", "backend": m.Backend().Name(), "dtype": m.DType().String(),
		"conversations": len(cs), "tokens": tokens, "layers": layers, "positions": len(spec.Positions),
		"max_batch_tokens": *maxTokens, "graphs": m.CaptureShapes(),
		"load_s": load.Seconds(), "extract_s": secs, "tok_s": float64(tokens) / secs, "conv_s": float64(len(cs)) / secs,
		"mfu": flops / secs / (*peak * 1e12),
	}
	js, _ := json.Marshal(res)
	fmt.Fprintln(out, "EXTRACT", string(js))
	return nil
}

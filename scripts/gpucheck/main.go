// Command gpucheck runs the GPU checks of scripts/gpu-check.sh for
// lib/model/llama: a matmul on the configured backend, a comparison of a
// checkpoint's logits and hidden states with Hugging Face reference outputs,
// a prefill/decode throughput benchmark, and the cost of steering. The backend comes from
// GOMLX_BACKEND ("go", or "xla:/abs/path/plugin.so").
//
//	gpucheck matmul
//	gpucheck compare -dir CKPT -ref ref.safetensors [-tol 1e-4]
//	gpucheck bench -dir CKPT [-batch 8] [-prompt 512] [-new 64]
//	gpucheck steer -dir CKPT [-batch 8] [-prompt 512] [-new 64] [-layer 16] [-multipliers -0.1,...] [-max-slowdown 0.1]
//	gpucheck convs [-n 10000] [-seed 1] [-scale 1] -out convs.jsonl
//	gpucheck extract -dir CKPT -convs convs.jsonl [-layers 16] [-max-batch-tokens N] [-shard 1024]
//	gpucheck probe -study data/studies/scale [-layer 16]   (CPU: the probe sweep at scale)
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"sort"

	"time"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/prefscope/prefscope/lib/model/llama"
	"github.com/prefscope/prefscope/lib/safetensors"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gpucheck:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: gpucheck matmul|compare|bench|steer|convs|extract|probe [flags]")
	}
	switch args[0] {
	case "matmul":
		return matmul(out)
	case "compare":
		return compare(args[1:], out)
	case "bench":
		return bench(args[1:], out)
	case "steer":
		return steerTime(args[1:], out)
	case "convs":
		return convs(args[1:], out)
	case "extract":
		return extract(args[1:], out)
	case "probe":
		return probeSweep(args[1:], out)
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// matmul multiplies two random 1024x1024 float32 matrices on the backend and
// checks the product against a float64 CPU product (rel err < 1e-2 allows
// TF32 on the GPU).
func matmul(out io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	backend, err := llama.NewBackend("")
	if err != nil {
		return err
	}
	const n = 1024
	rng := rand.New(rand.NewPCG(1, 2))
	a, b := make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i], b[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	e, err := graph.NewExec(backend, func(x, y *graph.Node) *graph.Node { return graph.Einsum("ij,jk->ik", x, y) })
	if err != nil {
		return err
	}
	ta := tensors.FromFlatDataAndDimensions(a, n, n)
	tb := tensors.FromFlatDataAndDimensions(b, n, n)
	if _, err := e.Call(ta, tb); err != nil { // compile
		return err
	}
	start := time.Now()
	const reps = 10
	var res []*tensors.Tensor
	for i := 0; i < reps; i++ {
		if res, err = e.Call(ta, tb); err != nil {
			return err
		}
		_ = tensors.MustCopyFlatData[float32](res[0])
	}
	el := time.Since(start) / reps
	got := tensors.MustCopyFlatData[float32](res[0])
	var num, den float64
	for i := 0; i < 64; i++ { // check 64 rows in float64
		for k := 0; k < n; k++ {
			var s float64
			for j := 0; j < n; j++ {
				s += float64(a[i*n+j]) * float64(b[j*n+k])
			}
			num = math.Max(num, math.Abs(float64(got[i*n+k])-s))
			den = math.Max(den, math.Abs(s))
		}
	}
	fmt.Fprintf(out, "matmul backend=%q device=%q 1024^3 f32: %.3f ms/iter (incl. readback), rel err %.2e\n",
		backend.Name(), backend.DeviceDescription(0), float64(el.Microseconds())/1000, num/den)
	if num/den > 1e-2 {
		return fmt.Errorf("matmul rel err %.2e > 1e-2", num/den)
	}
	return nil
}

// compare checks our forward pass against the reference outputs written by
// hf_reference.py: for each sequence i, seq{i}.ids (I64), seq{i}.logits
// [T, V] and seq{i}.hidden.{l} [T, H]. Each sequence is run alone and all
// together as a left-padded batch, and all together through the batched
// extraction path (right-padded, last token and mean selected in the graph).
func compare(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	dir := fs.String("dir", "", "checkpoint directory")
	refPath := fs.String("ref", "", "reference safetensors")
	tol := fs.Float64("tol", 1e-4, "max rel err")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ref, err := safetensors.Open(*refPath)
	if err != nil {
		return err
	}
	defer ref.Close()
	m, err := llama.Open(*dir, nil)
	if err != nil {
		return err
	}
	defer m.Close()
	worst, per, err := CompareWithReference(m, ref)
	if err != nil {
		return err
	}
	var names []string
	for k := range per {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(out, "  %-10s rel err %.2e\n", k, per[k])
	}
	fmt.Fprintf(out, "compare backend=%s (%s) dtype=%s: worst rel err vs HF %.2e (tolerance %.0e)\n",
		m.Backend().Name(), os.Getenv("GOMLX_BACKEND"), m.DType(), worst, *tol)
	if worst > *tol {
		return fmt.Errorf("rel err %.2e > %.0e", worst, *tol)
	}
	return nil
}

// CompareWithReference returns the worst max-abs-over-max-abs error of m's
// logits and hidden states against ref, overall and per output kind.
func CompareWithReference(m *llama.Model, ref safetensors.Source) (float64, map[string]float64, error) {
	per := map[string]float64{}
	var seqs [][]int
	for i := 0; ; i++ {
		in, ok := ref.Info(fmt.Sprintf("seq%d.ids", i))
		if !ok {
			break
		}
		b, _ := ref.Bytes(in.Name)
		ids := make([]int, in.NumElements())
		for j := range ids {
			ids[j] = int(int64(binary.LittleEndian.Uint64(b[8*j:])))
		}
		seqs = append(seqs, ids)
	}
	if len(seqs) == 0 {
		return 0, nil, fmt.Errorf("reference has no seq0.ids")
	}
	layers := make([]int, m.NumLayers()+1)
	for l := range layers {
		layers[l] = l
	}
	batched, err := m.Forward(seqs, layers, true)
	if err != nil {
		return 0, nil, err
	}
	var worst float64
	for i, s := range seqs {
		alone, err := m.Forward([][]int{s}, layers, true)
		if err != nil {
			return 0, nil, err
		}
		want, _, err := safetensors.Float32(ref, fmt.Sprintf("seq%d.logits", i))
		if err != nil {
			return 0, nil, err
		}
		per["logits"] = math.Max(per["logits"], math.Max(rel(alone.Logits[0], want), rel(batched.Logits[i], want)))
		for _, l := range layers {
			want, _, err := safetensors.Float32(ref, fmt.Sprintf("seq%d.hidden.%d", i, l))
			if err != nil {
				return 0, nil, err
			}
			k := fmt.Sprintf("hidden.%d", l)
			per[k] = math.Max(per[k], math.Max(rel(alone.Hidden[l][0], want), rel(batched.Hidden[l][i], want)))
		}
	}
	// The batched extraction path (right padding, positions selected in
	// the graph): every sequence in one batch, last token and mean.
	capt, err := m.CaptureSequences(seqs, layers)
	if err != nil {
		return 0, nil, err
	}
	for i := range seqs {
		for k, l := range layers {
			want, shape, err := safetensors.Float32(ref, fmt.Sprintf("seq%d.hidden.%d", i, l))
			if err != nil {
				return 0, nil, err
			}
			last, mean := want[(shape[0]-1)*shape[1]:], make([]float32, shape[1])
			for r := 0; r < shape[0]; r++ {
				for c := range mean {
					mean[c] += want[r*shape[1]+c] / float32(shape[0])
				}
			}
			kl, km := fmt.Sprintf("capture.%d.last", l), fmt.Sprintf("capture.%d.mean", l)
			per[kl] = math.Max(per[kl], rel([][]float32{capt[i][k][0]}, last))
			per[km] = math.Max(per[km], rel([][]float32{capt[i][k][1]}, mean))
		}
	}
	for _, v := range per {
		worst = math.Max(worst, v)
	}
	return worst, per, nil
}

func rel(got [][]float32, want []float32) float64 {
	var num, den float64
	k := 0
	for _, row := range got {
		for _, v := range row {
			num = math.Max(num, math.Abs(float64(v)-float64(want[k])))
			den = math.Max(den, math.Abs(float64(want[k])))
			k++
		}
	}
	if k != len(want) {
		return math.Inf(1)
	}
	return num / den
}

// bench measures prefill and greedy decode throughput: one untimed run to
// compile, then timed runs; it prints one JSON line.
func bench(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	dir := fs.String("dir", "", "checkpoint directory")
	b := fs.Int("batch", 8, "batch size")
	p := fs.Int("prompt", 512, "prompt tokens")
	n := fs.Int("new", 64, "new tokens per sequence")
	reps := fs.Int("reps", 3, "timed runs (median reported)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t0 := time.Now()
	m, err := llama.Open(*dir, nil)
	if err != nil {
		return err
	}
	defer m.Close()
	load := time.Since(t0)
	prompts := randomPrompts(m, *b, *p, 5)
	ctx := context.Background()
	t1 := time.Now()
	if _, err := m.Generate(ctx, prompts, nil, llama.GenerateOptions{MaxNewTokens: *n, NoStop: true}); err != nil {
		return err
	}
	warm := time.Since(t1)
	var pre, dec []float64
	for r := 0; r < *reps; r++ {
		var st llama.GenerateStats
		if _, err := m.Generate(ctx, prompts, nil, llama.GenerateOptions{MaxNewTokens: *n, NoStop: true, Stats: &st}); err != nil {
			return err
		}
		pre = append(pre, float64(st.PrefillTokens)/st.Prefill.Seconds())
		dec = append(dec, float64(st.DecodeSteps**b)/st.Decode.Seconds())
	}
	res := map[string]any{
		"impl": "prefscope", "backend": m.Backend().Name(), "dtype": m.DType().String(),
		"batch": *b, "prompt": *p, "new": *n,
		"load_s": load.Seconds(), "first_run_s": warm.Seconds(),
		"prefill_tok_s": median(pre), "decode_tok_s": median(dec),
	}
	js, _ := json.Marshal(res)
	fmt.Fprintln(out, "BENCH", string(js))
	return nil
}

// randomPrompts is b prompts of p tokens drawn with seed from the
// vocabulary above its special-token range.
func randomPrompts(m *llama.Model, b, p int, seed uint64) [][]int {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	vocab := m.Config().VocabSize
	lo := min(1000, vocab/2) // skip the special-token range of real vocabularies
	prompts := make([][]int, b)
	for i := range prompts {
		prompts[i] = make([]int, p)
		for j := range prompts[i] {
			prompts[i][j] = lo + rng.IntN(vocab-lo)
		}
	}
	return prompts
}

func median(x []float64) float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	return s[len(s)/2]
}

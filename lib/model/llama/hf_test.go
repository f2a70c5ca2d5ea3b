package llama

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/prefscope/prefscope/lib/safetensors"
)

// referenceSeqs reads the token ids of a reference file's sequences
// (seq0.ids, seq1.ids, ... as little-endian int64) until one is missing.
func referenceSeqs(ref safetensors.Source) [][]int {
	var seqs [][]int
	for i := 0; ; i++ {
		b, err := ref.Bytes(fmt.Sprintf("seq%d.ids", i))
		if err != nil {
			return seqs
		}
		ids := make([]int, len(b)/8)
		for j := range ids {
			ids[j] = int(int64(binary.LittleEndian.Uint64(b[8*j:])))
		}
		seqs = append(seqs, ids)
	}
}

// compareWithReference runs m on the sequences of a reference file (seq{i}.ids,
// seq{i}.logits [T, V], seq{i}.hidden.{l} [T, H]), alone and as one
// left-padded batch, and returns the worst relative error per output.
func compareWithReference(t *testing.T, m *Model, ref safetensors.Source) map[string]float64 {
	t.Helper()
	seqs := referenceSeqs(ref)
	if len(seqs) == 0 {
		t.Fatal("reference has no seq0.ids")
	}
	layers := make([]int, m.NumLayers()+1)
	for l := range layers {
		layers[l] = l
	}
	batched, err := m.Forward(seqs, layers, true)
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]float64{}
	for i, s := range seqs {
		alone, err := m.Forward([][]int{s}, layers, true)
		if err != nil {
			t.Fatal(err)
		}
		check := func(key, name string, a, b [][]float32) {
			want, shape, err := safetensors.Float32(ref, name)
			if err != nil {
				t.Fatal(err)
			}
			rows := make([][]float64, shape[0])
			for r := range rows {
				rows[r] = make([]float64, shape[1])
				for c := range rows[r] {
					rows[r][c] = float64(want[r*shape[1]+c])
				}
			}
			per[key] = math.Max(per[key], math.Max(relErr(a, rows), relErr(b, rows)))
		}
		check("logits", fmt.Sprintf("seq%d.logits", i), alone.Logits[0], batched.Logits[i])
		for _, l := range layers {
			check(fmt.Sprintf("hidden.%d", l), fmt.Sprintf("seq%d.hidden.%d", i, l), alone.Hidden[l][0], batched.Hidden[l][i])
		}
	}
	return per
}

// TestHuggingFaceFixture compares the go backend with transformers' outputs
// on the tiny random LlamaForCausalLM that scripts/gpu-check.sh builds
// (seeded; float64 CPU eager attention, stored as float32). Tolerance 1e-4
// relative, as for the float64 reference in llama_test.go; the fixture's
// own float32 rounding (6e-8) is far below it.
func TestHuggingFaceFixture(t *testing.T) {
	dir := filepath.Join("testdata", "hf")
	refPath := filepath.Join(dir, "ref.safetensors")
	if _, err := os.Stat(refPath); err != nil {
		t.Skipf("%s absent: run scripts/gpu-check.sh on a GPU machine and commit $OUT/hf/ to %s", refPath, dir)
	}
	m, err := Open(dir, &Options{Backend: "go"})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ref, err := safetensors.Open(refPath)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	if want, _, err := safetensors.Float32(ref, "inv_freq"); err == nil {
		got := m.cfg.InvFreq()
		for i := range want {
			if e := math.Abs(got[i]-float64(want[i])) / float64(want[i]); e > 1e-6 {
				t.Errorf("inv_freq[%d] = %g, transformers %g", i, got[i], want[i])
			}
		}
	}
	for k, e := range compareCaptureWithReference(t, m, ref) {
		t.Logf("capture %-9s rel err %.2e", k, e)
		if e > 1e-4 {
			t.Errorf("batched capture %s: rel err %.2e vs transformers > 1e-4", k, e)
		}
	}
	for k, e := range compareWithReference(t, m, ref) {
		t.Logf("%-9s rel err %.2e", k, e)
		if e > 1e-4 {
			t.Errorf("%s: rel err %.2e vs transformers > 1e-4", k, e)
		}
	}
}

// TestReferenceFileComparison checks compareWithReference itself on a
// reference file written from the float64 reference (so the fixture path is
// exercised before the GPU machine has produced transformers' file).
func TestReferenceFileComparison(t *testing.T) {
	tm := openTiny(t, "float32")
	var ts []safetensors.Tensor
	for i, s := range testSeqs()[:2] {
		ids := make([]int64, len(s))
		for j, v := range s {
			ids[j] = int64(v)
		}
		ts = append(ts, safetensors.I64Tensor(fmt.Sprintf("seq%d.ids", i), []int{len(s)}, ids))
		hidden, logits := refForward(tm.cfg, tm.ref, s)
		ts = append(ts, f32Rows(fmt.Sprintf("seq%d.logits", i), logits))
		for l, h := range hidden {
			ts = append(ts, f32Rows(fmt.Sprintf("seq%d.hidden.%d", i, l), h))
		}
	}
	path := filepath.Join(t.TempDir(), "ref.safetensors")
	if err := safetensors.WriteFile(path, ts, nil); err != nil {
		t.Fatal(err)
	}
	ref, err := safetensors.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	per := compareWithReference(t, tm.m, ref)
	if len(per) != 1+tm.cfg.NumHiddenLayers+1 {
		t.Errorf("compared %d outputs, want logits and %d hidden states", len(per), tm.cfg.NumHiddenLayers+1)
	}
	for k, e := range per {
		if e > 1e-4 {
			t.Errorf("%s: rel err %.2e > 1e-4", k, e)
		}
	}
}

func f32Rows(name string, rows [][]float64) safetensors.Tensor {
	var flat []float32
	for _, r := range rows {
		for _, v := range r {
			flat = append(flat, float32(v))
		}
	}
	return safetensors.F32Tensor(name, []int{len(rows), len(rows[0])}, flat)
}

// compareCaptureWithReference runs the batched extraction path (right
// padding, positions selected in the graph) over the reference's sequences
// in one batch and compares, at every layer, the last token's vector and the
// mean over all tokens with transformers' hidden states.
func compareCaptureWithReference(t *testing.T, m *Model, ref safetensors.Source) map[string]float64 {
	t.Helper()
	seqs := referenceSeqs(ref)
	layers := make([]int, m.NumLayers()+1)
	for l := range layers {
		layers[l] = l
	}
	got, err := m.CaptureSequences(seqs, layers)
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]float64{}
	for i := range seqs {
		for k, l := range layers {
			want, shape, err := safetensors.Float32(ref, fmt.Sprintf("seq%d.hidden.%d", i, l))
			if err != nil {
				t.Fatal(err)
			}
			last := make([]float64, shape[1])
			mean := make([]float64, shape[1])
			for r := 0; r < shape[0]; r++ {
				for c := range mean {
					mean[c] += float64(want[r*shape[1]+c]) / float64(shape[0])
				}
			}
			for c := range last {
				last[c] = float64(want[(shape[0]-1)*shape[1]+c])
			}
			key := fmt.Sprintf("hidden.%d", l)
			per[key+".last"] = math.Max(per[key+".last"], relErr([][]float32{got[i][k][0]}, [][]float64{last}))
			per[key+".mean"] = math.Max(per[key+".mean"], relErr([][]float32{got[i][k][1]}, [][]float64{mean}))
		}
	}
	return per
}

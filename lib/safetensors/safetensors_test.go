package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes/bfloat16"
	"github.com/gomlx/compute/dtypes/float16"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.safetensors")
	f32 := []float32{1, -2.5, 3.25, 0, float32(math.Inf(1)), 1e-30}
	want := []Tensor{
		F32Tensor("b.f32", []int{2, 3}, f32),
		BF16Tensor("a.bf16", []int{3}, []float32{1, -0.5, 65280}),
		I64Tensor("c.i64", []int{2}, []int64{-7, 1 << 40}),
		F32Tensor("scalar", nil, []float32{42}),
		F32Tensor("empty", []int{0, 4}, nil),
	}
	if err := WriteFile(path, want, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.Names(); !slices.Equal(got, []string{"a.bf16", "b.f32", "c.i64", "empty", "scalar"}) {
		t.Errorf("Names = %v", got)
	}
	if f.Metadata["format"] != "pt" {
		t.Errorf("Metadata = %v", f.Metadata)
	}
	for _, w := range want {
		t.Run(w.Name, func(t *testing.T) {
			in, ok := f.Info(w.Name)
			if !ok {
				t.Fatalf("missing")
			}
			wantShape := w.Shape
			if wantShape == nil {
				wantShape = []int{}
			}
			if in.DType != w.DType || !slices.Equal(in.Shape, wantShape) {
				t.Errorf("info = %s %v, want %s %v", in.DType, in.Shape, w.DType, wantShape)
			}
			b, err := f.Bytes(w.Name)
			if err != nil || !bytes.Equal(b, w.Data) {
				t.Errorf("bytes differ (err %v)", err)
			}
		})
	}
	// Exact round trip of float32 values, and bf16 values that bf16 represents exactly.
	got, shape, err := Float32(f, "b.f32")
	if err != nil || !slices.Equal(got, f32) || !slices.Equal(shape, []int{2, 3}) {
		t.Errorf("Float32(b.f32) = %v %v %v", got, shape, err)
	}
	got, _, err = Float32(f, "a.bf16")
	if err != nil || !slices.Equal(got, []float32{1, -0.5, 65280}) {
		t.Errorf("Float32(a.bf16) = %v %v", got, err)
	}
	if _, _, err := Float32(f, "c.i64"); err == nil {
		t.Errorf("Float32 of an I64 tensor: want error")
	}
	// The header is padded to a multiple of 8, as the reference writer does.
	raw, _ := os.ReadFile(path)
	if n := binary.LittleEndian.Uint64(raw); n%8 != 0 {
		t.Errorf("header length %d not a multiple of 8", n)
	}
}

func TestWriteErrors(t *testing.T) {
	cases := []struct {
		name    string
		tensors []Tensor
		want    string
	}{
		{"duplicate", []Tensor{F32Tensor("a", []int{1}, []float32{1}), F32Tensor("a", []int{1}, []float32{2})}, `"a" written twice`},
		{"size mismatch", []Tensor{{Name: "a", DType: F32, Shape: []int{3}, Data: make([]byte, 8)}}, "needs 12 bytes, got 8"},
		{"unknown dtype", []Tensor{{Name: "a", DType: "F8", Shape: []int{1}, Data: make([]byte, 1)}}, "unknown dtype"},
		{"reserved name", []Tensor{F32Tensor("__metadata__", []int{1}, []float32{1})}, "invalid tensor name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Write(&bytes.Buffer{}, c.tensors, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

// TestBF16 checks GoMLX's bfloat16 rounding, which the writer uses, against
// hand-derived bit patterns: bf16 keeps the top 16 bits of a float32,
// rounding the dropped 16 bits to nearest, ties to even.
func TestBF16(t *testing.T) {
	cases := []struct {
		name string
		in   uint32 // float32 bits
		want uint16
	}{
		{"one", 0x3f800000, 0x3f80},
		{"below half rounds down", 0x3f807fff, 0x3f80},
		{"tie to even (even stays)", 0x3f808000, 0x3f80},
		{"tie to even (odd rounds up)", 0x3f818000, 0x3f82},
		{"above half rounds up", 0x3f808001, 0x3f81},
		{"max finite rounds to inf", 0x7f7fffff, 0x7f80},
		{"negative", 0xc0490fdb, 0xc049}, // -pi
		{"inf", 0x7f800000, 0x7f80},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := uint16(bfloat16.FromFloat32(math.Float32frombits(c.in))); got != c.want {
				t.Errorf("bfloat16.FromFloat32(%#08x) = %#04x, want %#04x", c.in, got, c.want)
			}
		})
	}
	if nan := bfloat16.FromFloat32(float32(math.NaN())).Float32(); !math.IsNaN(float64(nan)) {
		t.Errorf("NaN became %v", nan)
	}
	// Every bf16 value widens and narrows back to itself (exactness of the widening).
	for h := 0; h < 1<<16; h++ {
		f := bfloat16.BFloat16(uint16(h)).Float32()
		if math.IsNaN(float64(f)) {
			continue
		}
		if back := uint16(bfloat16.FromFloat32(f)); back != uint16(h) {
			t.Fatalf("bf16 %#04x -> %v -> %#04x", h, f, back)
		}
	}
}

// TestF16 checks half-precision widening on hand-checked patterns.
func TestF16(t *testing.T) {
	cases := []struct {
		in   uint16
		want float32
	}{
		{0x3c00, 1}, {0xc000, -2}, {0x7bff, 65504}, {0x0001, 5.960464477539063e-08},
		{0x3555, 0.333251953125}, {0x0000, 0}, {0x7c00, float32(math.Inf(1))},
	}
	for _, c := range cases {
		if got := float16.Float16(c.in).Float32(); got != c.want {
			t.Errorf("Float32FromF16(%#04x) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestCheckpointSharded(t *testing.T) {
	dir := t.TempDir()
	a := []Tensor{F32Tensor("model.embed_tokens.weight", []int{2, 2}, []float32{1, 2, 3, 4})}
	b := []Tensor{BF16Tensor("model.norm.weight", []int{2}, []float32{1, 2}), F32Tensor("lm_head.weight", []int{2, 2}, []float32{5, 6, 7, 8})}
	must(t, WriteFile(filepath.Join(dir, "model-00001-of-00002.safetensors"), a, nil))
	must(t, WriteFile(filepath.Join(dir, "model-00002-of-00002.safetensors"), b, nil))
	writeIndex := func(m map[string]string) {
		js, _ := json.Marshal(map[string]any{"metadata": map[string]any{"total_size": 28}, "weight_map": m})
		must(t, os.WriteFile(filepath.Join(dir, IndexFile), js, 0o644))
	}
	good := map[string]string{
		"model.embed_tokens.weight": "model-00001-of-00002.safetensors",
		"model.norm.weight":         "model-00002-of-00002.safetensors",
		"lm_head.weight":            "model-00002-of-00002.safetensors",
	}
	writeIndex(good)
	c, err := OpenCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Names(); !slices.Equal(got, []string{"lm_head.weight", "model.embed_tokens.weight", "model.norm.weight"}) {
		t.Errorf("Names = %v", got)
	}
	v, _, err := Float32(c, "lm_head.weight")
	if err != nil || !slices.Equal(v, []float32{5, 6, 7, 8}) {
		t.Errorf("lm_head = %v %v", v, err)
	}
	if _, err := c.Bytes("nope"); err == nil {
		t.Errorf("Bytes(nope): want error")
	}
	must(t, c.Close())

	bad := []struct {
		name string
		m    map[string]string
		want string
	}{
		{"index names a tensor its shard lacks", map[string]string{"model.norm.weight": "model-00001-of-00002.safetensors"}, `lists tensor "model.norm.weight"`},
		{"missing shard", map[string]string{"x": "model-00003-of-00003.safetensors"}, "no such file"},
		{"path escape", map[string]string{"x": "../evil.safetensors"}, "not a plain file name"},
		{"empty weight map", map[string]string{}, "empty or missing weight_map"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			writeIndex(c.m)
			_, err := OpenCheckpoint(dir)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
	t.Run("single file", func(t *testing.T) {
		d := t.TempDir()
		must(t, WriteFile(filepath.Join(d, SingleFile), a, nil))
		c, err := OpenCheckpoint(d)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if in, ok := c.Info("model.embed_tokens.weight"); !ok || !slices.Equal(in.Shape, []int{2, 2}) {
			t.Errorf("Info = %v %v", in, ok)
		}
	})
}

// header builds a file from a raw header string and n data bytes.
func header(h string, n int) []byte {
	var b bytes.Buffer
	var l [8]byte
	binary.LittleEndian.PutUint64(l[:], uint64(len(h)))
	b.Write(l[:])
	b.WriteString(h)
	b.Write(make([]byte, n))
	return b.Bytes()
}

func TestMalformed(t *testing.T) {
	huge := make([]byte, 8)
	binary.LittleEndian.PutUint64(huge, 1<<62)
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"too short", []byte{1, 2, 3}, "shorter than the 8-byte header length"},
		{"length past end", header(`{}`, 0)[:9], "exceeds the file's"},
		{"huge length", huge, "exceeds the 104857600-byte limit"},
		{"not json", header(`{"a":`, 0), "header JSON"},
		{"not an object", header(`[1,2]`, 0), "not a JSON object"},
		{"unknown dtype", header(`{"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}`, 1), `tensor "a": unknown dtype "F8"`},
		{"offsets count", header(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}`, 4), "data_offsets has 1 values"},
		{"offsets past data", header(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, 4), "outside the 4 data bytes"},
		{"reversed offsets", header(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}`, 4), "outside"},
		{"shape vs bytes", header(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, 8), "needs 12 bytes, data_offsets give 8"},
		{"negative dim", header(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, 4), "negative dimension"},
		{"overflowing shape", header(`{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}`, 4), "overflows"},
		{"overlap", header(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), "overlap"},
		{"bad metadata", header(`{"__metadata__":{"k":1}}`, 0), "__metadata__"},
		{"bad entry", header(`{"a":{"dtype":3}}`, 0), `tensor "a"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.file)
			if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want ErrFormat mentioning %q", err, c.want)
			}
		})
	}
	t.Run("file on disk", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "bad.safetensors")
		must(t, os.WriteFile(p, header(`{"a":`, 0), 0o644))
		_, err := Open(p)
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("err = %v, want it to name the file", err)
		}
	})
}

// FuzzParse checks that Parse never panics and that whatever it accepts
// serves in-bounds views of every tensor.
func FuzzParse(f *testing.F) {
	var good bytes.Buffer
	_ = Write(&good, []Tensor{F32Tensor("a", []int{2}, []float32{1, 2}), BF16Tensor("b", []int{1, 1}, []float32{3})}, map[string]string{"k": "v"})
	f.Add(good.Bytes())
	f.Add(header(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, 8))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data)
		if err != nil {
			return
		}
		for _, n := range file.Names() {
			in, _ := file.Info(n)
			b, err := file.Bytes(n)
			if err != nil || int64(len(b)) != in.End-in.Begin {
				t.Fatalf("tensor %q: %d bytes, err %v", n, len(b), err)
			}
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

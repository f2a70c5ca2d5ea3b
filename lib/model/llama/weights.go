package llama

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/dtypes/bfloat16"
	"github.com/gomlx/compute/dtypes/float16"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/prefscope/prefscope/lib/safetensors"
)

func shapeOf(dt dtypes.DType, dims ...int) shapes.Shape { return shapes.Make(dt, dims...) }

// layerTensorNames are decoder layer l's checkpoint names, in the order
// bindWeights reads them.
func layerTensorNames(l int) []string {
	p := fmt.Sprintf("model.layers.%d.", l)
	return []string{
		p + "self_attn.q_proj.weight", p + "self_attn.k_proj.weight", p + "self_attn.v_proj.weight", p + "self_attn.o_proj.weight",
		p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight", p + "mlp.down_proj.weight",
		p + "input_layernorm.weight", p + "post_attention_layernorm.weight",
	}
}

// weightSpec is one expected tensor: its checkpoint name, layer (-1 for
// none) and shape.
type weightSpec struct {
	name  string
	layer int
	shape []int
}

// weightSpecs lists every tensor the model binds, in graph-input order.
func (c *Config) weightSpecs() []weightSpec {
	h, v, i := c.HiddenSize, c.VocabSize, c.IntermediateSize
	qd, kvd := c.NumAttentionHeads*c.HeadDim, c.NumKeyValueHeads*c.HeadDim
	specs := []weightSpec{
		{"model.embed_tokens.weight", -1, []int{v, h}},
		{"model.norm.weight", -1, []int{h}},
	}
	if !c.TieWordEmbeddings {
		specs = append(specs, weightSpec{"lm_head.weight", -1, []int{v, h}})
	}
	for l := 0; l < c.NumHiddenLayers; l++ {
		n := layerTensorNames(l)
		shapes := [][]int{{qd, h}, {kvd, h}, {kvd, h}, {h, qd}, {i, h}, {i, h}, {h, i}, {h}, {h}}
		for k := range n {
			specs = append(specs, weightSpec{n[k], l, shapes[k]})
		}
	}
	return specs
}

// parseDType maps a Hugging Face dtype name to GoMLX's.
func parseDType(name string) (dtypes.DType, error) {
	switch name {
	case "float32":
		return dtypes.Float32, nil
	case "bfloat16":
		return dtypes.BFloat16, nil
	case "float16":
		return dtypes.Float16, nil
	}
	return dtypes.InvalidDType, fmt.Errorf("llama: dtype %q is not one of float32, bfloat16, float16", name)
}

func stDType(dt dtypes.DType) safetensors.DType {
	switch dt {
	case dtypes.Float32:
		return safetensors.F32
	case dtypes.BFloat16:
		return safetensors.BF16
	case dtypes.Float16:
		return safetensors.F16
	}
	return ""
}

// loadWeights reads every tensor of specs from src as dtype dt, checking
// presence and shape. Tensors already in dt are copied byte for byte from the
// mapped file (bf16 stays bf16); others are converted through float32.
func loadWeights(src safetensors.Source, specs []weightSpec, dt dtypes.DType) ([]*tensors.Tensor, error) {
	out := make([]*tensors.Tensor, 0, len(specs))
	for _, s := range specs {
		where := ""
		if s.layer >= 0 {
			where = fmt.Sprintf("layer %d: ", s.layer)
		}
		info, ok := src.Info(s.name)
		if !ok {
			return nil, fmt.Errorf("llama: %smissing tensor %q", where, s.name)
		}
		if !slices.Equal(info.Shape, s.shape) {
			return nil, fmt.Errorf("llama: %stensor %q has shape %v, want %v", where, s.name, info.Shape, s.shape)
		}
		raw, err := src.Bytes(s.name)
		if err != nil {
			return nil, fmt.Errorf("llama: %s%w", where, err)
		}
		t := tensors.FromShape(shapeOf(dt, s.shape...))
		if info.DType == stDType(dt) {
			err = t.MutableBytes(func(b []byte) { copy(b, raw) })
		} else {
			var f []float32
			f, err = safetensors.ToFloat32(info.DType, raw)
			if err == nil {
				err = t.MutableBytes(func(b []byte) { packFloat32(b, f, dt) })
			}
		}
		if err != nil {
			return nil, fmt.Errorf("llama: %stensor %q: %w", where, s.name, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// packFloat32 writes f as dt (float32, bfloat16 rounded to nearest-even, or
// float16) into b.
func packFloat32(b []byte, f []float32, dt dtypes.DType) {
	switch dt {
	case dtypes.Float32:
		for i, v := range f {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
		}
	case dtypes.BFloat16:
		for i, v := range f {
			binary.LittleEndian.PutUint16(b[2*i:], uint16(bfloat16.FromFloat32(v)))
		}
	case dtypes.Float16:
		for i, v := range f {
			binary.LittleEndian.PutUint16(b[2*i:], float16.FromFloat32(v).Bits())
		}
	}
}

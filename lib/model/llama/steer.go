package llama

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/prefscope/prefscope/lib/model"
)

// Steer is the steering of one Generate call: at hidden state Layer (the
// hidden_states convention of Forward), row r of the batch gets
// Prefill[r][j]·Dirs[r] added at prompt token j and Decode[r]·Dirs[r] at
// every generated token. A nil row is not steered. Rows may have different
// directions and coefficients; they share the layer.
type Steer struct {
	Layer   int
	Dirs    [][]float32
	Prefill [][]float32
	Decode  []float32
}

// steerNodes are a steered graph's extra inputs: coef [B, T] and dir [B, H].
type steerNodes struct {
	layer     int
	coef, dir *graph.Node
}

// apply adds coef·dir to hidden state h [B, T, H] when l is the steered
// layer; the product is formed in float32 and cast to h's dtype, so a zero
// coefficient adds exactly zero.
func (s *steerNodes) apply(l int, h *graph.Node) *graph.Node {
	if s == nil || l != s.layer {
		return h
	}
	add := graph.Mul(graph.ExpandAxes(s.coef, -1), graph.ExpandAxes(s.dir, 1))
	return graph.Add(h, graph.ConvertDType(add, h.DType()))
}

// key distinguishes a steered graph in the executor cache.
func (s *Steer) key() string {
	if s == nil {
		return ""
	}
	return ":steer" + strconv.Itoa(s.Layer)
}

// nodes binds a steered graph's two trailing inputs (nil when unsteered).
func (s *Steer) nodes(in []*graph.Node) *steerNodes {
	if s == nil {
		return nil
	}
	return &steerNodes{layer: s.Layer, coef: in[0], dir: in[1]}
}

// dirArg is the [B, H] directions tensor (zeros for unsteered rows).
func (s *Steer) dirArg(b, h int) *tensors.Tensor {
	flat := make([]float32, b*h)
	for r, d := range s.Dirs {
		copy(flat[r*h:(r+1)*h], d)
	}
	return tensors.FromFlatDataAndDimensions(flat, b, h)
}

// prefillArgs are the prefill graph's steering inputs for a left-padded
// batch: coef [B, T] with pads at 0, and the directions.
func (s *Steer) prefillArgs(bt batch, h int) []any {
	if s == nil {
		return nil
	}
	coef := make([]float32, bt.b*bt.t)
	for r, c := range s.Prefill {
		copy(coef[r*bt.t+bt.pad[r]:], c)
	}
	return []any{tensors.FromFlatDataAndDimensions(coef, bt.b, bt.t), s.dirArg(bt.b, h)}
}

// decodeArgs are a decoding step's steering inputs: coef [B, 1].
func (s *Steer) decodeArgs(b, h int) []any {
	if s == nil {
		return nil
	}
	coef := make([]float32, b)
	copy(coef, s.Decode)
	return []any{tensors.FromFlatDataAndDimensions(coef, b, 1), s.dirArg(b, h)}
}

// check validates a Steer against the batch and the model.
func (s *Steer) check(prompts [][]int, cfg *Config) error {
	if s == nil {
		return nil
	}
	if s.Layer < 0 || s.Layer > cfg.NumHiddenLayers {
		return fmt.Errorf("llama: steering layer %d outside 0..%d", s.Layer, cfg.NumHiddenLayers)
	}
	if len(s.Dirs) != len(prompts) || len(s.Prefill) != len(prompts) || len(s.Decode) != len(prompts) {
		return fmt.Errorf("llama: steering has %d/%d/%d rows for %d prompts", len(s.Dirs), len(s.Prefill), len(s.Decode), len(prompts))
	}
	for r := range prompts {
		if s.Dirs[r] != nil && len(s.Dirs[r]) != cfg.HiddenSize {
			return fmt.Errorf("llama: steering row %d: direction of %d values, hidden size %d", r, len(s.Dirs[r]), cfg.HiddenSize)
		}
		if s.Prefill[r] != nil && len(s.Prefill[r]) != len(prompts[r]) {
			return fmt.Errorf("llama: steering row %d: %d prefill coefficients for %d prompt tokens", r, len(s.Prefill[r]), len(prompts[r]))
		}
	}
	return nil
}

// steerPlan turns the requests' steering into a Steer for their encoded
// prompts; nil when no request steers. Requests of one batch must steer at
// the same layer.
func (m *Model) steerPlan(reqs []model.Request, prompts [][]int) (*Steer, error) {
	var s *Steer
	for r, req := range reqs {
		st := req.Steering
		if st == nil {
			continue
		}
		if err := st.Validate(m.cfg.NumHiddenLayers, m.cfg.HiddenSize); err != nil {
			return nil, fmt.Errorf("llama: request %d: %w", r, err)
		}
		if s == nil {
			s = &Steer{Layer: st.Layer, Dirs: make([][]float32, len(reqs)), Prefill: make([][]float32, len(reqs)), Decode: make([]float32, len(reqs))}
		} else if st.Layer != s.Layer {
			return nil, fmt.Errorf("llama: requests of one batch steer at layers %d and %d; batch them by layer", s.Layer, st.Layer)
		}
		c := float32(st.Coefficient())
		pre := make([]float32, len(prompts[r]))
		switch st.Mode {
		case model.SteerAll, model.SteerPrompt:
			for j := range pre {
				pre[j] = c
			}
			if st.Mode == model.SteerAll {
				s.Decode[r] = c
			}
		case model.SteerGenerated:
			s.Decode[r] = c
		case model.SteerLastPrompt:
			pre[len(pre)-1] = c
		case model.SteerDifferential:
			spans, err := m.TokenSpans(prompts[r], st.Plus, st.Minus)
			if err != nil {
				return nil, fmt.Errorf("llama: request %d: differential steering: %w", r, err)
			}
			for k, sign := range []float32{1, -1} {
				for j := spans[k][0]; j < spans[k][1]; j++ {
					pre[j] += sign * c
				}
			}
		}
		s.Dirs[r], s.Prefill[r] = st.Direction, pre
	}
	return s, nil
}

// TokenSpans finds each text in the decoded prompt ids and returns the
// token ranges [start, end) that cover it. A text must occur exactly once
// in the prompt; zero or several occurrences are an error naming it.
func (m *Model) TokenSpans(ids []int, texts ...string) ([][2]int, error) {
	full := m.tok.Decode(ids)
	// off[k] is the byte offset in full where token k starts. Tokens are
	// decoded from the last clean boundary k0 (where the decoded text
	// matched full exactly); a token ending inside a character decodes to a
	// replacement character, so its successor starts at that character.
	off := make([]int, len(ids)+1)
	k0 := 0
	for k := 1; k <= len(ids); k++ {
		piece, rest := m.tok.Decode(ids[k0:k]), full[off[k0]:]
		n := 0
		for n < len(piece) && n < len(rest) && piece[n] == rest[n] {
			n++
		}
		off[k] = max(off[k0]+n, off[k-1])
		if n == len(piece) {
			k0 = k
		}
	}
	out := make([][2]int, len(texts))
	for i, text := range texts {
		at := strings.Index(full, text)
		if text == "" || at < 0 {
			return nil, fmt.Errorf("span %d (%q) is not in the tokenized prompt", i+1, short(text))
		}
		if strings.Contains(full[at+1:], text) {
			return nil, fmt.Errorf("span %d (%q) occurs more than once in the tokenized prompt", i+1, short(text))
		}
		end := at + len(text)
		first, last := -1, -1
		for k := range ids {
			if off[k] < end && off[k+1] > at {
				if first < 0 {
					first = k
				}
				last = k
			}
		}
		if first < 0 {
			return nil, fmt.Errorf("span %d (%q): no token covers it", i+1, short(text))
		}
		out[i] = [2]int{first, last + 1}
	}
	return out, nil
}

func short(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

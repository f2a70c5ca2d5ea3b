package llama

import (
	"strings"

	"github.com/prefscope/prefscope/lib/model"
)

// ByteTokenizer is a byte-level TextTokenizer for random checkpoints that
// come without tokenizer files (WriteRandomCheckpoint): byte b is id 256+b
// and the five Llama 3 special tokens have ids 1..5, so a vocabulary of 512
// covers every text. Tests and scripts/gpucheck use it with Llama3Layout.
type ByteTokenizer struct{}

var byteSpecials = []string{"", "<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>", "<|start_header_id|>", "<|end_header_id|>"}

// Encode maps s to ids, special tokens first where they match.
func (ByteTokenizer) Encode(s string) []int {
	var out []int
	for len(s) > 0 {
		matched := false
		for id, sp := range byteSpecials {
			if sp != "" && strings.HasPrefix(s, sp) {
				out, s, matched = append(out, id), s[len(sp):], true
				break
			}
		}
		if !matched {
			out, s = append(out, 256+int(s[0])), s[1:]
		}
	}
	return out
}

// Decode maps ids back to text; ids outside the vocabulary are dropped.
func (ByteTokenizer) Decode(ids []int) string {
	var b strings.Builder
	for _, id := range ids {
		switch {
		case id >= 256 && id < 512:
			b.WriteByte(byte(id - 256))
		case id > 0 && id < len(byteSpecials):
			b.WriteString(byteSpecials[id])
		}
	}
	return b.String()
}

// TokenID is the id of a special token.
func (ByteTokenizer) TokenID(s string) (int, bool) {
	for i, sp := range byteSpecials {
		if i > 0 && sp == s {
			return i, true
		}
	}
	return 0, false
}

// Llama3Layout renders the Llama 3 chat layout (header, content, end of
// turn) without the Jinja template of a real checkpoint.
type Llama3Layout struct{}

// Render writes msgs in the Llama 3 layout; gen opens the assistant turn.
func (Llama3Layout) Render(msgs []model.Message, _ []model.Tool, gen bool) (string, error) {
	var b strings.Builder
	b.WriteString("<|begin_of_text|>")
	for _, m := range msgs {
		b.WriteString("<|start_header_id|>" + m.Role + "<|end_header_id|>\n\n" + m.Content + "<|eot_id|>")
	}
	if gen {
		b.WriteString("<|start_header_id|>assistant<|end_header_id|>\n\n")
	}
	return b.String(), nil
}

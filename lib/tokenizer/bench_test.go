package tokenizer

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkEncode measures encode throughput (see MB/s) with the real
// Llama-3.1 tokenizer on the golden corpus (hand-written cases and the
// default task prompts), on the same text with a cold per-word cache, and on
// one long word that goes through the heap BPE.
func BenchmarkEncode(b *testing.B) {
	tk := llama3(b)
	var sb strings.Builder
	for _, c := range encodeGolden(b) {
		sb.WriteString(c.Text)
		sb.WriteString("\n")
	}
	corpus := sb.String()
	long := strings.Repeat("abcdefghij", 1000)
	// A paragraph of Chinese without punctuation is one pre-token.
	cjk := strings.Repeat("我们在研究语言模型的偏好这是一个测试句子", 20)
	for _, c := range []struct {
		name  string
		text  string
		reset bool
	}{
		{fmt.Sprintf("corpus/bytes=%d", len(corpus)), corpus, false},
		{fmt.Sprintf("corpus-cold-cache/bytes=%d", len(corpus)), corpus, true},
		{fmt.Sprintf("one-word/bytes=%d", len(long)), long, false},
		{fmt.Sprintf("cjk-run/bytes=%d", len(cjk)), cjk, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.text)))
			for b.Loop() {
				if c.reset {
					tk.bpe.mu.Lock()
					clear(tk.bpe.cache)
					tk.bpe.mu.Unlock()
				}
				tk.Encode(c.text)
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	tk := llama3(b)
	var ids []int
	n := 0
	for _, c := range encodeGolden(b) {
		ids = append(ids, c.IDs...)
		n += len(c.Text)
	}
	b.Run(fmt.Sprintf("corpus/tokens=%d", len(ids)), func(b *testing.B) {
		b.SetBytes(int64(n))
		for b.Loop() {
			tk.Decode(ids)
		}
	})
}

func BenchmarkLoad(b *testing.B) {
	llama3(b) // skip when absent
	for b.Loop() {
		if _, err := Load(llama31Dir + "/tokenizer.json"); err != nil {
			b.Fatal(err)
		}
	}
}

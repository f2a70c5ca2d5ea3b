package tokenizer

import (
	"math"
	"sync"
)

// bpe is a byte-level BPE model over raw bytes: vocabulary entries are stored
// as the bytes they stand for (not in the byte-level alphabet), so a word is
// looked up without converting it.
type bpe struct {
	// vocab maps a token's raw bytes to its id.
	vocab map[string]int32
	// byteID[b] is the id of the single-byte token b.
	byteID [256]int32
	// merges maps the pair (left id, right id), packed as left<<32|right, to
	// the merge's rank (its line in the merges list) and the merged id.
	merges map[uint64]merge
	// ignoreMerges emits a word that is itself in the vocabulary as that one
	// token without running merges (tokenizer.json's "ignore_merges", set by
	// Llama 3 to reproduce tiktoken).
	ignoreMerges bool

	mu    sync.Mutex
	cache map[string][]int32
}

type merge struct {
	rank int32
	id   int32
}

// maxCache bounds the per-word cache; it is emptied when full.
const maxCache = 1 << 16

// maxCachedWord is the longest word, in bytes, that is cached.
const maxCachedWord = 64

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// appendWord appends the ids of one pre-token to out.
func (m *bpe) appendWord(out []int, word string) []int {
	if m.ignoreMerges || len(word) == 1 {
		if id, ok := m.vocab[word]; ok {
			return append(out, int(id))
		}
	}
	cacheable := len(word) <= maxCachedWord
	if cacheable {
		m.mu.Lock()
		ids, ok := m.cache[word]
		m.mu.Unlock()
		if ok {
			for _, id := range ids {
				out = append(out, int(id))
			}
			return out
		}
	}
	var buf [maxCachedWord]int32
	ids := m.merge(word, buf[:0])
	if cacheable {
		m.mu.Lock()
		if len(m.cache) >= maxCache {
			clear(m.cache)
		}
		m.cache[word] = append([]int32(nil), ids...)
		m.mu.Unlock()
	}
	for _, id := range ids {
		out = append(out, int(id))
	}
	return out
}

// merge runs BPE on word: start from one symbol per byte and repeatedly apply
// the lowest-ranked merge among adjacent pairs, leftmost first on ties, until
// none applies. This is the order of Hugging Face's priority-queue BPE. ranks
// keeps the rank of each adjacent pair so that a merge only looks up the two
// pairs it creates.
func (m *bpe) merge(word string, sym []int32) []int32 {
	for i := 0; i < len(word); i++ {
		sym = append(sym, m.byteID[word[i]])
	}
	if len(sym) < 2 {
		return sym
	}
	const none = math.MaxInt32
	ranks := make([]int32, len(sym)-1, len(sym))
	ids := make([]int32, len(sym)-1, len(sym))
	look := func(k int) {
		if mg, ok := m.merges[pairKey(sym[k], sym[k+1])]; ok {
			ranks[k], ids[k] = mg.rank, mg.id
		} else {
			ranks[k] = none
		}
	}
	for k := range ranks {
		look(k)
	}
	for len(sym) > 1 {
		best, at := int32(none), -1
		for k, r := range ranks {
			if r < best {
				best, at = r, k
			}
		}
		if at < 0 {
			break
		}
		sym[at] = ids[at]
		sym = append(sym[:at+1], sym[at+2:]...)
		ranks = append(ranks[:at], ranks[at+1:]...)
		ids = append(ids[:at], ids[at+1:]...)
		if at > 0 {
			look(at - 1)
		}
		if at < len(ranks) {
			look(at)
		}
	}
	return sym
}

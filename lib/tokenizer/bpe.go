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
	var ids []int32
	if len(word) <= maxCachedWord {
		var buf [maxCachedWord]int32
		ids = m.merge(word, buf[:0])
	} else {
		ids = m.mergeLong(word)
	}
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
	// Words reaching merge are at most maxCachedWord bytes (longer ones go
	// to mergeLong), so the pair arrays live on the stack.
	var rankBuf, idBuf [maxCachedWord]int32
	var ranks, ids []int32
	if len(sym) <= maxCachedWord {
		ranks, ids = rankBuf[:len(sym)-1], idBuf[:len(sym)-1]
	} else {
		ranks, ids = make([]int32, len(sym)-1), make([]int32, len(sym)-1)
	}
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

// mergeLong is merge for long words, in O(n log n): symbols form a linked
// list and candidate merges wait in a binary heap ordered by (rank,
// position), the order in which merge applies them. A candidate is stale
// once either of its symbols has been merged into something longer, which
// the ids it recorded reveal. Long words are common: a run of CJK text with
// no punctuation is a single pre-token.
func (m *bpe) mergeLong(word string) []int32 {
	n := len(word)
	sym := make([]int32, n)
	next := make([]int32, n)
	prev := make([]int32, n)
	for i := 0; i < n; i++ {
		sym[i] = m.byteID[word[i]]
		next[i] = int32(i + 1)
		prev[i] = int32(i - 1)
	}
	next[n-1] = -1
	h := make(candHeap, 0, n)
	push := func(p int32) {
		if p < 0 || next[p] < 0 {
			return
		}
		if mg, ok := m.merges[pairKey(sym[p], sym[next[p]])]; ok {
			h.push(cand{rank: mg.rank, pos: p, left: sym[p], right: sym[next[p]], id: mg.id})
		}
	}
	for i := 0; i+1 < n; i++ {
		push(int32(i))
	}
	for len(h) > 0 {
		c := h.pop()
		r := next[c.pos]
		if prev[c.pos] == -2 || sym[c.pos] != c.left || r < 0 || sym[r] != c.right {
			continue
		}
		sym[c.pos] = c.id
		next[c.pos] = next[r]
		if next[r] >= 0 {
			prev[next[r]] = c.pos
		}
		prev[r] = -2 // r is gone
		push(prev[c.pos])
		push(c.pos)
	}
	out := make([]int32, 0, n/3+1)
	for p := int32(0); p >= 0; p = next[p] {
		out = append(out, sym[p])
	}
	return out
}

type cand struct {
	rank, pos, left, right, id int32
}

func (a cand) less(b cand) bool {
	return a.rank < b.rank || (a.rank == b.rank && a.pos < b.pos)
}

// candHeap is a binary min-heap of candidates (hand-written to avoid
// container/heap's boxing of each element).
type candHeap []cand

func (h *candHeap) push(c cand) {
	*h = append(*h, c)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s[i].less(s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *candHeap) pop() cand {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(s) && s[l].less(s[m]) {
			m = l
		}
		if r < len(s) && s[r].less(s[m]) {
			m = r
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}

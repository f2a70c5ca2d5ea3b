package template

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quotation: a reply often restates the task it is about, and a task's text
// can hold anything ("Answer: Task B", "10/10", "I refuse"). The parsers
// blank out the spans of a reply that reproduce a task text (or, for
// post-task kinds, a completion) before applying the reading rules, so what
// a task says never counts as what the model answers.
//
// Words are compared as tokens: maximal runs of letters, digits and
// combining marks, folded (case and accents), so punctuation, spacing and
// capitals may differ. A span is a quotation when it is
//   - the whole token sequence of a task text of at least wholeQuoteMin
//     tokens (shorter texts cannot be told apart from the model's own
//     words);
//   - the content of quotation marks ("...", “...”, «...», „...“) on one
//     line, or a "> " block-quote line, of at least markedQuoteMin tokens
//     that occurs in a task text;
//   - any run of at least runQuoteMin consecutive tokens that occurs in a
//     task text, long enough that a reply's own answer statement is not
//     mistaken for one.
//
// A span never cuts a label or option in two: one that starts or ends
// inside a mention is shortened to leave the mention whole ("... I choose
// Task" quoted, then "A" of the reply's "Task A"), and dropped if that
// leaves it too short. Blanking turns every byte of a span into a space
// except line breaks, so offsets, lines and the reply around it are as they
// were. Long runs are found by 64-bit hashes of their tokens; a collision
// could blank a run that is not a quotation, with odds far below any
// study's size.
const (
	wholeQuoteMin  = 4
	markedQuoteMin = 3
	runQuoteMin    = 8
)

// token is one word of a text: its byte span and folded form.
type token struct {
	pos, end int
	key      string
}

// tokenHash is FNV-1a of a token's key.
func tokenHash(key string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(key); i++ {
		h = (h ^ uint64(key[i])) * 1099511628211
	}
	return h
}

// isTokenRune is a letter, digit or combining mark (which lowercasing can
// split off a letter: "İ" becomes "i" and a combining dot).
func isTokenRune(r rune) bool { return isWordRune(r) || unicode.Is(unicode.M, r) }

func tokenize(text string) []token {
	var out []token
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isTokenRune(r) {
			i += n
			continue
		}
		j := i + n
		for j < len(text) {
			r, n := utf8.DecodeRuneInString(text[j:])
			if !isTokenRune(r) {
				break
			}
			j += n
		}
		out = append(out, token{pos: i, end: j, key: fold(text[i:j])})
		i = j
	}
	return out
}

// tokenSeq joins token keys with NUL bytes (which no token holds), framed by
// NULs, so a substring search finds whole-token matches only.
type tokenSeq struct {
	joined string
	hashes []uint64 // tokenHash of each token
	starts []int    // offset of each token's key in joined
}

func newTokenSeq(ts []token) tokenSeq {
	var b strings.Builder
	hashes := make([]uint64, len(ts))
	starts := make([]int, len(ts))
	b.WriteByte(0)
	for i, t := range ts {
		hashes[i], starts[i] = tokenHash(t.key), b.Len()
		b.WriteString(t.key)
		b.WriteByte(0)
	}
	return tokenSeq{joined: b.String(), hashes: hashes, starts: starts}
}

// occurrences returns the token index of every occurrence (overlapping
// ones included) of needle in s.
func (s tokenSeq) occurrences(needle tokenSeq) []int {
	if len(needle.starts) == 0 {
		return nil
	}
	var out []int
	for from := 0; ; {
		i := strings.Index(s.joined[from:], needle.joined)
		if i < 0 {
			return out
		}
		at := from + i + 1 // the first token's key follows the NUL
		out = append(out, sort.SearchInts(s.starts, at))
		from = at
	}
}

func (s tokenSeq) contains(needle tokenSeq) bool {
	return len(needle.starts) > 0 && strings.Contains(s.joined, needle.joined)
}

// shingleHash combines the hashes of a run of tokens.
func shingleHash(hashes []uint64) uint64 {
	var h uint64
	for _, x := range hashes {
		h = h*1099511628211 + x
	}
	return h
}

// span is a half-open range of token indices.
type span struct{ lo, hi, min int }

// maskQuotes returns text with every quotation of a source blanked (each byte
// a space, line breaks kept, so offsets and lines stay as they were). cands
// are the labels' or options' aliases, kept whole.
func maskQuotes(text string, sources []string, cands [][]string) string {
	var srcs []tokenSeq
	for _, s := range sources {
		// A source shorter than every rule's minimum can never be quoted.
		if ts := tokenize(normalize(s)); len(ts) >= markedQuoteMin {
			srcs = append(srcs, newTokenSeq(ts))
		}
	}
	if len(srcs) == 0 {
		return text
	}
	rt := tokenize(text)
	if len(rt) < markedQuoteMin {
		return text
	}
	reply := newTokenSeq(rt)
	var spans []span
	for _, s := range srcs {
		if n := len(s.starts); n >= wholeQuoteMin {
			for _, at := range reply.occurrences(s) {
				spans = append(spans, span{at, at + n, wholeQuoteMin})
			}
		}
	}
	spans = append(spans, markedQuotes(text, rt, srcs)...)
	covered := make([]bool, len(rt))
	for _, sp := range spans {
		for k := sp.lo; k < sp.hi; k++ {
			covered[k] = true
		}
	}
	spans = append(spans, longRuns(reply, covered, srcs)...)
	if len(spans) == 0 {
		return text
	}
	blank := []byte(text)
	for _, sp := range spans {
		sp = keepMentionsWhole(text, sp, rt, cands)
		if sp.hi-sp.lo < sp.min {
			continue
		}
		for k := rt[sp.lo].pos; k < rt[sp.hi-1].end; k++ {
			if blank[k] != '\n' {
				blank[k] = ' '
			}
		}
	}
	return string(blank)
}

// quotePairs are the opening and closing marks of a marked quotation.
var quotePairs = [...][2]string{{`"`, `"`}, {"“", "”"}, {"«", "»"}, {"„", "“"}}

const quoteOpeners = `"“«„`

// markedQuotes finds, line by line, quotation marks and block-quote lines
// whose content occurs in a source.
func markedQuotes(text string, rt []token, srcs []tokenSeq) []span {
	var out []span
	add := func(lo, hi int) { // byte range of the content
		a := sort.Search(len(rt), func(k int) bool { return rt[k].pos >= lo })
		b := a
		for b < len(rt) && rt[b].end <= hi {
			b++
		}
		if b-a < markedQuoteMin {
			return
		}
		seq := newTokenSeq(rt[a:b])
		for _, s := range srcs {
			if s.contains(seq) {
				out = append(out, span{a, b, markedQuoteMin})
				return
			}
		}
	}
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		line := text[start:end]
		if t := strings.TrimLeft(line, " \t"); strings.HasPrefix(t, ">") {
			add(start, end)
		}
		// unclosed[k]: no closing mark of pair k is left on the line, so
		// later opening marks need no search (keeps the scan linear).
		var unclosed [len(quotePairs)]bool
		for i := 0; i < len(line); {
			next := strings.IndexAny(line[i:], quoteOpeners)
			if next < 0 {
				break
			}
			i += next
			opened := false
			for k, q := range quotePairs {
				if unclosed[k] || !strings.HasPrefix(line[i:], q[0]) {
					continue
				}
				j := strings.Index(line[i+len(q[0]):], q[1])
				if j < 0 {
					unclosed[k] = true
					continue
				}
				lo := i + len(q[0])
				add(start+lo, start+lo+j)
				i = lo + j + len(q[1])
				opened = true
				break
			}
			if !opened {
				_, n := utf8.DecodeRuneInString(line[i:])
				i += n
			}
		}
		start = end + 1
	}
	return out
}

// longRuns finds the runs of at least runQuoteMin consecutive tokens, not
// already covered, that occur in a source.
func longRuns(reply tokenSeq, covered []bool, srcs []tokenSeq) []span {
	rt := reply.hashes
	if len(rt) < runQuoteMin {
		return nil
	}
	shingles := map[uint64]bool{}
	for _, s := range srcs {
		for i := 0; i+runQuoteMin <= len(s.hashes); i++ {
			shingles[shingleHash(s.hashes[i:i+runQuoteMin])] = true
		}
	}
	if len(shingles) == 0 {
		return nil
	}
	in := make([]bool, len(rt))
	free := 0 // uncovered tokens in a row ending at i
	for i := range rt {
		if covered[i] {
			free = 0
			continue
		}
		free++
		if free >= runQuoteMin && shingles[shingleHash(rt[i+1-runQuoteMin:i+1])] {
			for k := i + 1 - runQuoteMin; k <= i; k++ {
				in[k] = true
			}
		}
	}
	var out []span
	for i := 0; i < len(rt); {
		if !in[i] {
			i++
			continue
		}
		j := i
		for j < len(rt) && in[j] {
			j++
		}
		out = append(out, span{i, j, runQuoteMin})
		i = j
	}
	return out
}

// keepMentionsWhole shortens sp so that no mention straddles its ends,
// looking for mentions only around the two ends.
func keepMentionsWhole(text string, sp span, rt []token, cands [][]string) span {
	longest := 0
	for _, aliases := range cands {
		for _, a := range aliases {
			longest = max(longest, len(a))
		}
	}
	// near returns the mentions in a window around offset at, whole words
	// only: the window starts at a word boundary.
	near := func(at int) []mention {
		lo, hi := max(0, at-longest), min(len(text), at+longest)
		for lo > 0 {
			r, n := utf8.DecodeLastRuneInString(text[:lo])
			if !isWordRune(r) {
				break
			}
			lo -= n
		}
		ms := mentions(text[lo:hi], cands, nil)
		for k := range ms {
			ms[k].pos += lo
			ms[k].end += lo
		}
		return ms
	}
	if sp.lo < sp.hi {
		start := rt[sp.lo].pos
		for _, m := range near(start) {
			if m.pos < start && m.end > start {
				for sp.lo < sp.hi && rt[sp.lo].pos < m.end {
					sp.lo++
				}
			}
		}
	}
	if sp.lo < sp.hi {
		end := rt[sp.hi-1].end
		for _, m := range near(end) {
			if m.pos < end && m.end > end {
				for sp.hi > sp.lo && rt[sp.hi-1].end > m.pos {
					sp.hi--
				}
			}
		}
	}
	return sp
}

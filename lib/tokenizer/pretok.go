package tokenizer

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
)

// llama3Pattern is the pre-tokenizer split regex of Llama 3 (and 3.1, 3.2,
// 3.3), as written in their tokenizer.json.
const llama3Pattern = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`

// splitter cuts a text segment into pre-tokens (words), calling emit with the
// byte range of each, in order, covering the whole segment.
type splitter interface {
	split(s string, emit func(start, end int))
}

// Character classes used by the Llama-3 scanner. Their definitions follow
// Oniguruma's Unicode semantics, which Hugging Face tokenizers uses:
// \p{L} = unicode.IsLetter, \p{N} = unicode.IsNumber, \s = the Unicode
// White_Space property (unicode.IsSpace). A byte that is not valid UTF-8 is in
// none of them (it cannot occur in Hugging Face's Rust strings).
const (
	clsL  = 1 << iota // letter
	clsN              // number
	clsS              // whitespace
	clsNL             // '\r' or '\n'
)

var asciiClass [utf8.RuneSelf]uint8

func init() {
	for c := 0; c < utf8.RuneSelf; c++ {
		asciiClass[c] = classOfRune(rune(c))
	}
}

func classOfRune(r rune) uint8 {
	var k uint8
	switch {
	case unicode.IsLetter(r):
		k = clsL
	case unicode.IsNumber(r):
		k = clsN
	case unicode.IsSpace(r):
		k = clsS
		if r == '\r' || r == '\n' {
			k |= clsNL
		}
	}
	return k
}

// at decodes the rune at byte i of s and returns it with its class and width.
// An invalid byte comes back as utf8.RuneError of width 1 and class 0.
func at(s string, i int) (rune, uint8, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return rune(c), asciiClass[c], 1
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && w == 1 {
		return r, 0, 1
	}
	return r, classOfRune(r), w
}

// llama3Scanner is a hand-written matcher for llama3Pattern. It tries the
// pattern's seven alternatives in order at each position, exactly as a
// backtracking engine would (leftmost-first), so its output equals the
// regex's; TestScannerMatchesRegex and FuzzEncode check this against
// regexp2. One of the alternatives always matches, so pieces are contiguous.
type llama3Scanner struct{}

func (llama3Scanner) split(s string, emit func(start, end int)) {
	for i := 0; i < len(s); {
		e := llama3Next(s, i)
		emit(i, e)
		i = e
	}
}

// isContraction reports whether r equals the ASCII letter c case-insensitively
// under Unicode simple case folding ('s' also matches U+017F LATIN SMALL
// LETTER LONG S, as in Oniguruma and in tiktoken's regex engine).
func foldEq(r rune, c rune) bool {
	if r == c || r == c-'a'+'A' {
		return true
	}
	return c == 's' && r == 'ſ'
}

// llama3Next returns the end of the piece that starts at byte i (< len(s)).
func llama3Next(s string, i int) int {
	r, k, w := at(s, i)
	n := len(s)

	// 1. (?i:'s|'t|'re|'ve|'m|'ll|'d)
	if r == '\'' && i+w < n {
		r2, _, w2 := at(s, i+w)
		j := i + w + w2
		switch {
		case foldEq(r2, 's'), foldEq(r2, 't'), foldEq(r2, 'm'), foldEq(r2, 'd'):
			return j
		case foldEq(r2, 'r'), foldEq(r2, 'v'), foldEq(r2, 'l'):
			if j < n {
				r3, _, w3 := at(s, j)
				if (foldEq(r2, 'l') && foldEq(r3, 'l')) || (!foldEq(r2, 'l') && foldEq(r3, 'e')) {
					return j + w3
				}
			}
		}
	}

	// 2. [^\r\n\p{L}\p{N}]?\p{L}+
	if k&clsL != 0 {
		return letters(s, i+w)
	}
	if k&(clsNL|clsN) == 0 && i+w < n {
		if _, k2, w2 := at(s, i+w); k2&clsL != 0 {
			return letters(s, i+w+w2)
		}
	}

	// 3. \p{N}{1,3}
	if k&clsN != 0 {
		j := i + w
		for m := 1; m < 3 && j < n; m++ {
			_, k2, w2 := at(s, j)
			if k2&clsN == 0 {
				break
			}
			j += w2
		}
		return j
	}

	// 4. ' '?[^\s\p{L}\p{N}]+[\r\n]*
	start := i
	if r == ' ' {
		start = i + w
	}
	if j := others(s, start); j > start {
		for j < n && (s[j] == '\r' || s[j] == '\n') {
			j++
		}
		return j
	}

	// Here r is whitespace: alternatives 4 failed and 1-3 only fail on it.
	// 5. \s*[\r\n]+   6. \s+(?!\S)   7. \s+
	j, lastNL, lastStart := i, -1, i
	for j < n {
		_, k2, w2 := at(s, j)
		if k2&clsS == 0 {
			break
		}
		if k2&clsNL != 0 {
			lastNL = j + w2
		}
		lastStart = j
		j += w2
	}
	switch {
	case lastNL >= 0:
		return lastNL
	case j == n || lastStart == i:
		return j
	default:
		return lastStart
	}
}

// letters returns the end of the run of letters starting at byte j.
func letters(s string, j int) int {
	for j < len(s) {
		_, k, w := at(s, j)
		if k&clsL == 0 {
			break
		}
		j += w
	}
	return j
}

// others returns the end of the run of characters that are neither
// whitespace, letters nor numbers, starting at byte j.
func others(s string, j int) int {
	for j < len(s) {
		_, k, w := at(s, j)
		if k&(clsL|clsN|clsS) != 0 {
			break
		}
		j += w
	}
	return j
}

// regexSplitter splits with an arbitrary pattern compiled by regexp2
// (backtracking, with lookaround), keeping both matches and the gaps between
// them as pieces (Hugging Face's "Isolated" split behaviour).
type regexSplitter struct {
	re *regexp2.Regexp
}

func newRegexSplitter(pattern string) (*regexSplitter, error) {
	re, err := regexp2.Compile(pattern, regexp2.Unicode)
	if err != nil {
		return nil, fmt.Errorf("compiling %q: %w", pattern, err)
	}
	return &regexSplitter{re: re}, nil
}

func (x *regexSplitter) split(s string, emit func(start, end int)) {
	// regexp2 works on runes; off[k] is the byte offset of rune k. Ranging
	// over a string and converting it to []rune both give one RuneError per
	// invalid byte, so the two stay aligned.
	runes := []rune(s)
	off := make([]int, 0, len(runes)+1)
	for i := range s {
		off = append(off, i)
	}
	off = append(off, len(s))
	prev := 0
	m, err := x.re.FindRunesMatch(runes)
	for err == nil && m != nil {
		a, b := off[m.Index], off[m.Index+m.Length]
		if a > prev {
			emit(prev, a)
		}
		if b > a {
			emit(a, b)
		}
		prev = b
		m, err = x.re.FindNextMatch(m)
	}
	if prev < len(s) {
		emit(prev, len(s))
	}
}

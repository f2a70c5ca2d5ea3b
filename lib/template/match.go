package template

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Matching: where a phrase, a label or an option occurs in a normalised
// reply, whether it is negated, and the regions (line, sentence, clause) the
// reading rules look in.

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// findAll returns the byte offsets where phrase occurs in text as whole
// words: a phrase that starts (ends) with a letter or digit must not be
// preceded (followed) by one.
func findAll(text, phrase string) []int {
	if phrase == "" {
		return nil
	}
	first, _ := utf8.DecodeRuneInString(phrase)
	last, _ := utf8.DecodeLastRuneInString(phrase)
	var out []int
	for from := 0; from <= len(text); {
		i := strings.Index(text[from:], phrase)
		if i < 0 {
			break
		}
		pos := from + i
		end := pos + len(phrase)
		ok := true
		if isWordRune(first) && pos > 0 {
			r, _ := utf8.DecodeLastRuneInString(text[:pos])
			ok = !isWordRune(r)
		}
		if ok && isWordRune(last) && end < len(text) {
			r, _ := utf8.DecodeRuneInString(text[end:])
			ok = !isWordRune(r)
		}
		if ok {
			out = append(out, pos)
		}
		_, size := utf8.DecodeRuneInString(text[pos:])
		from = pos + size
	}
	return out
}

// blankPhrases returns text with every whole-word occurrence of the phrases
// turned into spaces (same offsets).
func blankPhrases(text string, phrases []string) string {
	for _, p := range phrases {
		for _, pos := range findAll(text, p) {
			text = text[:pos] + strings.Repeat(" ", len(p)) + text[pos+len(p):]
		}
	}
	return text
}

// negationView is text as negation is looked for in: the phrases that
// only look negated ("no doubt") blanked out.
func (lx *lexicon) negationView(text string) string { return blankPhrases(text, lx.notNegations) }

// refuses reports whether text holds a refusal phrase once the phrases
// that only look like refusals ("i can't wait") are blanked out.
func (lx *lexicon) refuses(text string) bool {
	text = blankPhrases(text, lx.notRefusals)
	for _, p := range lx.refusals {
		if len(findAll(text, p)) > 0 {
			return true
		}
	}
	return false
}

// mention is one occurrence of a candidate (label or option) in a reply;
// neg says it is negated ("not Task A", "it was not good").
type mention struct {
	pos, end, idx int
	neg           bool
}

// mentions finds every whole-word occurrence of any alias of any candidate;
// where two overlap the one starting first, then the longer, wins (so "no me
// gustó" is not also read as "me gustó"). Negation is looked for only
// before a mention, so an option that itself holds a negation ("je n'ai pas
// aimé", "no me gustó") is not negated by its own words.
func mentions(text string, cands [][]string, lx *lexicon) []mention {
	var all []mention
	for idx, aliases := range cands {
		for _, a := range aliases {
			for _, pos := range findAll(text, a) {
				all = append(all, mention{pos: pos, end: pos + len(a), idx: idx})
			}
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].pos != all[j].pos {
			return all[i].pos < all[j].pos
		}
		return all[i].end > all[j].end
	})
	var out []mention
	end := 0
	view := text
	if lx != nil && len(all) > 0 {
		view = lx.negationView(text)
	}
	for _, m := range all {
		if m.pos >= end {
			if lx != nil {
				m.neg = negatedBefore(view, m.pos, lx)
			}
			out = append(out, m)
			end = m.end
		}
	}
	return out
}

// strip trims spaces and the quotes, brackets, emphasis and final marks a
// model puts around a bare answer.
func strip(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("\"'`*_.,;:!?()[]{}«»<>-", r)
	})
}

// lastTag returns the content of the last <tag>...</tag> in text (to the end
// when the closing tag is missing), matching the ASCII tag name in any case;
// ok is false when there is no opening tag.
func lastTag(text, tag string) (string, bool) {
	open, close := "<"+tag+">", "</"+tag+">"
	i := -1
	for k := len(text) - len(open); k >= 0; k-- {
		if strings.EqualFold(text[k:k+len(open)], open) {
			i = k
			break
		}
	}
	if i < 0 {
		return "", false
	}
	rest := text[i+len(open):]
	for k := 0; k+len(close) <= len(rest); k++ {
		if strings.EqualFold(rest[k:k+len(close)], close) {
			return rest[:k], true
		}
	}
	return rest, true
}

// regionMax bounds how far after an answer marker or cue the parsers look
// for the label or option it introduces, which also keeps parsing linear in
// the reply's length.
const regionMax = 300

// regionEnd is the end of the region after from: the first of the given
// stop bytes, at most regionMax bytes on.
func regionEnd(text string, from int, stops string) int {
	end := min(len(text), from+regionMax)
	if j := strings.IndexAny(text[from:end], stops); j >= 0 {
		return from + j
	}
	return end
}

const sentenceStops = ".!?\n"

// sentenceEnd is the end of the sentence that starts at from.
func sentenceEnd(text string, from int) int { return regionEnd(text, from, sentenceStops) }

// sentenceStart is the start of the sentence holding offset at (looking at
// most regionMax bytes back).
func sentenceStart(text string, at int) int {
	lo := max(0, at-regionMax)
	if j := strings.LastIndexAny(text[lo:at], sentenceStops); j >= 0 {
		return lo + j + 1
	}
	return lo
}

func lineEnd(text string, from int) int { return regionEnd(text, from, "\n") }

// markerEnds returns, for every answer marker followed by a link ("answer:",
// "my choice is", "réponse :"), the offset just after the link, in text order.
func markerEnds(text string, lx *lexicon) []int {
	var out []int
	for _, m := range lx.markers {
		for _, pos := range findAll(text, m) {
			trimmed := strings.TrimLeft(text[pos+len(m):], " \t*")
			for _, link := range lx.markerLinks {
				if !strings.HasPrefix(trimmed, link) {
					continue
				}
				after := trimmed[len(link):]
				last, _ := utf8.DecodeLastRuneInString(link)
				if r, _ := utf8.DecodeRuneInString(after); len(after) > 0 && isWordRune(r) && isWordRune(last) {
					continue // "is" must be a whole word
				}
				out = append(out, len(text)-len(after))
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// isNegation says whether a word (as split by strings.Fields) negates: one
// of the catalog's negations, or an English "n't" or French "n'" form.
func isNegation(w string, lx *lexicon) bool {
	w = strings.Trim(w, "\"'*,.;:!?()«»“”¿¡")
	return w != "" && (strings.HasSuffix(w, "n't") || strings.HasPrefix(w, "n'") || slices.Contains(lx.negations, w))
}

// negationWindow is how many bytes around a cue or mention are searched for
// its negation; a few words fit.
const negationWindow = 64

const clauseStops = ".,;:!?\n"

// wordsBefore returns up to n words right before pos in its clause.
func wordsBefore(text string, pos, n int) []string {
	lo := max(0, pos-negationWindow)
	for lo > 0 && !utf8.RuneStart(text[lo]) {
		lo--
	}
	clause := text[lo:pos]
	if j := strings.LastIndexAny(clause, clauseStops); j >= 0 {
		clause = clause[j+1:]
	}
	words := strings.Fields(clause)
	if len(words) > n {
		words = words[len(words)-n:]
	}
	return words
}

// negatedBefore says whether one of the three words before pos in its
// clause is a negation ("not Task A", "I wouldn't choose Task A", "no es
// bueno", "je ne choisirais pas la Tâche A"). It walks back word by word,
// without allocating, since every mention asks.
func negatedBefore(text string, pos int, lx *lexicon) bool {
	lo := max(0, pos-negationWindow)
	i := pos
	for range 3 {
		for i > lo && isASCIISpace(text[i-1]) {
			i--
		}
		end := i
		for i > lo && !isASCIISpace(text[i-1]) && !strings.ContainsRune(clauseStops, rune(text[i-1])) {
			i--
		}
		if end == i {
			return false // clause start, or the window's edge
		}
		if isNegation(text[i:end], lx) {
			return true
		}
		if i > lo && strings.ContainsRune(clauseStops, rune(text[i-1])) {
			return false
		}
	}
	return false
}

func isASCIISpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}

// negated says whether a cue at [pos, end) is negated: one of the two words
// before it in the same clause, or the word right after it on its line, is a
// negation ("I wouldn't pick", "je ne choisirais pas", "I'd rather not").
func negated(text string, pos, end int, lx *lexicon) bool {
	words := wordsBefore(text, pos, 2)
	hi := min(len(text), end+negationWindow)
	if j := strings.IndexByte(text[end:hi], '\n'); j >= 0 {
		hi = end + j
	}
	if after := strings.Fields(text[end:hi]); len(after) > 0 {
		words = append(words, after[0])
	}
	return slices.ContainsFunc(words, func(w string) bool { return isNegation(w, lx) })
}

// cueEnds returns the end offsets of non-negated cues, in text order.
func cueEnds(text string, cues []string, lx *lexicon) []int {
	var out []int
	view := lx.negationView(text)
	for _, c := range cues {
		for _, pos := range findAll(text, c) {
			if !negated(view, pos, pos+len(c), lx) {
				out = append(out, pos+len(c))
			}
		}
	}
	slices.Sort(out)
	return out
}

package template

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// number is an integer written in a reply.
type number struct {
	pos, end, val int
	skip          bool // part of the range or the "out of max" denominator
	neg           bool // negated ("not a 10")
}

// minusSigns are the characters read as a minus sign right before digits.
var minusSigns = []string{"-", "\u2212", "\u2013"} // hyphen-minus, minus, en dash

// signBefore says whether the digits at i follow a minus sign that is not a
// range dash: the last non-space character before the sign is not a digit
// ("Rating: -3", but not "1-10" or "1 - 10").
func signBefore(text string, i int) bool {
	for _, m := range minusSigns {
		if !strings.HasSuffix(text[:i], m) {
			continue
		}
		before := strings.TrimRight(text[:i-len(m)], " \t")
		if before == "" {
			return true
		}
		r, _ := utf8.DecodeLastRuneInString(before)
		return !unicode.IsDigit(r)
	}
	return false
}

// numbers finds the integers in text with their sign, leaving out decimals
// ("7.5", "7,5") and runs too long to be a rating.
func numbers(text string, lx *lexicon) []number {
	isDigit := func(b byte) bool { return b >= '0' && b <= '9' }
	var out []number
	view := lx.negationView(text)
	for i := 0; i < len(text); {
		if !isDigit(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		pos, sign := i, 1
		if signBefore(text, i) {
			for _, m := range minusSigns {
				if strings.HasSuffix(text[:i], m) {
					pos, sign = i-len(m), -1
					break
				}
			}
		}
		decimal := (i >= 2 && (text[i-1] == '.' || text[i-1] == ',') && isDigit(text[i-2])) ||
			(j+1 < len(text) && (text[j] == '.' || text[j] == ',') && isDigit(text[j+1]))
		letter := false
		if pos > 0 {
			r, _ := utf8.DecodeLastRuneInString(text[:pos])
			letter = unicode.IsLetter(r)
		}
		if j < len(text) {
			r, _ := utf8.DecodeRuneInString(text[j:])
			letter = letter || unicode.IsLetter(r)
		}
		if !decimal && !letter && j-i <= 6 {
			v, _ := strconv.Atoi(text[i:j])
			out = append(out, number{pos: pos, end: j, val: sign * v, neg: negatedBefore(view, pos, lx)})
		}
		i = j
	}
	return out
}

// decideNumber reads a numeric rating; options are the scale's values best
// (largest) first. The rules are ParseRating's.
func decideNumber(text string, options []string, lx *lexicon) (int, Outcome) {
	index := func(v int) int { return slices.Index(options, strconv.Itoa(v)) }
	answer := func(v int) (int, Outcome) { return index(v), outcomeIfNone(index(v)) }
	hi, _ := strconv.Atoi(options[0])
	ns := numbers(text, lx)
	edge := func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("\"'`*_.,;:!?()[]{}«»<>", r) }
	if lo, hi := len(text)-len(strings.TrimLeftFunc(text, edge)), len(strings.TrimRightFunc(text, edge)); len(ns) == 1 && ns[0].pos == lo && ns[0].end == hi {
		return answer(ns[0].val) // the whole reply is one number
	}
	strong, haveStrong := 0, false
	for k := 0; k+1 < len(ns); k++ {
		between := text[ns[k].end:ns[k+1].pos]
		if strings.Contains(between, "\n") {
			continue
		}
		between = strings.TrimSpace(between)
		switch {
		case slices.Contains(lx.rangeLinks, between) && ns[k].val < ns[k+1].val:
			ns[k].skip, ns[k+1].skip = true, true
		case slices.Contains(lx.outOf, between) && ns[k+1].val == hi:
			ns[k+1].skip = true
			if !ns[k].skip && !ns[k].neg {
				strong, haveStrong = ns[k].val, true
			}
		}
	}
	// statement reads the first counted number in [lo, hi): found is false
	// when there is none, and the value is no answer when all are negated.
	statement := func(lo, hi int) (int, Outcome, bool) {
		found := false
		for k := sort.Search(len(ns), func(k int) bool { return ns[k].pos >= lo }); k < len(ns) && ns[k].end <= hi; k++ {
			switch {
			case ns[k].skip:
			case ns[k].neg:
				found = true
			default:
				i, o := answer(ns[k].val)
				return i, o, true
			}
		}
		return -1, OutcomeUnparseable, found
	}
	ends := markerEnds(text, lx)
	for k := len(ends) - 1; k >= 0; k-- {
		if i, o, found := statement(ends[k], lineEnd(text, ends[k])); found {
			return i, o
		}
	}
	if haveStrong {
		return answer(strong)
	}
	bestSentence := -1
	var best int
	var bestOutcome Outcome
	for _, e := range cueEnds(text, lx.ratingCues, lx) {
		s := sentenceStart(text, e)
		if s == bestSentence {
			continue
		}
		if i, o, found := statement(e, sentenceEnd(text, e)); found {
			best, bestOutcome, bestSentence = i, o, s
		}
	}
	if bestSentence >= 0 {
		return best, bestOutcome
	}
	if lx.refuses(text) {
		return -1, OutcomeRefusal
	}
	v, have := 0, false
	for _, n := range ns {
		if n.skip || n.neg {
			continue
		}
		if have && n.val != v {
			return -1, OutcomeUnparseable
		}
		v, have = n.val, true
	}
	if have {
		return answer(v)
	}
	return -1, OutcomeUnparseable
}

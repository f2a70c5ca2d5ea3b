package template

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/prefscope/prefscope/lib/model"
)

// lexicon is the parsers' word lists, merged over the catalog's languages
// (a model may answer a French prompt in English) and normalised.
type lexicon struct {
	refusals, notRefusals, markers, markerLinks, choiceCues, ratingCues, negations, rangeLinks, outOf []string
	labelWords                                                                                        []string
	// scales maps a scale id to, per option index, the option in every language.
	scales map[string][][]string
}

func (c *Catalog) buildLexicon() *lexicon {
	lx := &lexicon{scales: map[string][][]string{}}
	add := func(dst *[]string, src []string) {
		for _, s := range src {
			s = normalize(s)
			if s != "" && !slices.Contains(*dst, s) {
				*dst = append(*dst, s)
			}
		}
	}
	for _, l := range c.file.Languages {
		p := l.Parser
		add(&lx.refusals, p.Refusals)
		add(&lx.notRefusals, p.NotRefusals)
		add(&lx.markers, p.AnswerMarkers)
		add(&lx.markerLinks, p.MarkerLinks)
		add(&lx.choiceCues, p.ChoiceCues)
		add(&lx.ratingCues, p.RatingCues)
		add(&lx.negations, p.Negations)
		add(&lx.rangeLinks, p.RangeLinks)
		add(&lx.outOf, p.OutOf)
		add(&lx.labelWords, []string{l.LabelWord, fold(l.LabelWord)})
	}
	for _, s := range c.file.Scales {
		if len(s.Numeric) > 0 {
			continue
		}
		n := len(s.Options[c.file.Languages[0].Code])
		per := make([][]string, n)
		for _, l := range c.file.Languages {
			for i, o := range s.Options[l.Code] {
				add(&per[i], []string{o})
			}
		}
		lx.scales[s.ID] = per
	}
	return lx
}

// lexicon returns the word lists of the catalog that rendered p, or the
// default catalog's (empty lists if even that fails to load).
func (p Prompt) lexicon() *lexicon {
	if p.lex != nil {
		return p.lex
	}
	if c, err := DefaultCatalog(); err == nil {
		return c.lex
	}
	return &lexicon{}
}

// normalize lowercases and maps typographic apostrophes and non-breaking
// spaces to their plain forms, so word lists can be written plainly.
func normalize(s string) string { return normalizer.Replace(strings.ToLower(s)) }

var normalizer = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u00a0", " ", "\u202f", " ")

// fold drops the accents of the Latin letters used by the catalog's
// languages ("tâche" -> "tache"); used for labels only, since for options an
// accent can carry meaning (Spanish "sí" is yes, "si" is if).
func fold(s string) string { return folder.Replace(s) }

var folder = strings.NewReplacer(
	"à", "a", "â", "a", "á", "a", "ä", "a", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "í", "i", "ô", "o", "ó", "o", "ö", "o", "û", "u", "ù", "u",
	"ú", "u", "ü", "u", "ç", "c", "ñ", "n",
	"À", "A", "Â", "A", "Á", "A", "É", "E", "È", "E", "Ê", "E", "Î", "I", "Í", "I",
	"Ô", "O", "Ó", "O", "Û", "U", "Ú", "U", "Ç", "C", "Ñ", "N",
)

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

// refuses reports whether text holds a refusal phrase once the phrases
// that only look like refusals ("i can't wait") are blanked out.
func (lx *lexicon) refuses(text string) bool {
	for _, p := range lx.notRefusals {
		for _, pos := range findAll(text, p) {
			text = text[:pos] + strings.Repeat(" ", len(p)) + text[pos+len(p):]
		}
	}
	return containsAny(text, lx.refusals)
}

func containsAny(text string, phrases []string) bool {
	for _, p := range phrases {
		if len(findAll(text, p)) > 0 {
			return true
		}
	}
	return false
}

// mention is one occurrence of a candidate (label or option) in a reply.
type mention struct{ pos, end, idx int }

// mentions finds every whole-word occurrence of any alias of any candidate;
// where two overlap the one starting first, then the longer, wins (so "no me
// gustó" is not also read as "me gustó").
func mentions(text string, cands [][]string) []mention {
	var all []mention
	for idx, aliases := range cands {
		for _, a := range aliases {
			for _, pos := range findAll(text, a) {
				all = append(all, mention{pos, pos + len(a), idx})
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
	for _, m := range all {
		if m.pos >= end {
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
// ok is false when there is no opening tag. Offsets are found in text itself
// (lowercasing can change byte lengths, for instance of invalid UTF-8).
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

// pickCall returns the first call of the named tool, else the first call.
func pickCall(calls []model.ToolCall, name string) model.ToolCall {
	for _, c := range calls {
		if c.Name == name {
			return c
		}
	}
	return calls[0]
}

// argString reads one argument of a tool call as a string (numbers in their
// shortest decimal form).
func argString(call model.ToolCall, key string) (string, bool) {
	var m map[string]any
	if err := json.Unmarshal([]byte(call.Arguments), &m); err != nil {
		return "", false
	}
	switch v := m[key].(type) {
	case string:
		return v, true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	return "", false
}

// exact returns the candidate whose alias or key equals the stripped text.
func exact(s string, cands [][]string, keys []string) int {
	s = strip(normalize(s))
	if s == "" {
		return -1
	}
	for i, aliases := range cands {
		if slices.Contains(aliases, s) {
			return i
		}
	}
	return slices.Index(keys, s)
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

// sentenceEnd is the end of the sentence that starts at from.
func sentenceEnd(text string, from int) int { return regionEnd(text, from, ".!?\n") }

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
	sort.Ints(out)
	return out
}

// negated says whether a cue at [pos, end) is negated: one of the two words
// before it in the same clause, or the word right after it, is a negation
// ("I wouldn't pick", "je ne choisirais pas", "I'd rather not").
func negated(text string, pos, end int, lx *lexicon) bool {
	const window = 48 // bytes each side; two words and one word fit
	lo := max(0, pos-window)
	for lo > 0 && !utf8.RuneStart(text[lo]) {
		lo--
	}
	clause := text[lo:pos]
	if j := strings.LastIndexAny(clause, ".,;:!?\n"); j >= 0 {
		clause = clause[j+1:]
	}
	before := strings.Fields(clause)
	if len(before) > 2 {
		before = before[len(before)-2:]
	}
	words := before
	hi := min(len(text), end+window)
	if after := strings.Fields(text[end:hi]); len(after) > 0 {
		words = append(words, after[0])
	}
	for _, w := range words {
		w = strings.Trim(w, "\"'*,.;:!?()")
		if strings.HasSuffix(w, "n't") || strings.HasPrefix(w, "n'") || slices.Contains(lx.negations, w) {
			return true
		}
	}
	return false
}

// cueEnds returns the end offsets of non-negated cues, in text order.
func cueEnds(text string, cues []string, lx *lexicon) []int {
	var out []int
	for _, c := range cues {
		for _, pos := range findAll(text, c) {
			if !negated(text, pos, pos+len(c), lx) {
				out = append(out, pos+len(c))
			}
		}
	}
	sort.Ints(out)
	return out
}

// decide applies the reading rules (see the package doc) to a normalised
// reply and returns the candidate index, or -1 with the outcome.
func decide(text string, cands [][]string, keys, cues []string, lx *lexicon) (int, Outcome) {
	if i := exact(text, cands, keys); i >= 0 {
		return i, ""
	}
	ms := mentions(text, cands)
	// firstIn is the first mention inside [lo, hi); ms is sorted by pos.
	firstIn := func(lo, hi int) int {
		k := sort.Search(len(ms), func(k int) bool { return ms[k].pos >= lo })
		if k < len(ms) && ms[k].end <= hi {
			return ms[k].idx
		}
		return -1
	}
	// 1. The last answer statement with a candidate on its line.
	ends := markerEnds(text, lx)
	for k := len(ends) - 1; k >= 0; k-- {
		e := ends[k]
		le := lineEnd(text, e)
		if i := firstIn(e, le); i >= 0 {
			return i, ""
		}
		if f := strings.Fields(text[e:le]); len(f) > 0 {
			if i := exact(f[0], cands, keys); i >= 0 {
				return i, ""
			}
		}
	}
	// 2. The first non-negated cue with a candidate later in its sentence.
	for _, e := range cueEnds(text, cues, lx) {
		if i := firstIn(e, sentenceEnd(text, e)); i >= 0 {
			return i, ""
		}
	}
	refusal := lx.refuses(text)
	// 3. A single candidate mentioned, without a refusal.
	if len(ms) > 0 && !refusal {
		one := true
		for _, m := range ms {
			one = one && m.idx == ms[0].idx
		}
		if one {
			return ms[0].idx, ""
		}
	}
	if refusal {
		return -1, OutcomeRefusal
	}
	return -1, OutcomeUnparseable
}

// choiceAliases lists, per label, the forms a reply may use: the label, the
// same key after any catalog language's label word, with and without
// accents ("Task A", "Tâche A", "Tache A", "Tarea A").
func choiceAliases(labels []string, lx *lexicon) (cands [][]string, keys []string) {
	for _, l := range labels {
		n := normalize(strings.TrimSpace(l))
		key := n
		if i := strings.LastIndexByte(n, ' '); i >= 0 {
			key = n[i+1:]
		}
		aliases := []string{n, fold(n)}
		for _, w := range lx.labelWords {
			aliases = append(aliases, w+" "+key)
		}
		cands = append(cands, slices.Compact(aliases))
		keys = append(keys, key)
	}
	return cands, keys
}

// ParseChoice reads the reply to a revealed-preference prompt. It never
// panics and always keeps the reply in Raw (the tool call's arguments when
// the reply is a tool call).
//
// A tool call (submit_choice, else the first call) is read from its
// "choice" argument, which must name a label or its key ("A", "1");
// invalid JSON or any other value is unparseable. Otherwise the text is
// read — only the content of the last <choice>...</choice> when there is
// one — case-insensitively, accepting a label in any catalog language, by
// these rules in order:
//
//  1. the whole reply, trimmed of quotes, emphasis and final marks, is a
//     label or its key ("Task B", "**B**");
//  2. the last answer statement (a marker such as "answer", "choice",
//     "réponse", "respuesta" followed by ":", "is", "est", "es" or "=")
//     with a label later on its line (within 300 bytes) wins;
//  3. the first preference cue ("prefer", "pick", "choose", "rather",
//     "choisirais", "elijo", ...) not negated ("wouldn't pick", "rather
//     not", "ne choisirais pas") with a label later in its sentence
//     (within 300 bytes) wins;
//  4. if only one label is mentioned and no refusal phrase appears, it wins;
//  5. a refusal phrase ("I can't", "as an AI", "je ne peux pas", "no tengo
//     preferencias", ...) makes it a refusal; phrases that only contain one
//     ("I can't wait", "no puedo esperar") are blanked out first;
//  6. anything else, such as both labels with no statement or cue, is
//     unparseable.
func ParseChoice(p Prompt, resp model.Response) Parsed {
	out := Parsed{Outcome: OutcomeUnparseable, Choice: -1, Option: -1, Raw: resp.Text}
	lx := p.lexicon()
	cands, keys := choiceAliases(p.Labels, lx)
	if len(cands) == 0 {
		return out
	}
	if len(resp.ToolCalls) > 0 {
		call := pickCall(resp.ToolCalls, ToolSubmitChoice)
		out.Raw = call.Arguments
		if v, ok := argString(call, "choice"); ok {
			if i := exact(v, cands, keys); i >= 0 {
				out.Outcome, out.Choice = OutcomeChoice, i
			}
		}
		return out
	}
	text := resp.Text
	if content, ok := lastTag(text, "choice"); ok {
		text = content
	}
	i, outcome := decide(normalize(text), cands, keys, lx.choiceCues, lx)
	if i >= 0 {
		out.Outcome, out.Choice = OutcomeChoice, i
	} else {
		out.Outcome = outcome
	}
	return out
}

// ParseRating reads the reply to a stated-preference prompt; Options are
// best first and Score = 1 - Option/(len(Options)-1). It never panics and
// always keeps the reply in Raw.
//
// A tool call (submit_rating, else the first call) is read from its
// "rating" argument (a string or a number) and must be an option exactly.
// Otherwise the text, or the content of the last <rating>...</rating>, is
// read case-insensitively:
//
//   - word scales accept the scale's options in any catalog language (with
//     accents: "sí" is not "si") and follow the same rules as ParseChoice,
//     with rating cues ("I'd say", "I found it", "je dirais", "me pareció");
//   - numeric scales first drop decimals ("7.5" is no answer) and the range
//     itself ("1 to 10", "1-10", "del 1 al 10"); then take, in order, the
//     last "N/max" or "N out of max" ("sur", "de", "sobre"), the last answer
//     statement with a number on its line, the first non-negated rating cue
//     with a number in its sentence, or the only distinct number left when
//     no refusal phrase appears; a number outside the scale is no answer.
//
// Refusals and anything else follow ParseChoice's rules 5 and 6.
func ParseRating(p Prompt, resp model.Response) Parsed {
	out := Parsed{Outcome: OutcomeUnparseable, Choice: -1, Option: -1, Raw: resp.Text}
	if len(p.Options) < 2 {
		return out
	}
	lx := p.lexicon()
	var cands [][]string
	for i, o := range p.Options {
		aliases := []string{normalize(strings.TrimSpace(o))}
		if per, ok := lx.scales[p.Scale]; ok && len(per) == len(p.Options) {
			aliases = append(aliases, per[i]...)
		}
		cands = append(cands, aliases)
	}
	numeric := true
	for _, o := range p.Options {
		if _, err := strconv.Atoi(o); err != nil {
			numeric = false
		}
	}
	set := func(i int) Parsed {
		out.Outcome, out.Option = OutcomeRating, i
		out.Score = 1 - float64(i)/float64(len(p.Options)-1)
		return out
	}
	if len(resp.ToolCalls) > 0 {
		call := pickCall(resp.ToolCalls, ToolSubmitRating)
		out.Raw = call.Arguments
		if v, ok := argString(call, "rating"); ok {
			if i := exact(v, cands, nil); i >= 0 {
				return set(i)
			}
		}
		return out
	}
	text := resp.Text
	if content, ok := lastTag(text, "rating"); ok {
		text = content
	}
	var i int
	var outcome Outcome
	if numeric {
		i, outcome = decideNumber(normalize(text), p.Options, lx)
	} else {
		i, outcome = decide(normalize(text), cands, nil, lx.ratingCues, lx)
	}
	if i >= 0 {
		return set(i)
	}
	out.Outcome = outcome
	return out
}

// number is an integer written in a reply.
type number struct {
	pos, end, val int
	skip          bool // part of the range or the "out of max" denominator
}

// numbers finds the integers in text, leaving out decimals ("7.5", "7,5")
// and runs too long to be a rating.
func numbers(text string) []number {
	isDigit := func(b byte) bool { return b >= '0' && b <= '9' }
	var out []number
	for i := 0; i < len(text); {
		if !isDigit(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		decimal := (i >= 2 && (text[i-1] == '.' || text[i-1] == ',') && isDigit(text[i-2])) ||
			(j+1 < len(text) && (text[j] == '.' || text[j] == ',') && isDigit(text[j+1]))
		letter := false
		if i > 0 {
			r, _ := utf8.DecodeLastRuneInString(text[:i])
			letter = unicode.IsLetter(r)
		}
		if j < len(text) {
			r, _ := utf8.DecodeRuneInString(text[j:])
			letter = letter || unicode.IsLetter(r)
		}
		if !decimal && !letter && j-i <= 6 {
			v, _ := strconv.Atoi(text[i:j])
			out = append(out, number{pos: i, end: j, val: v})
		}
		i = j
	}
	return out
}

// decideNumber reads a numeric rating; options are the scale's values best
// (largest) first.
func decideNumber(text string, options []string, lx *lexicon) (int, Outcome) {
	index := func(v int) int { return slices.Index(options, strconv.Itoa(v)) }
	hi, _ := strconv.Atoi(options[0])
	if v, err := strconv.Atoi(strip(text)); err == nil && index(v) >= 0 {
		return index(v), ""
	}
	ns := numbers(text)
	strong := -1
	for k := 0; k+1 < len(ns); k++ {
		between := strings.TrimSpace(text[ns[k].end:ns[k+1].pos])
		switch {
		case slices.Contains(lx.rangeLinks, between) && ns[k].val < ns[k+1].val:
			ns[k].skip, ns[k+1].skip = true, true
		case slices.Contains(lx.outOf, between) && ns[k+1].val == hi:
			ns[k+1].skip = true
			if !ns[k].skip {
				strong = ns[k].val
			}
		}
	}
	if strong >= 0 {
		return index(strong), outcomeIfNone(index(strong))
	}
	// firstIn is the index of the first counted number inside [lo, hi), -2
	// when there is none; ns is sorted by pos.
	firstIn := func(lo, hi int) int {
		for k := sort.Search(len(ns), func(k int) bool { return ns[k].pos >= lo }); k < len(ns) && ns[k].end <= hi; k++ {
			if !ns[k].skip {
				return index(ns[k].val)
			}
		}
		return -2
	}
	ends := markerEnds(text, lx)
	for k := len(ends) - 1; k >= 0; k-- {
		if i := firstIn(ends[k], lineEnd(text, ends[k])); i != -2 {
			return i, outcomeIfNone(i)
		}
	}
	for _, e := range cueEnds(text, lx.ratingCues, lx) {
		if i := firstIn(e, sentenceEnd(text, e)); i != -2 {
			return i, outcomeIfNone(i)
		}
	}
	refusal := lx.refuses(text)
	if refusal {
		return -1, OutcomeRefusal
	}
	v := -1
	for _, n := range ns {
		if n.skip {
			continue
		}
		if v >= 0 && n.val != v {
			return -1, OutcomeUnparseable
		}
		v = n.val
	}
	if v >= 0 && index(v) >= 0 {
		return index(v), ""
	}
	return -1, OutcomeUnparseable
}

// outcomeIfNone is unparseable for a number outside the scale (index -1).
func outcomeIfNone(i int) Outcome {
	if i < 0 {
		return OutcomeUnparseable
	}
	return ""
}

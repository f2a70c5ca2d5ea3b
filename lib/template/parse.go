package template

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/prefscope/prefscope/lib/model"
)

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

// exactMax bounds the length of a bare answer: no label or option is
// longer.
const exactMax = 200

// exact returns the candidate whose alias or key equals the stripped text.
// A number right after a minus sign is not stripped of it ("-3" is not 3).
func exact(s string, cands [][]string, keys []string) int {
	if len(strip(s)) > exactMax {
		return -1 // too long to be a bare answer; spares normalising it
	}
	n := normalize(s)
	s = strip(n)
	if s == "" {
		return -1
	}
	if at := strings.Index(n, s); s[0] >= '0' && s[0] <= '9' && signBefore(n, at) {
		return -1
	}
	for i, aliases := range cands {
		if slices.Contains(aliases, s) {
			return i
		}
	}
	return slices.Index(keys, s)
}

// quotable is what a reply may quote: the task texts and the completions.
func (p Prompt) quotable() []string {
	return append(slices.Clone(p.TaskTexts), p.Completions...)
}

// reader applies the reading rules to one normalised, quotation-masked
// reply. flip says a negated candidate means the other one (a choice
// between two labels); otherwise a negated candidate is no answer.
type reader struct {
	text  string
	cands [][]string
	keys  []string
	lx    *lexicon
	flip  bool
	ms    []mention
}

// other is the candidate a negated mention of i stands for: the other label
// of a choice, or -1.
func (r *reader) other(i int) int {
	if r.flip && len(r.cands) == 2 {
		return 1 - i
	}
	return -1
}

// statement reads the first mention in [lo, hi) that gives an answer: a
// plain one, or a negated one read as the other label. found is false when
// [lo, hi) mentions no candidate; i is -1 when it only negates options.
func (r *reader) statement(lo, hi int) (i int, found bool) {
	for k := sort.Search(len(r.ms), func(k int) bool { return r.ms[k].pos >= lo }); k < len(r.ms) && r.ms[k].pos < hi; k++ {
		m := r.ms[k]
		if m.end > hi {
			break
		}
		found = true
		if !m.neg {
			return m.idx, true
		}
		if o := r.other(m.idx); o >= 0 {
			return o, true
		}
	}
	return -1, found
}

// decide applies the reading rules (see ParseChoice) and returns the
// candidate index, or -1 with the outcome.
func (r *reader) decide(cues []string) (int, Outcome) {
	text, lx := r.text, r.lx
	if i := exact(text, r.cands, r.keys); i >= 0 {
		return i, ""
	}
	r.ms = mentions(text, r.cands, lx)
	// 2. The last answer statement with a candidate on its line.
	ends := markerEnds(text, lx)
	for k := len(ends) - 1; k >= 0; k-- {
		e := ends[k]
		le := lineEnd(text, e)
		if i, found := r.statement(e, le); found {
			return i, outcomeIfNone(i)
		}
		f := strings.Fields(text[e:le])
		neg := len(f) > 1 && isNegation(f[0], lx)
		if neg {
			f = f[1:]
		}
		if len(f) > 0 {
			if i := exact(f[0], r.cands, r.keys); i >= 0 {
				if neg {
					i = r.other(i)
				}
				return i, outcomeIfNone(i)
			}
		}
	}
	// 3. The last sentence whose first effective cue has a candidate after it.
	best, bestSentence := -1, -1
	for _, e := range cueEnds(text, cues, lx) {
		s := sentenceStart(text, e)
		if s == bestSentence {
			continue // this sentence's first cue has spoken
		}
		if i, found := r.statement(e, sentenceEnd(text, e)); found {
			best, bestSentence = i, s
		}
	}
	if bestSentence >= 0 {
		return best, outcomeIfNone(best)
	}
	// 4. A refusal phrase.
	if lx.refuses(text) {
		return -1, OutcomeRefusal
	}
	// 5. Every mention, a negated one read as the other label, agrees.
	v := -1
	for _, m := range r.ms {
		i := m.idx
		if m.neg {
			if i = r.other(i); i < 0 {
				continue
			}
		}
		if v >= 0 && i != v {
			return -1, OutcomeUnparseable
		}
		v = i
	}
	if v >= 0 {
		return v, ""
	}
	return -1, OutcomeUnparseable
}

// outcomeIfNone is unparseable for no answer (index -1).
func outcomeIfNone(i int) Outcome {
	if i < 0 {
		return OutcomeUnparseable
	}
	return ""
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

// readText normalises a text reply, answers a bare label or option at once,
// and otherwise blanks the quotations of the prompt's task texts and keeps
// only the content of the last <tag>...</tag> when there is one.
func readText(p Prompt, resp model.Response, tag string, cands [][]string, keys []string) (text string, bare int) {
	text = normalize(resp.Text)
	if i := exact(text, cands, keys); i >= 0 {
		return "", i
	}
	text = maskQuotes(text, p.quotable(), cands)
	if content, ok := lastTag(text, tag); ok {
		text = content
	}
	return text, -1
}

// ParseChoice reads the reply to a revealed-preference prompt. It never
// panics and always keeps the reply in Raw (the tool call's arguments when
// the reply is a tool call).
//
// A tool call (submit_choice, else the first call) is read from its
// "choice" argument, which must name a label or its key ("A", "1");
// invalid JSON or any other value is unparseable. Otherwise the text is
// read case-insensitively, accepting a label in any catalog language. First
// the spans that quote the prompt's task texts (Prompt.TaskTexts and
// Completions; see maskQuotes) are blanked, so what a task says is never
// read as the answer; then only the content of the last <choice>...</choice>
// is kept when there is one, and these rules apply in order:
//
//  1. the whole reply, trimmed of quotes, emphasis and final marks, is a
//     label or its key ("Task B", "**B**");
//  2. the last answer statement (a marker such as "answer", "choice",
//     "réponse", "respuesta" followed by ":", "is", "est", "es" or "=")
//     with a label later on its line (within 300 bytes) wins;
//  3. otherwise the last sentence holding a preference cue ("prefer",
//     "pick", "choose", "rather", "choisirais", "elijo", ...) that is not
//     negated ("wouldn't pick", "rather not", "ne choisirais pas") with a
//     label later in the sentence (within 300 bytes) wins, read from the
//     sentence's first such cue: "I prefer Task A. Actually no, I prefer
//     Task B." is B, "I'd pick Task A because I prefer it to Task B" is A;
//  4. a refusal phrase ("I can't", "as an AI", "je ne peux pas", "no tengo
//     preferencias", ...) makes it a refusal; phrases that only contain one
//     ("I can't wait", "no puedo esperar") are blanked out first;
//  5. if every label mentioned names the same task, it wins;
//  6. anything else, such as both labels with no statement or cue, is
//     unparseable.
//
// A label is negated when one of the three words before it in its clause
// is a negation ("Not Task A", "I wouldn't choose Task A", "no elegiría la
// Tarea 1"); with two labels a negated one stands for the other, in every
// rule above.
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
	text, i := readText(p, resp, "choice", cands, keys)
	var outcome Outcome
	if i < 0 {
		r := reader{text: text, cands: cands, keys: keys, lx: lx, flip: len(cands) == 2}
		i, outcome = r.decide(lx.choiceCues)
	}
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
// Otherwise the text is read case-insensitively, quotations of the task
// blanked and only the content of the last <rating>...</rating> kept, as in
// ParseChoice:
//
//   - word scales accept the scale's options in any catalog language (with
//     accents: "sí" is not "si") and follow ParseChoice's rules, with rating
//     cues ("I'd say", "I found it", "je dirais", "me pareció"), except
//     that a negated option is no answer, even on a two-option scale: "It
//     was not good" is unparseable, not "bad", since a judgement of degree
//     does not invert ("not bad" is not "good"). An option that itself
//     holds a negation ("je n'ai pas aimé", "no me gustó", "no") is read as
//     that option;
//   - numeric scales read integers with their sign ("-3" is -3) and drop
//     decimals ("7.5" is no answer) and the range itself ("1 to 10",
//     "1-10", "del 1 al 10"); then take, in order, the last answer
//     statement with a number on its line ("My rating: 3" beats an earlier
//     "10/10"), the last "N/max" or "N out of max" ("sur", "de", "sobre"),
//     the last sentence with a non-negated rating cue and a number after
//     it, or the only distinct number left when no refusal phrase appears;
//     negated numbers ("not a 10") are skipped and a number outside the
//     scale is no answer.
//
// Refusals and anything else follow ParseChoice's rules 4 and 6.
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
	text, i := readText(p, resp, "rating", cands, nil)
	if i >= 0 {
		return set(i)
	}
	var outcome Outcome
	if numeric {
		i, outcome = decideNumber(text, p.Options, lx)
	} else {
		r := reader{text: text, cands: cands, lx: lx}
		i, outcome = r.decide(lx.ratingCues)
	}
	if i >= 0 {
		return set(i)
	}
	out.Outcome = outcome
	return out
}

package template

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/prefscope/prefscope/lib/model"
)

// Wrapper of the instruction when instruction_xml is set.
const (
	instructionsOpen  = "<instructions>\n"
	instructionsClose = "\n</instructions>"
)

// ID is a short stable identifier of the template: the kind followed by the
// first 10 hex digits of a SHA-256 of every field and the scale. Equal
// templates have equal IDs; the chance that two of a catalog's few thousand
// templates collide is below 1e-5.
func (t Template) ID() string {
	var b strings.Builder
	for _, n := range FieldNames {
		b.WriteString(n)
		b.WriteByte('=')
		b.WriteString(t.Tag(n))
		b.WriteByte(';')
	}
	h := sha256.Sum256([]byte(b.String()))
	return string(t.Kind) + "-" + hex.EncodeToString(h[:5])
}

// Swap says whether the pair (aID, bID) is displayed in reverse, b first:
// never for task_order canonical, always for reversed, and for random a coin
// flip from SHA-256 of (seed, aID, bID), so the same pair under the same
// seed always gets the same order while orders across pairs are balanced.
func (t Template) Swap(aID, bID string) bool {
	switch t.Fields.TaskOrder {
	case OrderReversed:
		return true
	case OrderRandom:
		h := sha256.Sum256([]byte(strconv.FormatInt(t.Fields.Seed, 10) + "\x00" + aID + "\x00" + bID))
		return h[0]&1 == 1
	}
	return false
}

// CompletionMessages is the plain request used to obtain a completion of a
// task: the task text as the only user turn. Post-task stated prompts reuse
// it verbatim, so the rating follows the same conversation.
func CompletionMessages(taskText string) []model.Message {
	return []model.Message{{Role: model.RoleUser, Content: taskText}}
}

// labels returns the localised labels of the two tasks in display order.
func (l *languageFile) labels(style string) []string {
	keys := l.Letters
	if style == LabelsNumber {
		keys = l.Numbers
	}
	return []string{l.LabelWord + " " + keys[0], l.LabelWord + " " + keys[1]}
}

func (l *languageFile) header(label string) string {
	return strings.ReplaceAll(l.Header, "{label}", label)
}

// quoteList quotes items and joins them with commas and the language's "or".
func (l *languageFile) quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = l.Quotes[0] + s + l.Quotes[1]
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " " + l.Or + " " + q[len(q)-1]
}

// options returns a scale's options in a language, best first.
func (s scaleFile) options(lang string) []string {
	if len(s.Numeric) == 2 {
		var out []string
		for v := s.Numeric[1]; v >= s.Numeric[0]; v-- {
			out = append(out, strconv.Itoa(v))
		}
		return out
	}
	return s.Options[lang]
}

// optionsText is what {options} expands to in a rating format sentence.
func (l *languageFile) optionsText(s scaleFile) string {
	if len(s.Numeric) == 2 {
		r := strings.ReplaceAll(l.NumericRange, "{min}", strconv.Itoa(s.Numeric[0]))
		return strings.ReplaceAll(r, "{max}", strconv.Itoa(s.Numeric[1]))
	}
	return strings.ReplaceAll(l.OptionList, "{list}", l.quoteList(s.Options[l.Code]))
}

// formatSentence is one rendered answer-format sentence and what it encodes.
type formatSentence struct {
	text   string
	lang   string
	class  string
	format string
	labels string // label style, choice class
	scale  string // rating class
}

func (c *Catalog) sentence(class, format, lang, optionsText string) string {
	return strings.ReplaceAll(c.file.Formats[class][format][lang], "{options}", optionsText)
}

func (c *Catalog) buildSentences() {
	for _, l := range c.file.Languages {
		for _, format := range formats {
			for _, style := range []string{LabelsLetter, LabelsNumber} {
				c.sentences = append(c.sentences, formatSentence{
					text: c.sentence(classChoice, format, l.Code, l.quoteList(l.labels(style))),
					lang: l.Code, class: classChoice, format: format, labels: style,
				})
			}
			for _, s := range c.file.Scales {
				c.sentences = append(c.sentences, formatSentence{
					text: c.sentence(classRating, format, l.Code, l.optionsText(s)),
					lang: l.Code, class: classRating, format: format, scale: s.ID,
				})
			}
		}
	}
	// Longest first, so that a sentence that ends another is tried last.
	for i := 1; i < len(c.sentences); i++ {
		for j := i; j > 0 && len(c.sentences[j].text) > len(c.sentences[j-1].text); j-- {
			c.sentences[j], c.sentences[j-1] = c.sentences[j-1], c.sentences[j]
		}
	}
}

// perturbRNG is the generator of one perturbation of one template's
// instruction: seeded by SHA-256 of the seed, kind, phrasing, language and
// the perturbation's name, so each is reproducible and independent.
func perturbRNG(t Template, what string) *rand.Rand {
	key := fmt.Sprintf("%d|%s|%s|%s|%s", t.Fields.Seed, t.Kind, t.Fields.Phrasing, t.Fields.Language, what)
	h := sha256.Sum256([]byte(key))
	return rand.New(rand.NewPCG(binary.LittleEndian.Uint64(h[:8]), binary.LittleEndian.Uint64(h[8:16])))
}

// TypoRate is the share of words longer than three letters that get a typo.
const TypoRate = 0.08

// addTypos perturbs about TypoRate of the words longer than three letters
// (at least one) with an adjacent-letter swap, a dropped letter or a doubled
// letter. The first letter of a word is never touched, so capitalisation
// and punctuation stay as they were.
func addTypos(s string, rng *rand.Rand) string {
	rs := []rune(s)
	type span struct{ lo, hi int }
	var words []span
	for i := 0; i < len(rs); {
		if !unicode.IsLetter(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && unicode.IsLetter(rs[j]) {
			j++
		}
		if j-i > 3 {
			words = append(words, span{i, j})
		}
		i = j
	}
	if len(words) == 0 {
		return s
	}
	var pick []int
	for i := range words {
		if rng.Float64() < TypoRate {
			pick = append(pick, i)
		}
	}
	if len(pick) == 0 {
		pick = []int{rng.IntN(len(words))}
	}
	// Edit right to left so earlier spans stay valid.
	for k := len(pick) - 1; k >= 0; k-- {
		w := words[pick[k]]
		word := slices.Clone(rs[w.lo:w.hi])
		n := len(word)
		var out []rune
		switch op := rng.IntN(3); {
		case op == 0 && n >= 3:
			i := 1 + rng.IntN(n-2) // swap i and i+1, both after the first letter
			if word[i] != word[i+1] {
				word[i], word[i+1] = word[i+1], word[i]
				out = word
				break
			}
			fallthrough
		case op == 1:
			i := 1 + rng.IntN(n-1)
			out = append(word[:i:i], word[i+1:]...)
		default:
			i := 1 + rng.IntN(n-1)
			out = append(append(word[:i+1:i+1], word[i]), word[i+1:]...)
		}
		rs = append(rs[:w.lo:w.lo], append(out, rs[w.hi:]...)...)
	}
	return string(rs)
}

// perturbPunctuation changes sentence punctuation and capitalisation: each
// sentence mark (. ? !) is kept, dropped or replaced, commas and opening
// marks (¿ ¡) may be dropped, and sentence-initial capitals may be
// lowercased. Letters are never added or removed, apostrophes and hyphens
// inside words are kept, and at least one change is made.
func perturbPunctuation(s string, rng *rand.Rand) string {
	lower := rng.Float64() < 0.5
	var b strings.Builder
	startOfSentence := true
	for _, r := range s {
		switch {
		case r == '.' || r == '?' || r == '!':
			switch x := rng.Float64(); {
			case x < 0.35: // drop
			case x < 0.55:
				if r == '?' {
					b.WriteString("?!")
				} else {
					b.WriteString("...")
				}
			case x < 0.7:
				if r == '.' {
					b.WriteRune('!')
				} else {
					b.WriteRune('.')
				}
			default:
				b.WriteRune(r)
			}
			startOfSentence = true
			continue
		case r == ',' || r == '¿' || r == '¡':
			if rng.Float64() < 0.5 {
				continue
			}
		case unicode.IsLetter(r):
			if startOfSentence && lower {
				r = unicode.ToLower(r)
			}
			startOfSentence = false
		}
		b.WriteRune(r)
	}
	out := tidySpaces(b.String())
	if out == s {
		// Guarantee a change: drop the last sentence mark, else lowercase.
		if i := strings.LastIndexAny(s, ".?!"); i >= 0 {
			out = tidySpaces(s[:i] + s[i+1:])
		}
		if out == s {
			r, n := utf8.DecodeRuneInString(s)
			out = string(unicode.ToLower(r)) + s[n:]
		}
	}
	return out
}

// tidySpaces collapses runs of spaces, drops spaces before a comma or the
// end, and trims the ends, so dropped marks leave no gaps.
func tidySpaces(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, " ,", ",")
}

// instruction renders the instruction block: the phrasing (perturbed as the
// template says) followed by the answer-format sentence, wrapped in
// <instructions> tags when instruction_xml is set.
func (c *Catalog) instruction(t Template, l *languageFile, optionsText string) string {
	phr, _ := c.phrasingText(t.Kind, t.Fields.Phrasing, l.Code)
	if t.Fields.Punctuation {
		phr = perturbPunctuation(phr, perturbRNG(t, FieldPunctuation))
	}
	if t.Fields.Typos {
		phr = addTypos(phr, perturbRNG(t, FieldTypos))
	}
	ins := phr + " " + c.sentence(t.Kind.class(), t.Fields.ResponseFormat, l.Code, optionsText)
	if t.Fields.InstructionXML {
		ins = instructionsOpen + ins + instructionsClose
	}
	return ins
}

func enumTool(name, desc, param string, enum []string) model.Tool {
	e := make([]any, len(enum))
	for i, s := range enum {
		e[i] = s
	}
	return model.Tool{
		Name:        name,
		Description: desc,
		Parameters: map[string]any{
			"type": "object",
			"properties": map[string]any{
				param: map[string]any{"type": "string", "enum": e},
			},
			"required": []any{param},
		},
	}
}

// prepare validates t for kind and starts the prompt: the situating context
// (when set) and the language.
func (c *Catalog) prepare(t Template, kind Kind) (*languageFile, Prompt, error) {
	if t.Kind != kind {
		return nil, Prompt{}, fmt.Errorf("template: %w: %s renders %s, not %s", ErrInvalidTemplate, t.ID(), t.Kind, kind)
	}
	if err := c.Validate(t); err != nil {
		return nil, Prompt{}, err
	}
	l := c.langs[t.Fields.Language]
	p := Prompt{Kind: t.Kind, Scale: t.Scale, Format: t.Fields.ResponseFormat, Language: l.Code, lex: c.lex}
	if t.Fields.SituatingContext {
		p.Messages = append(p.Messages, model.Message{Role: model.RoleSystem, Content: l.SituatingContext})
	}
	return l, p, nil
}

func (c *Catalog) prepareChoice(t Template, kind Kind) (*languageFile, Prompt, string, error) {
	l, p, err := c.prepare(t, kind)
	if err != nil {
		return nil, p, "", err
	}
	p.Labels = l.labels(t.Fields.TaskLabels)
	if p.Format == FormatToolCall {
		p.Tools = []model.Tool{enumTool(ToolSubmitChoice, l.ToolDescriptions[ToolSubmitChoice], "choice", p.Labels)}
	}
	return l, p, c.instruction(t, l, l.quoteList(p.Labels)), nil
}

func (c *Catalog) prepareRating(t Template, kind Kind) (*languageFile, Prompt, string, error) {
	l, p, err := c.prepare(t, kind)
	if err != nil {
		return nil, p, "", err
	}
	s, _ := c.scale(t.Scale)
	p.Options = s.options(l.Code)
	if p.Format == FormatToolCall {
		p.Tools = []model.Tool{enumTool(ToolSubmitRating, l.ToolDescriptions[ToolSubmitRating], "rating", p.Options)}
	}
	return l, p, c.instruction(t, l, l.optionsText(s)), nil
}

func place(t Template, ins, body string) string {
	if t.Fields.InstructionPosition == PositionBefore {
		return ins + "\n\n" + body
	}
	return body + "\n\n" + ins
}

// RenderChoice renders a pre_revealed prompt: one user turn holding the
// instruction and the two tasks, labelled, in display order (first, second
// are already ordered by the caller, see Swap):
//
//	Task A:
//	<first>
//
//	Task B:
//	<second>
//
// with the instruction block before or after them, separated by a blank line.
func (c *Catalog) RenderChoice(t Template, first, second string) (Prompt, error) {
	l, p, ins, err := c.prepareChoice(t, PreRevealed)
	if err != nil {
		return Prompt{}, err
	}
	body := l.header(p.Labels[0]) + "\n" + first + "\n\n" + l.header(p.Labels[1]) + "\n" + second
	p.TaskTexts = []string{first, second}
	p.Messages = append(p.Messages, model.Message{Role: model.RoleUser, Content: place(t, ins, body)})
	return p, nil
}

// RenderRating renders a pre_stated prompt: one user turn holding the
// instruction and the task under the language's single-task header.
func (c *Catalog) RenderRating(t Template, taskText string) (Prompt, error) {
	l, p, ins, err := c.prepareRating(t, PreStated)
	if err != nil {
		return Prompt{}, err
	}
	body := l.SingleHeader + "\n" + taskText
	p.TaskTexts = []string{taskText}
	p.Messages = append(p.Messages, model.Message{Role: model.RoleUser, Content: place(t, ins, body)})
	return p, nil
}

// RenderPostChoice renders a post_revealed prompt: a user turn with the
// first task under its label, the assistant's completion of it, the same for
// the second task, then a user turn holding only the instruction.
func (c *Catalog) RenderPostChoice(t Template, first, second, completionFirst, completionSecond string) (Prompt, error) {
	l, p, ins, err := c.prepareChoice(t, PostRevealed)
	if err != nil {
		return Prompt{}, err
	}
	p.TaskTexts = []string{first, second}
	p.Completions = []string{completionFirst, completionSecond}
	p.Messages = append(p.Messages,
		model.Message{Role: model.RoleUser, Content: l.header(p.Labels[0]) + "\n" + first},
		model.Message{Role: model.RoleAssistant, Content: completionFirst},
		model.Message{Role: model.RoleUser, Content: l.header(p.Labels[1]) + "\n" + second},
		model.Message{Role: model.RoleAssistant, Content: completionSecond},
		model.Message{Role: model.RoleUser, Content: ins},
	)
	return p, nil
}

// RenderPostRating renders a post_stated prompt: CompletionMessages(taskText),
// the assistant's completion, then a user turn holding only the instruction.
func (c *Catalog) RenderPostRating(t Template, taskText, completion string) (Prompt, error) {
	_, p, ins, err := c.prepareRating(t, PostStated)
	if err != nil {
		return Prompt{}, err
	}
	p.TaskTexts = []string{taskText}
	p.Completions = []string{completion}
	p.Messages = append(p.Messages, CompletionMessages(taskText)...)
	p.Messages = append(p.Messages,
		model.Message{Role: model.RoleAssistant, Content: completion},
		model.Message{Role: model.RoleUser, Content: ins},
	)
	return p, nil
}

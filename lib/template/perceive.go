package template

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/prefscope/prefscope/lib/model"
)

// ErrNotRecognised is wrapped by Perceive's errors: the chat is not one this
// catalog renders.
var ErrNotRecognised = errors.New("prompt not recognised")

// MinPhrasingOverlap is the least word overlap (shared words over the
// longer word count) at which Perceive accepts an instruction as a catalog
// phrasing. Typos touch about 8% of the words, so a perturbed phrasing
// scores about 0.9.
const MinPhrasingOverlap = 0.5

// Perceive reads a rendered chat back the way a model would see it: it is
// the inverse of the Render methods, and lets the simulated respondent
// (lib/model/synth) answer prompts it did not build. From the message
// structure it recovers the kind; from the situating-context system prompt,
// the instruction's position and <instructions> wrapper, the answer-format
// sentence (exact, since it is never perturbed: it gives language, format,
// labels or scale) and the phrasing (matched by word overlap so typos do not
// break it) it recovers the fields. Typos are reported when the
// instruction's words differ from the phrasing's, punctuation when its
// punctuation marks or word capitalisation differ. TaskOrder and Seed cannot
// be seen and are left empty; fields a kind cannot show get the level
// Generate holds them at (see Factors). TaskTexts are returned exactly as
// embedded, in display order. A first system turn counts as the situating
// context only when it is one of the catalog's texts exactly; any other
// system turn is skipped. tools are not needed (the format sentence
// names the format) and are only checked against the format when given.
func (c *Catalog) Perceive(messages []model.Message, tools []model.Tool) (Perception, error) {
	var per Perception
	fail := func(format string, args ...any) (Perception, error) {
		return Perception{}, fmt.Errorf("template: perceive: %w: %s", ErrNotRecognised, fmt.Sprintf(format, args...))
	}
	msgs := messages
	if len(msgs) > 0 && msgs[0].Role == model.RoleSystem {
		for _, l := range c.file.Languages {
			if msgs[0].Content == l.SituatingContext {
				per.Fields.SituatingContext = true
			}
		}
		msgs = msgs[1:]
	}
	var roles []string
	for _, m := range msgs {
		roles = append(roles, m.Role)
	}
	u, a := model.RoleUser, model.RoleAssistant
	switch strings.Join(roles, ",") {
	case u:
		return c.perceivePre(per, msgs[0].Content, tools)
	case strings.Join([]string{u, a, u}, ","):
		per.Kind = PostStated
	case strings.Join([]string{u, a, u, a, u}, ","):
		per.Kind = PostRevealed
	default:
		return fail("roles %v are not user / user,assistant,user / user,assistant,user,assistant,user after an optional system turn", roles)
	}
	ins, err := c.readInstruction(&per, msgs[len(msgs)-1].Content)
	if err != nil {
		return Perception{}, err
	}
	per.Fields.InstructionPosition = PositionAfter
	if per.Kind == PostStated {
		per.TaskTexts = []string{msgs[0].Content}
		per.Completions = []string{msgs[1].Content}
	} else {
		l := c.langs[per.Fields.Language]
		for k, m := range []model.Message{msgs[0], msgs[2]} {
			h := l.header(per.Labels[k]) + "\n"
			if !strings.HasPrefix(m.Content, h) {
				return fail("post-task turn %d does not start with %q", 2*k+1, h)
			}
			per.TaskTexts = append(per.TaskTexts, m.Content[len(h):])
		}
		per.Completions = []string{msgs[1].Content, msgs[3].Content}
	}
	if err := c.matchPhrasing(&per, ins); err != nil {
		return Perception{}, err
	}
	return per, checkTools(per, tools)
}

// perceivePre reads the single user turn of a pre-task prompt.
func (c *Catalog) perceivePre(per Perception, content string, tools []model.Tool) (Perception, error) {
	// The tasks come first exactly when the turn starts with a task header.
	after := false
	for _, l := range c.file.Languages {
		for _, h := range []string{l.SingleHeader, l.header(l.labels(LabelsLetter)[0]), l.header(l.labels(LabelsNumber)[0])} {
			after = after || strings.HasPrefix(content, h+"\n")
		}
	}
	// The instruction block holds no blank line, so it ends at the first
	// (before) or starts after the last (after) blank line.
	var block, body string
	if after {
		i := strings.LastIndex(content, "\n\n")
		if i < 0 {
			return Perception{}, fmt.Errorf("template: perceive: %w: no blank line between tasks and instruction", ErrNotRecognised)
		}
		block, body = content[i+2:], content[:i]
		per.Fields.InstructionPosition = PositionAfter
	} else {
		i := strings.Index(content, "\n\n")
		if i < 0 {
			return Perception{}, fmt.Errorf("template: perceive: %w: no blank line between instruction and tasks", ErrNotRecognised)
		}
		block, body = content[:i], content[i+2:]
		per.Fields.InstructionPosition = PositionBefore
	}
	ins, err := c.readInstruction(&per, block)
	if err != nil {
		return Perception{}, err
	}
	l := c.langs[per.Fields.Language]
	if per.Kind == PreStated {
		h := l.SingleHeader + "\n"
		if !strings.HasPrefix(body, h) {
			return Perception{}, fmt.Errorf("template: perceive: %w: task does not start with %q", ErrNotRecognised, h)
		}
		per.TaskTexts = []string{body[len(h):]}
	} else {
		h0, h1 := l.header(per.Labels[0])+"\n", "\n\n"+l.header(per.Labels[1])+"\n"
		if !strings.HasPrefix(body, h0) {
			return Perception{}, fmt.Errorf("template: perceive: %w: tasks do not start with %q", ErrNotRecognised, h0)
		}
		rest := body[len(h0):]
		j := strings.Index(rest, h1)
		if j < 0 {
			return Perception{}, fmt.Errorf("template: perceive: %w: no second task header %q", ErrNotRecognised, strings.TrimSpace(h1))
		}
		per.TaskTexts = []string{rest[:j], rest[j+len(h1):]}
	}
	if err := c.matchPhrasing(&per, ins); err != nil {
		return Perception{}, err
	}
	return per, checkTools(per, tools)
}

// readInstruction strips the <instructions> wrapper and finds the answer
// format sentence ending the block; it sets the kind (pre kinds), language,
// format, labels or scale, and returns the phrasing text before the
// sentence. For post kinds the kind is already set and must agree.
func (c *Catalog) readInstruction(per *Perception, block string) (string, error) {
	if strings.HasPrefix(block, instructionsOpen) && strings.HasSuffix(block, instructionsClose) && len(block) >= len(instructionsOpen)+len(instructionsClose) {
		per.Fields.InstructionXML = true
		block = block[len(instructionsOpen) : len(block)-len(instructionsClose)]
	}
	for _, s := range c.sentences {
		if !strings.HasSuffix(block, s.text) {
			continue
		}
		phr := block[:len(block)-len(s.text)]
		if phr != "" && !strings.HasSuffix(phr, " ") {
			continue
		}
		switch {
		case per.Kind == "" && s.class == classChoice:
			per.Kind = PreRevealed
		case per.Kind == "" && s.class == classRating:
			per.Kind = PreStated
		case per.Kind.class() != s.class:
			continue
		}
		l := c.langs[s.lang]
		per.Fields.Language = s.lang
		per.Fields.ResponseFormat = s.format
		if s.class == classChoice {
			per.Fields.TaskLabels = s.labels
			per.Labels = l.labels(s.labels)
		} else {
			per.Fields.TaskLabels = LabelsLetter
			per.Scale = s.scale
			sc, _ := c.scale(s.scale)
			per.Options = sc.options(s.lang)
		}
		return strings.TrimSpace(phr), nil
	}
	return "", fmt.Errorf("template: perceive: %w: instruction does not end with an answer-format sentence of the catalog: %q", ErrNotRecognised, clip(block, 120))
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "..."
}

// letterWords splits s into its words (runs of letters), as written.
func letterWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
}

// skeleton is what punctuation perturbations change: every mark that is not
// a letter or a space, and whether each word starts with a capital.
func skeleton(s string) string {
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsSpace(r) {
			b.WriteRune(r)
		}
	}
	b.WriteByte('|')
	for _, w := range letterWords(s) {
		for _, r := range w {
			if unicode.IsUpper(r) {
				b.WriteByte('U')
			} else {
				b.WriteByte('l')
			}
			break
		}
	}
	return b.String()
}

// overlap is the number of shared words (as a multiset, case-insensitive)
// over the larger word count.
func overlap(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	count := map[string]int{}
	for _, w := range a {
		count[strings.ToLower(w)]++
	}
	shared := 0
	for _, w := range b {
		w = strings.ToLower(w)
		if count[w] > 0 {
			count[w]--
			shared++
		}
	}
	return float64(shared) / float64(max(len(a), len(b)))
}

// matchPhrasing finds the phrasing of the kind, in the perceived language,
// that the instruction text was made from, and whether typos or punctuation
// perturbations were applied.
func (c *Catalog) matchPhrasing(per *Perception, text string) error {
	words := letterWords(text)
	best, bestScore, bestText := "", 0.0, ""
	for _, p := range c.file.Phrasings[string(per.Kind)] {
		orig := p.Text[per.Fields.Language]
		if s := overlap(words, letterWords(orig)); s > bestScore {
			best, bestScore, bestText = p.ID, s, orig
		}
	}
	if bestScore < MinPhrasingOverlap {
		return fmt.Errorf("template: perceive: %w: instruction %q matches no %s phrasing in %s (best overlap %.2f)", ErrNotRecognised, clip(text, 120), per.Kind, per.Fields.Language, bestScore)
	}
	per.Fields.Phrasing = best
	origWords := letterWords(bestText)
	per.Fields.Typos = strings.ToLower(strings.Join(words, " ")) != strings.ToLower(strings.Join(origWords, " "))
	per.Fields.Punctuation = skeleton(text) != skeleton(bestText)
	return nil
}

// checkTools requires, when tools are given and the format is tool_call, the
// submit tool of the kind.
func checkTools(per Perception, tools []model.Tool) error {
	if per.Fields.ResponseFormat != FormatToolCall || len(tools) == 0 {
		return nil
	}
	want := ToolSubmitChoice
	if per.Kind.class() == classRating {
		want = ToolSubmitRating
	}
	for _, t := range tools {
		if t.Name == want {
			return nil
		}
	}
	return fmt.Errorf("template: perceive: %w: tool_call format without a %s tool", ErrNotRecognised, want)
}

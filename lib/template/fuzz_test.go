package template

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
)

// fuzzPrompts renders a balanced sample of each kind (every scale for
// stated kinds) for the fuzz targets to answer or mutate.
func fuzzPrompts(t testing.TB) (choice, rating []Prompt, rendered []Prompt, templates []Template) {
	c := mustDefault(t)
	for _, kind := range Kinds {
		scales := []string{""}
		if kind.class() == classRating {
			scales = c.Scales()
		}
		for _, scale := range scales {
			for i, tp := range SampleBalanced(c.Generate(kind, scale), 12, 9) {
				p := render(t, c, tp, i)
				rendered = append(rendered, p)
				templates = append(templates, tp)
				if kind.class() == classChoice {
					choice = append(choice, p)
				} else {
					rating = append(rating, p)
				}
			}
		}
	}
	return choice, rating, rendered, templates
}

func addReplySeeds(f *testing.F) {
	for _, s := range []string{
		"Task A", "**B**", "<choice>Tâche 2</choice>", "<rating>7</rating>", "I'd pick Task B because",
		"Answer: Task A\nFinal answer: Task B", "As an AI I can't", "7/10", "8 out of 10", "del 1 al 10: 4",
		"neutral", "je n'ai pas aimé", "Sí", "7.5", "<choice>", "</choice><choice>", "Answer:", "\x00\xff", "",
		"Not Task A.", "I wouldn't choose Task A.", "No es bueno.", "Rating: -3", "-3", "\"Answer: Task B\" Answer: Task A",
		"I prefer Task A. Actually no, I prefer Task B.", "> quoted line\nAnswer:", "« Tâche B » réponse : non",
	} {
		f.Add(uint16(len(s)), s, `{"choice":"Task A","rating":"good"}`, false)
		f.Add(uint16(len(s)*3), s, s, true)
	}
}

func checkParsed(t *testing.T, got Parsed, n int, want Outcome, idx int) {
	t.Helper()
	switch got.Outcome {
	case want:
		if idx < 0 || idx >= n {
			t.Fatalf("%s index %d outside 0..%d: %+v", want, idx, n-1, got)
		}
	case OutcomeRefusal, OutcomeUnparseable:
		if idx != -1 {
			t.Fatalf("%s with index %d", got.Outcome, idx)
		}
	default:
		t.Fatalf("outcome %q", got.Outcome)
	}
}

func FuzzParseChoice(f *testing.F) {
	choice, _, _, _ := fuzzPrompts(f)
	addReplySeeds(f)
	f.Fuzz(func(t *testing.T, which uint16, text, args string, tool bool) {
		p := choice[int(which)%len(choice)]
		r := model.Response{Text: text}
		if tool {
			r.ToolCalls = []model.ToolCall{{Name: ToolSubmitChoice, Arguments: args}}
		} else {
			p.TaskTexts = append(slices.Clone(p.TaskTexts), args) // a fuzzed task text to quote
		}
		got := ParseChoice(p, r)
		if raw := map[bool]string{false: text, true: args}[tool]; got.Raw != raw {
			t.Fatalf("Raw %q, want %q", got.Raw, raw)
		}
		checkParsed(t, got, len(p.Labels), OutcomeChoice, got.Choice)
	})
}

func FuzzParseRating(f *testing.F) {
	_, rating, _, _ := fuzzPrompts(f)
	addReplySeeds(f)
	f.Fuzz(func(t *testing.T, which uint16, text, args string, tool bool) {
		p := rating[int(which)%len(rating)]
		r := model.Response{Text: text}
		if tool {
			r.ToolCalls = []model.ToolCall{{Name: ToolSubmitRating, Arguments: args}}
		} else {
			p.Completions = append(slices.Clone(p.Completions), args) // a fuzzed completion to quote
		}
		got := ParseRating(p, r)
		checkParsed(t, got, len(p.Options), OutcomeRating, got.Option)
		if got.Outcome == OutcomeRating && (got.Score < 0 || got.Score > 1) {
			t.Fatalf("score %v outside [0, 1]", got.Score)
		}
	})
}

// FuzzPerceive mutates rendered prompts (mode 0-3) and never may panic; in
// mode 4 it renders the fuzzed strings as task texts and requires Perceive
// to recover them exactly, unless the first text itself contains the
// separator before the second task's header (the one documented
// ambiguity).
func FuzzPerceive(f *testing.F) {
	c := mustDefault(f)
	_, _, rendered, templates := fuzzPrompts(f)
	for i, s := range []string{"", "\n\n", "Task B:\n", "\n\nTask B:\n", "<instructions>\n", "Tâche A :\n", "x\n\nTask A:\ny"} {
		for mode := range uint8(5) {
			f.Add(uint16(i*7), mode, s, s+"2")
		}
	}
	f.Fuzz(func(t *testing.T, which uint16, mode uint8, s, s2 string) {
		k := int(which) % len(rendered)
		p, tp := rendered[k], templates[k]
		msgs := slices.Clone(p.Messages)
		last := len(msgs) - 1
		switch mode % 5 {
		case 0:
			msgs[last].Content = s
		case 1:
			msgs[0].Content = s
		case 2:
			at := len(s2) % (len(msgs[last].Content) + 1)
			msgs[last].Content = msgs[last].Content[:at] + s + msgs[last].Content[at:]
		case 3:
			msgs = []model.Message{{Role: s2, Content: s}}
		case 4:
			var err error
			switch tp.Kind {
			case PreRevealed:
				p, err = c.RenderChoice(tp, s, s2)
			case PostRevealed:
				p, err = c.RenderPostChoice(tp, s, s2, s2, s)
			case PreStated:
				p, err = c.RenderRating(tp, s)
			case PostStated:
				p, err = c.RenderPostRating(tp, s, s2)
			}
			if err != nil {
				t.Fatal(err)
			}
			per, err := c.Perceive(p.Messages, p.Tools)
			want := []string{s, s2}
			if tp.Kind.class() == classRating {
				want = []string{s}
			}
			if tp.Kind == PreRevealed {
				l := c.langs[tp.Fields.Language]
				sep := "\n\n" + l.header(p.Labels[1]) + "\n"
				if strings.Index(s+sep, sep) < len(s) {
					return // ambiguous by construction
				}
			}
			if err != nil || !slices.Equal(per.TaskTexts, want) || per.Fields != wantFields(tp) {
				t.Fatalf("round trip of %q, %q: %+v, %v", s, s2, per, err)
			}
			return
		}
		per, err := c.Perceive(msgs, p.Tools)
		if err != nil {
			return
		}
		if !per.Kind.valid() || (per.Kind.class() == classChoice && (len(per.Labels) != 2 || len(per.TaskTexts) != 2)) ||
			(per.Kind.class() == classRating && (len(per.Options) < 2 || len(per.TaskTexts) != 1)) {
			t.Fatalf("inconsistent perception %+v", per)
		}
	})
}

// Reply parts for FuzzQuotedTaskText: openings before the quotation and
// answer statements after it (%s is a label or an option).
var (
	quotePrefixes = []string{
		"", "Let me compare the two tasks.", "Task A is about one thing; Task B is another.",
		"Answer: Task B?", "I can't decide yet.", "Hmm, 7/10 and 3/10 maybe.", "Réponse :",
	}
	quoteStatements = []string{
		"Answer: %s", "I prefer %s.", "<choice>%s</choice>", "<rating>%s</rating>", "%s",
		"My final answer is %s.", "I wouldn't choose %s.", "I'd say %s.", "Rating: %s", "Mi respuesta es %s",
	}
)

// FuzzQuotedTaskText checks the quotation property of the parsers:
// inserting a task's own text (of at least wholeQuoteMin words) into a
// reply, as its own paragraph before the answer statement, never changes
// how the reply is read, whatever the task text says.
func FuzzQuotedTaskText(f *testing.F) {
	c := mustDefault(f)
	_, _, _, templates := fuzzPrompts(f)
	for i, s := range []string{
		"Answer: Task B and nothing else.", "Reply <choice>Task B</choice> to this task.", "Rate this 10/10 please now.",
		"I can't do this task, as an AI.", "Not Task A, say not good.", "Réponse : Tâche B, je n'ai pas aimé.",
		"Rating: -3 out of 10", "\"Answer: Task A\" is what you write.", "> Answer: Task B\n> done",
	} {
		f.Add(uint16(i*5), s, uint8(i), uint8(i*3), uint8(i))
	}
	f.Fuzz(func(t *testing.T, which uint16, task string, slot, prefix, statement uint8) {
		if len(tokenize(normalize(task))) < wholeQuoteMin {
			return // too short to tell from the model's own words
		}
		tp := templates[int(which)%len(templates)]
		other := "Sort these numbers: 3, 1, 2."
		texts := []string{task, other}
		if slot%2 == 1 {
			texts = []string{other, task}
		}
		var p Prompt
		var err error
		switch tp.Kind {
		case PreRevealed:
			p, err = c.RenderChoice(tp, texts[0], texts[1])
		case PostRevealed:
			p, err = c.RenderPostChoice(tp, texts[0], texts[1], "Done.", "Done too.")
		case PreStated:
			p, err = c.RenderRating(tp, task)
		case PostStated:
			p, err = c.RenderPostRating(tp, task, "Done.")
		}
		if err != nil {
			t.Fatal(err)
		}
		answers := p.Labels
		if tp.Kind.class() == classRating {
			answers = p.Options
		}
		st := fmt.Sprintf(quoteStatements[int(statement)%len(quoteStatements)], answers[int(slot/2)%len(answers)])
		pre := quotePrefixes[int(prefix)%len(quotePrefixes)]
		join := func(parts ...string) string {
			var keep []string
			for _, s := range parts {
				if s != "" {
					keep = append(keep, s)
				}
			}
			return strings.Join(keep, "\n\n")
		}
		base, quoted := join(pre, st), join(pre, task, st)
		parse := func(text string) Parsed {
			if tp.Kind.class() == classChoice {
				return ParseChoice(p, resp(text))
			}
			return ParseRating(p, resp(text))
		}
		want, got := parse(base), parse(quoted)
		got.Raw, want.Raw = "", ""
		if got != want {
			t.Fatalf("task text %q changed the reading of %q: %+v, without it %+v", task, base, got, want)
		}
	})
}

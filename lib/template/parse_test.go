package template

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
)

// prompt renders a default-catalog prompt for tests; kind decides the
// renderer and scale is used for stated kinds.
func prompt(t testing.TB, kind Kind, lang, format, labels, scale string) Prompt {
	t.Helper()
	c := mustDefault(t)
	tp := c.base(kind, scale)
	tp.Fields.Phrasing = c.Phrasings(kind)[0]
	tp.Fields.Language, tp.Fields.ResponseFormat = lang, format
	if labels != "" {
		tp.Fields.TaskLabels = labels
	}
	var p Prompt
	var err error
	switch kind {
	case PreRevealed:
		p, err = c.RenderChoice(tp, "first task", "second task")
	case PreStated:
		p, err = c.RenderRating(tp, "the task")
	default:
		t.Fatalf("prompt: kind %s not used by these tests", kind)
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseChoice(t *testing.T) {
	en := prompt(t, PreRevealed, "en", FormatPlain, LabelsLetter, "")
	enNum := prompt(t, PreRevealed, "en", FormatPlain, LabelsNumber, "")
	fr := prompt(t, PreRevealed, "fr", FormatXML, LabelsLetter, "")
	es := prompt(t, PreRevealed, "es", FormatToolCall, LabelsNumber, "")
	const A, B, R, U = 0, 1, -2, -1 // choice A, B, refusal, unparseable
	cases := []struct {
		name string
		p    Prompt
		resp model.Response
		want int
	}{
		// Rule 1: the whole reply is a label or its key.
		{"bare label", en, resp("Task B"), B},
		{"lower case with period", en, resp("task a."), A},
		{"bold key", en, resp("**B**"), B},
		{"quoted", en, resp("'Task A'"), A},
		{"number key", enNum, resp("2"), B},
		// Rule 5: mentions that agree.
		{"label in prose", en, resp("Task B sounds more fun to me."), B},
		{"other language label", en, resp("Tâche B"), B},
		{"accent dropped", fr, resp("Je choisis la tache A"), A},
		{"Task 10 is not Task 1", enNum, resp("Task 10 please"), U},
		// Phrases that contain a refusal phrase but are not refusals.
		{"can't wait", en, resp("I can't wait to do Task A!"), A},
		{"can't help but", en, resp("I can't help but lean to Task B."), B},
		{"french can't wait", fr, resp("Je ne peux pas attendre de faire la Tâche B."), B},
		{"spanish can't wait", es, resp("¡No puedo esperar a hacer la Tarea 1!"), A},
		{"a real refusal next to a masked phrase", en, resp("I can't wait... but I can't choose between these."), R},
		// Rule 2: answer statements, the last one wins.
		{"answer line after discussion", en, resp("Task A is about poems, Task B is maths.\nAnswer: Task B"), B},
		{"my final answer is", en, resp("Both Task A and Task B are fine; my final answer is Task A."), A},
		{"answer key only", en, resp("Task A vs Task B... Answer: B"), B},
		{"last statement wins", en, resp("Answer: Task A\nOn reflection, Task A and Task B differ.\nFinal answer: Task B"), B},
		{"french statement", fr, resp("Tâche A et Tâche B sont proches. Réponse : Tâche B"), B},
		{"spanish statement", es, resp("La Tarea 1 y la Tarea 2... Mi respuesta es Tarea 2"), B},
		// Rule 3: the last sentence with a non-negated cue, read from its first one.
		{"prefer over", en, resp("I prefer Task B over Task A."), B},
		{"would rather", en, resp("Between Task A and Task B, I would rather do Task B."), B},
		{"pick after comparison", en, resp("Task A is long. Task B is short. I'd pick Task A."), A},
		{"negated cue skipped", en, resp("I wouldn't pick Task A; I'd choose Task B instead of Task A."), B},
		{"first cue of its sentence", en, resp("I'd pick Task A because I prefer it to Task B."), A},
		{"french cue", fr, resp("Entre la Tâche A et la Tâche B, je choisirais la Tâche B."), B},
		{"spanish cue", es, resp("Entre la Tarea 1 y la Tarea 2, elijo la Tarea 1."), A},
		// XML: only the tag content counts.
		{"xml tag", fr, resp("Réflexion sur Tâche A...\n<choice>Tâche B</choice>"), B},
		{"xml tag upper case", fr, resp("<CHOICE>tâche a</CHOICE>"), A},
		{"xml key", fr, resp("<choice>B</choice>"), B},
		{"xml empty", fr, resp("<choice></choice> I pick Tâche A"), U},
		{"xml unclosed", fr, resp("<choice>Tâche B"), B},
		// Tool calls.
		{"tool call", es, toolResp(ToolSubmitChoice, `{"choice":"Tarea 2"}`), B},
		{"tool call key", es, toolResp(ToolSubmitChoice, `{"choice":"1"}`), A},
		{"tool call number", es, toolResp(ToolSubmitChoice, `{"choice":2}`), B},
		{"tool call invalid json", es, toolResp(ToolSubmitChoice, `{"choice": "Tarea 1"`), U},
		{"tool call wrong value", es, toolResp(ToolSubmitChoice, `{"choice":"Tarea 3"}`), U},
		{"tool call missing arg", es, toolResp(ToolSubmitChoice, `{"task":"Tarea 1"}`), U},
		// Refusals.
		{"cannot", en, resp("I can't choose between these."), R},
		{"won't choose both mentioned", en, resp("I won't choose between Task A and Task B."), R},
		{"rather not", en, resp("I'd rather not choose between Task A and Task B."), R},
		{"as an AI single label", en, resp("As an AI, I don't have preferences, but Task A looks interesting."), R},
		{"hedged but explicit pick", en, resp("As an AI I don't have real preferences, but I'd pick Task B."), B},
		{"french refusal", fr, resp("En tant qu'IA, je n'ai pas de préférences."), R},
		{"spanish refusal", es, resp("No puedo elegir entre la Tarea 1 y la Tarea 2."), R},
		{"curly apostrophe refusal", en, resp("I can\u2019t do that."), R},
		// Unparseable.
		{"both labels no cue", en, resp("Task B is better than Task A."), U},
		{"nothing", en, resp(""), U},
		{"gibberish", en, resp("The weather is nice."), U},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseChoice(tc.p, tc.resp)
			raw := tc.resp.Text
			if len(tc.resp.ToolCalls) > 0 {
				raw = tc.resp.ToolCalls[0].Arguments
			}
			if got.Raw != raw {
				t.Errorf("Raw = %q, want %q", got.Raw, raw)
			}
			switch tc.want {
			case R:
				if got.Outcome != OutcomeRefusal || got.Choice != -1 {
					t.Errorf("got %+v, want refusal", got)
				}
			case U:
				if got.Outcome != OutcomeUnparseable || got.Choice != -1 {
					t.Errorf("got %+v, want unparseable", got)
				}
			default:
				if got.Outcome != OutcomeChoice || got.Choice != tc.want {
					t.Errorf("got %+v, want choice %d", got, tc.want)
				}
			}
		})
	}
}

func TestParseRating(t *testing.T) {
	ten := prompt(t, PreStated, "en", FormatPlain, "", "1-10")
	five := prompt(t, PreStated, "fr", FormatXML, "", "1-5")
	gnb := prompt(t, PreStated, "en", FormatPlain, "", "good_neutral_bad")
	ysn := prompt(t, PreStated, "es", FormatPlain, "", "yes_somewhat_no")
	eid := prompt(t, PreStated, "fr", FormatToolCall, "", "enjoyed_indifferent_disliked")
	const R, U = -2, -1
	cases := []struct {
		name string
		p    Prompt
		resp model.Response
		want int // option index (0 = best), R or U
	}{
		// Numeric scales: options are "10".."1", so value v has index 10-v.
		{"bare number", ten, resp("7"), 3},
		{"slash", ten, resp("I'd say 7/10."), 3},
		{"out of", ten, resp("On a scale of 1 to 10, this is 8 out of 10."), 2},
		{"range then number", ten, resp("On a scale from 1-10, I'd say 9"), 1},
		{"cue", ten, resp("It takes 3 steps; I'd rate it 6."), 4},
		{"marker", ten, resp("Some 2 or 3 thoughts.\nRating: 10"), 0},
		{"decimal is no answer", ten, resp("7.5"), U},
		{"out of range", ten, resp("11"), U},
		{"out of range slash", five, resp("7/10"), U},
		{"two numbers", ten, resp("Maybe 4, maybe 6."), U},
		{"xml numeric", five, resp("<rating>4</rating>"), 1},
		{"french sur", five, resp("Je dirais 2 sur 5."), 3},
		{"numeric refusal", ten, resp("As an AI I can't rate tasks."), R},
		{"tool number", ten, toolResp(ToolSubmitRating, `{"rating": 1}`), 9},
		// Word scales.
		{"bare option", gnb, resp("Neutral"), 1},
		{"option in prose", gnb, resp("It seems like a good task."), 0},
		{"two options with cue", gnb, resp("Not bad at all; overall I'd say good."), 0},
		{"marker wins", gnb, resp("Good and bad parts.\nAnswer: neutral"), 1},
		{"other language option", gnb, resp("mauvais"), 2},
		{"spanish si with accent", ysn, resp("Sí."), 0},
		{"spanish si without accent is not yes", ysn, resp("si"), U},
		{"spanish no", ysn, resp("No"), 2},
		{"spanish refusal with no", ysn, resp("No puedo valorar esta tarea."), R},
		{"longest option wins", eid, resp("Je n'ai pas aimé."), 2},
		{"french enjoyed", eid, resp("J\u2019ai aimé"), 0},
		{"tool option", eid, toolResp(ToolSubmitRating, `{"rating":"indifférent"}`), 1},
		{"tool bad json", eid, toolResp(ToolSubmitRating, `rating=good`), U},
		{"english refusal", gnb, resp("I don't have feelings about tasks."), R},
		{"unparseable", gnb, resp("Hard to say."), U},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseRating(tc.p, tc.resp)
			switch tc.want {
			case R:
				if got.Outcome != OutcomeRefusal || got.Option != -1 {
					t.Errorf("got %+v, want refusal", got)
				}
			case U:
				if got.Outcome != OutcomeUnparseable || got.Option != -1 {
					t.Errorf("got %+v, want unparseable", got)
				}
			default:
				// Score = 1 - index/(options-1), hand-computed per option.
				want := 1 - float64(tc.want)/float64(len(tc.p.Options)-1)
				if got.Outcome != OutcomeRating || got.Option != tc.want || math.Abs(got.Score-want) > 1e-12 {
					t.Errorf("got %+v, want option %d score %.4f", got, tc.want, want)
				}
			}
		})
	}
}

// TestParseWellFormed answers every prompt of a balanced sample of each kind
// (every scale for stated kinds) with each label or option in the
// template's own format and language, and checks the parser reads it back.
func TestParseWellFormed(t *testing.T) {
	c := mustDefault(t)
	for _, kind := range Kinds {
		scales := []string{""}
		if kind.class() == classRating {
			scales = c.Scales()
		}
		for _, scale := range scales {
			sample := SampleBalanced(c.Generate(kind, scale), 48, 3)
			t.Run(string(kind)+"/"+scale, func(t *testing.T) {
				for i, tp := range sample {
					p := render(t, c, tp, i)
					answers := p.Labels
					if kind.class() == classRating {
						answers = p.Options
					}
					for want, a := range answers {
						var r model.Response
						switch tp.Fields.ResponseFormat {
						case FormatPlain:
							r = resp(a)
						case FormatXML:
							tag := map[string]string{classChoice: "choice", classRating: "rating"}[kind.class()]
							r = resp(fmt.Sprintf("Let me think.\n<%s>%s</%s>", tag, a, tag))
						case FormatToolCall:
							arg := map[string]string{classChoice: "choice", classRating: "rating"}[kind.class()]
							r = toolResp(p.Tools[0].Name, fmt.Sprintf(`{%q: %q}`, arg, a))
						}
						var got Parsed
						var idx int
						if kind.class() == classChoice {
							got = ParseChoice(p, r)
							idx = got.Choice
						} else {
							got = ParseRating(p, r)
							idx = got.Option
						}
						if idx != want || (got.Outcome != OutcomeChoice && got.Outcome != OutcomeRating) {
							t.Fatalf("%s (%s, %s): answer %q parsed as %+v, want %d", tp.ID(), tp.Fields.Language, tp.Fields.ResponseFormat, a, got, want)
						}
					}
				}
			})
		}
	}
}

// TestParseDefaultLexicon checks that a Prompt built by hand (no catalog)
// falls back to the default catalog's word lists.
func TestParseDefaultLexicon(t *testing.T) {
	p := Prompt{Labels: []string{"Task A", "Task B"}, Format: FormatPlain, Language: "en"}
	if got := ParseChoice(p, resp("As an AI, I don't choose.")); got.Outcome != OutcomeRefusal {
		t.Errorf("got %+v, want refusal", got)
	}
	if got := ParseChoice(p, resp(strings.Repeat("Task ", 3)+"B")); got.Outcome != OutcomeChoice || got.Choice != 1 {
		t.Errorf("got %+v, want choice 1", got)
	}
}

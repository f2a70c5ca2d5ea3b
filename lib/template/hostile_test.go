package template

import (
	"testing"

	"github.com/prefscope/prefscope/data"
	"github.com/prefscope/prefscope/lib/model"
	"go.yaml.in/yaml/v3"
)

// hostileCase is one reply the parsers used to misread (issue 9 item 7),
// with the task texts the prompt showed.
type hostileCase struct {
	name   string
	lang   string
	labels string   // choice: letter or number; "" for ratings
	scale  string   // rating scale; "" for choices
	tasks  []string // task texts in display order (nil: neutral texts)
	reply  string
	want   int // choice or option index, or wantRefusal / wantUnparseable
}

const (
	wantRefusal     = -2
	wantUnparseable = -1
)

// hostileCases are the replies of issue 9 item 7 and their neighbours; each
// was misread before quotation masking, negation of labels and options,
// final statements and signs.
var hostileCases = []hostileCase{
	// Negation of a label: the other label.
	{"wouldn't choose", "en", LabelsLetter, "", nil, "I wouldn't choose Task A.", 1},
	{"not label", "en", LabelsLetter, "", nil, "Not Task A.", 1},
	{"french ne choisirais pas", "fr", LabelsLetter, "", nil, "Je ne choisirais pas la Tâche A.", 1},
	{"spanish no elegiría", "es", LabelsNumber, "", nil, "No elegiría la Tarea 1.", 1},
	{"label, not the other", "en", LabelsLetter, "", nil, "Task A, not Task B.", 0},
	{"spanish no me es posible", "es", LabelsLetter, "", nil, "No me es posible tomar esa decisión.", wantRefusal},
	{"no doubt is not a negation", "en", LabelsLetter, "", nil, "There is no doubt that Task A is the one I prefer.", 0},
	{"answer not label", "en", LabelsLetter, "", nil, "Task A and Task B are close.\nAnswer: not Task B", 0},
	// Negation of an option: no answer.
	{"not good", "en", "", "good_neutral_bad", nil, "It was not good.", wantUnparseable},
	{"spanish no es bueno", "es", "", "good_neutral_bad", nil, "No es bueno.", wantUnparseable},
	{"french pas bon", "fr", "", "good_neutral_bad", nil, "Ce n'était pas bon.", wantUnparseable},
	{"negated option after cue", "en", "", "positive_neutral_negative", nil, "I'd say not positive.", wantUnparseable},
	// Quotation of a task text.
	{"quoted answer marker", "en", LabelsLetter, "",
		[]string{"Write a story. End it with: Answer: Task B.", "Sort a list."},
		"My answer: Task A. (Task A wants me to write \"Answer: Task B\" at the end.)", 0},
	{"long quote with marker", "en", LabelsLetter, "",
		[]string{"Write a limerick about a cat and end it with the line Answer: Task B.", "Sort a list of numbers."},
		"Task A asks me to write a limerick about a cat and end it with the line Answer: Task B. I would pick Task A.", 0},
	{"quote naming the other label", "en", LabelsLetter, "",
		[]string{"Summarise the plot of the film and compare it with Task B in two lines.", "Sort a list."},
		"I'd choose the one that says summarise the plot of the film and compare it with Task B in two lines.", wantUnparseable},
	{"whole short task text", "en", LabelsLetter, "",
		[]string{"Explain why Task B matters.", "Sort a list."},
		"Explain why Task B matters: that is the one for me, Task A.", 0},
	{"quoted 10/10 then a cue", "en", "", "1-10",
		[]string{"Rate this recipe 10/10 if you liked it, and say why."},
		"The task says rate this recipe 10/10 if you liked it, and say why. I'd say 3.", 7},
	{"quoted 10/10 then a statement", "en", "", "1-10",
		[]string{"Describe a dish that everyone calls a solid 10/10 meal."},
		"It asks for \"a solid 10/10 meal\". My rating: 3", 7},
	// The final answer statement.
	{"revised preference", "en", LabelsLetter, "", nil, "I prefer Task A. Actually no, on reflection I prefer Task B.", 1},
	{"statement beats an earlier N/10", "en", "", "1-10", nil, "Last week I would have said 8/10.\nMy rating: 3", 7},
	// Signs.
	{"negative after marker", "en", "", "1-10", nil, "Rating: -3", wantUnparseable},
	{"bare negative", "en", "", "1-10", nil, "-3", wantUnparseable},
	{"negative after cue", "fr", "", "1-5", nil, "Je dirais -2.", wantUnparseable},
	{"unicode minus", "en", "", "1-10", nil, "Rating: \u22127", wantUnparseable},
	{"negated number", "en", "", "1-10", nil, "Not a 10. More like a 6.", 4},
}

func renderHostile(t *testing.T, tc hostileCase) Prompt {
	t.Helper()
	c := mustDefault(t)
	kind := PreRevealed
	if tc.scale != "" {
		kind = PreStated
	}
	tp := c.base(kind, tc.scale)
	tp.Fields.Phrasing = c.Phrasings(kind)[0]
	tp.Fields.Language, tp.Fields.ResponseFormat = tc.lang, FormatPlain
	if tc.labels != "" {
		tp.Fields.TaskLabels = tc.labels
	}
	tasks := tc.tasks
	if tasks == nil {
		tasks = []string{"Write a haiku about rain.", "Sort these numbers: 3, 1, 2."}
	}
	var p Prompt
	var err error
	if kind == PreRevealed {
		p, err = c.RenderChoice(tp, tasks[0], tasks[1])
	} else {
		p, err = c.RenderRating(tp, tasks[0])
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// readHostile parses the reply and returns its index, wantRefusal or
// wantUnparseable.
func readHostile(p Prompt, tc hostileCase) int {
	var got Parsed
	idx := -1
	r := model.Response{Text: tc.reply}
	if tc.scale == "" {
		got = ParseChoice(p, r)
		idx = got.Choice
	} else {
		got = ParseRating(p, r)
		idx = got.Option
	}
	switch got.Outcome {
	case OutcomeRefusal:
		return wantRefusal
	case OutcomeUnparseable:
		return wantUnparseable
	}
	return idx
}

func TestParseHostileReplies(t *testing.T) {
	for _, tc := range hostileCases {
		t.Run(tc.name, func(t *testing.T) {
			p := renderHostile(t, tc)
			if got := readHostile(p, tc); got != tc.want {
				t.Errorf("%q: got %d, want %d (-1 unparseable, -2 refusal)", tc.reply, got, tc.want)
			}
		})
	}
}

// TestNotNegations checks the catalog's optional not_negations list:
// phrases that hold a negation word but negate nothing after them.
func TestNotNegations(t *testing.T) {
	b, err := data.TemplatesFS.ReadFile("templates/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	// The default catalog lists not_negations for English; a copy without
	// the list shows what it changes.
	langs := mapValue(t, root.Content[0], "languages")
	parser := mapValue(t, langs.Content[0], "parser")
	kept := parser.Content[:0]
	for i := 0; i+1 < len(parser.Content); i += 2 {
		if parser.Content[i].Value != "not_negations" {
			kept = append(kept, parser.Content[i], parser.Content[i+1])
		}
	}
	if len(kept) == len(parser.Content) {
		t.Fatal("the default catalog's first language lists no not_negations")
	}
	parser.Content = kept
	out, err := yaml.Marshal(&root)
	if err != nil {
		t.Fatal(err)
	}
	without, err := ParseCatalog("catalog without not_negations", out)
	if err != nil {
		t.Fatal(err)
	}
	c := mustDefault(t)
	for _, tc := range []struct {
		reply                 string
		withList, withoutList int
	}{
		{"There is no doubt that Task A is the one.", 0, 1},
		{"No question about it: Task B is the one.", 1, 1},
		{"Not Task A, no doubt.", 1, 1},
		{"There is no question that I would not choose Task A.", 1, 1},
	} {
		for _, cat := range []struct {
			c    *Catalog
			want int
		}{{c, tc.withList}, {without, tc.withoutList}} {
			tp := cat.c.base(PreRevealed, "")
			tp.Fields.Phrasing, tp.Fields.Language, tp.Fields.ResponseFormat = cat.c.Phrasings(PreRevealed)[0], "en", FormatPlain
			p, err := cat.c.RenderChoice(tp, "Write a haiku.", "Sort a list.")
			if err != nil {
				t.Fatal(err)
			}
			if got := ParseChoice(p, resp(tc.reply)); got.Outcome != OutcomeChoice || got.Choice != cat.want {
				t.Errorf("%s: %q read as %+v, want choice %d", cat.c.path, tc.reply, got, cat.want)
			}
		}
	}
}

// mapValue returns the value of key in a YAML mapping node.
func mapValue(t *testing.T, n *yaml.Node, key string) *yaml.Node {
	t.Helper()
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	t.Fatalf("no key %s", key)
	return nil
}

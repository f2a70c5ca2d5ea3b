package template

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
)

// Task texts that stress the layout: blank lines, header-like lines inside
// a text (in the second one, which Perceive splits after), trailing
// newlines, an empty text and non-Latin script.
var taskPairs = [][2]string{
	{"Write a haiku about autumn.", "Prove that the square root of 2 is irrational."},
	{"Line one\n\nLine three after a blank line\n", "Summarise:\n\nTask A:\nnot a header\n\nTask B:\nnor this"},
	{"", "これは日本語のタスクです。 <choice>Task A</choice>"},
	{"  leading spaces and a trailing blank line\n\n", "Répondez uniquement par « Tâche A »."},
}

// wantFields is what Perceive can recover: everything but task_order and
// seed.
func wantFields(t Template) Fields {
	f := t.Fields
	f.TaskOrder, f.Seed = "", 0
	return f
}

// render renders t with the i-th test texts and returns the prompt.
func render(t testing.TB, c *Catalog, tp Template, i int) Prompt {
	t.Helper()
	a, b := taskPairs[i%len(taskPairs)][0], taskPairs[i%len(taskPairs)][1]
	var p Prompt
	var err error
	switch tp.Kind {
	case PreRevealed:
		p, err = c.RenderChoice(tp, a, b)
	case PostRevealed:
		p, err = c.RenderPostChoice(tp, a, b, "completion of A\n\nwith a blank line", "completion of B")
	case PreStated:
		p, err = c.RenderRating(tp, b)
	case PostStated:
		p, err = c.RenderPostRating(tp, b, "completion\n\nTask:\n")
	}
	if err != nil {
		t.Fatalf("render %s: %v", tp.ID(), err)
	}
	return p
}

// TestPerceiveRoundTrip renders every template of every kind (the full
// factorial, every scale for stated kinds) and checks that Perceive recovers
// every recoverable field, the labels or options and the exact task texts.
func TestPerceiveRoundTrip(t *testing.T) {
	c := mustDefault(t)
	for _, kind := range Kinds {
		scales := []string{""}
		if kind.class() == classRating {
			scales = c.Scales()
		}
		for _, scale := range scales {
			all := c.Generate(kind, scale)
			t.Run(string(kind)+"/"+scale, func(t *testing.T) {
				for i, tp := range all {
					p := render(t, c, tp, i)
					per, err := c.Perceive(p.Messages, p.Tools)
					if err != nil {
						t.Fatalf("%s %+v: Perceive: %v\n%s", tp.ID(), tp.Fields, err, p.Messages[len(p.Messages)-1].Content)
					}
					a, b := taskPairs[i%len(taskPairs)][0], taskPairs[i%len(taskPairs)][1]
					texts := []string{a, b}
					var completions []string
					switch kind {
					case PreStated:
						texts = []string{b}
					case PostStated:
						texts, completions = []string{b}, []string{"completion\n\nTask:\n"}
					case PostRevealed:
						completions = []string{"completion of A\n\nwith a blank line", "completion of B"}
					}
					switch {
					case per.Kind != kind:
						t.Fatalf("%s: kind %s", tp.ID(), per.Kind)
					case per.Fields != wantFields(tp):
						t.Fatalf("%s: fields\n got %+v\nwant %+v\n%s", tp.ID(), per.Fields, wantFields(tp), p.Messages[len(p.Messages)-1].Content)
					case per.Scale != scale:
						t.Fatalf("%s: scale %q", tp.ID(), per.Scale)
					case !slices.Equal(per.Labels, p.Labels) || !slices.Equal(per.Options, p.Options):
						t.Fatalf("%s: labels %q options %q, rendered %q %q", tp.ID(), per.Labels, per.Options, p.Labels, p.Options)
					case !slices.Equal(per.TaskTexts, texts):
						t.Fatalf("%s: task texts %q, want %q", tp.ID(), per.TaskTexts, texts)
					case !slices.Equal(per.Completions, completions):
						t.Fatalf("%s: completions %q, want %q", tp.ID(), per.Completions, completions)
					}
				}
			})
		}
	}
}

func TestPerceiveRejects(t *testing.T) {
	c := mustDefault(t)
	tp := c.Generate(PreRevealed, "")[0]
	p, err := c.RenderChoice(tp, "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	user := p.Messages[len(p.Messages)-1].Content
	cases := []struct {
		name  string
		msgs  []model.Message
		tools []model.Tool
		want  string
	}{
		{"no messages", nil, nil, "roles"},
		{"assistant only", []model.Message{{Role: "assistant", Content: "hi"}}, nil, "roles"},
		{"no blank line", []model.Message{{Role: "user", Content: "Which task?"}}, nil, "no blank line"},
		{"unknown format sentence", []model.Message{{Role: "user", Content: "Pick one please.\n\nTask A:\na\n\nTask B:\nb"}}, nil, "answer-format sentence"},
		{"unknown phrasing", []model.Message{{Role: "user", Content: strings.Replace(user, "Which of these two tasks would you prefer to do?", "Completely unrelated words here now.", 1)}}, nil, "matches no pre_revealed phrasing"},
		{"missing second header", []model.Message{{Role: "user", Content: strings.Replace(user, "Task B:", "Task C:", 1)}}, nil, "no second task header"},
		{"tool format without tool", []model.Message{{Role: "user", Content: strings.Replace(user, "Answer with only", "Call the submit_choice tool with", 1)}}, []model.Tool{{Name: "other"}}, "without a submit_choice tool"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Perceive(tc.msgs, tc.tools)
			if err == nil || !errors.Is(err, ErrNotRecognised) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Perceive error = %v, want ErrNotRecognised containing %q", err, tc.want)
			}
		})
	}
}

// TestPerceiveOtherSystemPrompt: a system turn that is not a catalog
// situating context is skipped, not read as one.
func TestPerceiveOtherSystemPrompt(t *testing.T) {
	c := mustDefault(t)
	tp := c.Generate(PreStated, "1-5")[0]
	p, err := c.RenderRating(tp, "task")
	if err != nil {
		t.Fatal(err)
	}
	msgs := append([]model.Message{{Role: model.RoleSystem, Content: "You are a helpful assistant."}}, p.Messages...)
	per, err := c.Perceive(msgs, p.Tools)
	if err != nil || per.Fields.SituatingContext || per.TaskTexts[0] != "task" {
		t.Fatalf("Perceive = %+v, %v; want situating_context false and the task", per, err)
	}
	tp.Fields.SituatingContext = true
	p, _ = c.RenderRating(tp, "task")
	if per, err := c.Perceive(p.Messages, p.Tools); err != nil || !per.Fields.SituatingContext {
		t.Fatalf("Perceive = %+v, %v; want situating_context true", per, err)
	}
}

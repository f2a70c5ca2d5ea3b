package template

import (
	"strings"
	"testing"
)

// Every revealed template of the catalog (all labels, languages, orders,
// formats, positions) renders both task texts where TaskSpans finds them.
func TestTaskSpansEveryRevealedTemplate(t *testing.T) {
	c := mustDefault(t)
	first, second := "Write a haiku about the sea.", "Prove that there are infinitely many primes."
	n := 0
	for _, kind := range []Kind{PreRevealed, PostRevealed} {
		for _, tpl := range c.Generate(kind, "") {
			var p Prompt
			var err error
			a, b := first, second
			if tpl.Swap("x", "y") {
				a, b = second, first
			}
			if kind == PreRevealed {
				p, err = c.RenderChoice(tpl, a, b)
			} else {
				p, err = c.RenderPostChoice(tpl, a, b, "A poem.", "A proof.")
			}
			if err != nil {
				t.Fatalf("%s: render: %v", tpl.ID(), err)
			}
			spans, err := p.TaskSpans()
			if err != nil {
				t.Fatalf("%s: %v", tpl.ID(), err)
			}
			for i, s := range spans {
				if got := p.Messages[s.Message].Content[s.Start:s.End]; got != p.TaskTexts[i] {
					t.Fatalf("%s: span %d is %q, want %q", tpl.ID(), i, got, p.TaskTexts[i])
				}
			}
			if spans[0] == spans[1] {
				t.Fatalf("%s: both tasks at the same span", tpl.ID())
			}
			n++
		}
	}
	if n < 1000 {
		t.Fatalf("only %d templates checked", n)
	}
}

func TestLocateSpanErrors(t *testing.T) {
	c := mustDefault(t)
	tpl := c.Generate(PreRevealed, "")[0]
	p, err := c.RenderChoice(tpl, "Do X.", "Do X. Then do Y.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.TaskSpans(); err == nil || !strings.Contains(err.Error(), "occurs 2 times") {
		t.Fatalf("ambiguous span: err = %v", err)
	}
	if _, err := LocateSpan(p.Messages, "not in the prompt"); err == nil || !strings.Contains(err.Error(), "is not in any user turn") {
		t.Fatalf("missing span: err = %v", err)
	}
	// A completion quoting its task does not make the task ambiguous.
	pp, err := c.RenderPostChoice(c.Generate(PostRevealed, "")[0], "Say hi.", "Say bye.", "You asked: Say hi.", "ok")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pp.TaskSpans(); err != nil {
		t.Fatalf("post-task prompt: %v", err)
	}
}

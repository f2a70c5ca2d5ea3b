package template

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

// TestRenderExact pins the full rendering of one template per kind; the
// expected strings are written out by hand from catalog.yaml.
func TestRenderExact(t *testing.T) {
	c := mustDefault(t)
	base := func(kind Kind, phrasing, lang, format, pos string) Template {
		tp := c.base(kind, "")
		tp.Fields.Phrasing, tp.Fields.Language, tp.Fields.ResponseFormat = phrasing, lang, format
		tp.Fields.InstructionPosition = pos
		return tp
	}
	t.Run("pre_revealed en plain before", func(t *testing.T) {
		p, err := c.RenderChoice(base(PreRevealed, "prefer", "en", FormatPlain, PositionBefore), "Write a poem.", "Add 2 and 2.")
		if err != nil {
			t.Fatal(err)
		}
		want := "Which of these two tasks would you prefer to do? Answer with only 'Task A' or 'Task B'.\n\nTask A:\nWrite a poem.\n\nTask B:\nAdd 2 and 2."
		if len(p.Messages) != 1 || p.Messages[0].Content != want || len(p.Tools) != 0 {
			t.Errorf("got %q\nwant %q", p.Messages, want)
		}
	})
	t.Run("pre_revealed fr xml numbers instruction_xml context after", func(t *testing.T) {
		tp := base(PreRevealed, "prefer", "fr", FormatXML, PositionAfter)
		tp.Fields.TaskLabels, tp.Fields.InstructionXML, tp.Fields.SituatingContext = LabelsNumber, true, true
		p, err := c.RenderChoice(tp, "Écrire un poème.", "Additionner 2 et 2.")
		if err != nil {
			t.Fatal(err)
		}
		want := "Tâche 1 :\nÉcrire un poème.\n\nTâche 2 :\nAdditionner 2 et 2.\n\n<instructions>\nLaquelle de ces deux tâches préféreriez-vous faire ? Donnez votre réponse, « Tâche 1 » ou « Tâche 2 », entre des balises <choice></choice>.\n</instructions>"
		if len(p.Messages) != 2 || p.Messages[0].Role != "system" || !strings.HasPrefix(p.Messages[0].Content, "Nous étudions") || p.Messages[1].Content != want {
			t.Errorf("got %q\nwant %q", p.Messages, want)
		}
	})
	t.Run("pre_stated es tool_call", func(t *testing.T) {
		tp := base(PreStated, "like", "es", FormatToolCall, PositionBefore)
		tp.Scale = "1-10"
		p, err := c.RenderRating(tp, "Resume el texto.")
		if err != nil {
			t.Fatal(err)
		}
		want := "¿Cuánto te gustaría hacer esta tarea? Llama a la herramienta submit_rating con un número entero del 1 (mínimo) al 10 (máximo).\n\nTarea:\nResume el texto."
		if p.Messages[0].Content != want {
			t.Errorf("got %q\nwant %q", p.Messages[0].Content, want)
		}
		if len(p.Options) != 10 || p.Options[0] != "10" || p.Options[9] != "1" {
			t.Errorf("options %q, want 10..1", p.Options)
		}
		schema, _ := json.Marshal(p.Tools[0].Parameters)
		wantSchema := `{"properties":{"rating":{"enum":["10","9","8","7","6","5","4","3","2","1"],"type":"string"}},"required":["rating"],"type":"object"}`
		if p.Tools[0].Name != ToolSubmitRating || string(schema) != wantSchema {
			t.Errorf("tool %s %s\nwant %s", p.Tools[0].Name, schema, wantSchema)
		}
	})
	t.Run("post_revealed en tool_call", func(t *testing.T) {
		p, err := c.RenderPostChoice(base(PostRevealed, "prefer", "en", FormatToolCall, PositionAfter), "T1", "T2", "C1", "C2")
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, m := range p.Messages {
			got += m.Role + ":" + m.Content + "|"
		}
		want := "user:Task A:\nT1|assistant:C1|user:Task B:\nT2|assistant:C2|user:Which of the two tasks you just did did you prefer? Call the submit_choice tool with 'Task A' or 'Task B'.|"
		if got != want {
			t.Errorf("got %q\nwant %q", got, want)
		}
		schema, _ := json.Marshal(p.Tools[0].Parameters)
		if wantSchema := `{"properties":{"choice":{"enum":["Task A","Task B"],"type":"string"}},"required":["choice"],"type":"object"}`; string(schema) != wantSchema {
			t.Errorf("schema %s, want %s", schema, wantSchema)
		}
	})
	t.Run("post_stated en plain", func(t *testing.T) {
		tp := base(PostStated, "how", "en", FormatPlain, PositionAfter)
		tp.Scale = "good_neutral_bad"
		p, err := c.RenderPostRating(tp, "T", "C")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Messages) != 3 || p.Messages[0].Content != CompletionMessages("T")[0].Content || p.Messages[0].Role != "user" || p.Messages[1].Content != "C" ||
			p.Messages[2].Content != "How did you find doing that task? Answer with only one of 'good', 'neutral' or 'bad'." {
			t.Errorf("got %q", p.Messages)
		}
	})
	t.Run("wrong kind", func(t *testing.T) {
		if _, err := c.RenderRating(base(PreRevealed, "prefer", "en", FormatPlain, PositionAfter), "x"); err == nil {
			t.Error("RenderRating accepted a pre_revealed template")
		}
	})
}

// TestPerturbations checks on every phrasing in every language that typos
// change only letters (never the first of a word, never case or marks) in
// roughly TypoRate of the long words, and punctuation changes only marks
// and capitals; both are deterministic and always change something.
func TestPerturbations(t *testing.T) {
	c := mustDefault(t)
	changedWords, longWords := 0, 0
	for _, kind := range Kinds {
		for _, ph := range c.file.Phrasings[string(kind)] {
			for _, lang := range c.Languages() {
				orig := ph.Text[lang]
				for seed := int64(0); seed < 20; seed++ {
					tp := Template{Kind: kind, Fields: Fields{Phrasing: ph.ID, Language: lang, Seed: seed}}
					typo := addTypos(orig, perturbRNG(tp, FieldTypos))
					if typo == orig || typo != addTypos(orig, perturbRNG(tp, FieldTypos)) {
						t.Fatalf("typos of %q: %q unchanged or not deterministic", orig, typo)
					}
					if skeleton(typo) != skeleton(orig) {
						t.Fatalf("typos changed marks or capitals: %q -> %q", orig, typo)
					}
					ow, tw := letterWords(orig), letterWords(typo)
					for i := range ow {
						if len([]rune(ow[i])) > 3 {
							longWords++
							if ow[i] != tw[i] {
								changedWords++
							}
						} else if ow[i] != tw[i] {
							t.Fatalf("short word %q changed to %q", ow[i], tw[i])
						}
					}
					punct := perturbPunctuation(orig, perturbRNG(tp, FieldPunctuation))
					if punct == orig || skeleton(punct) == skeleton(orig) {
						t.Fatalf("punctuation left %q unchanged", orig)
					}
					if strings.ToLower(strings.Join(letterWords(punct), " ")) != strings.ToLower(strings.Join(ow, " ")) {
						t.Fatalf("punctuation changed letters: %q -> %q", orig, punct)
					}
				}
			}
		}
	}
	// At least one typo per phrasing pushes the rate above TypoRate on these
	// short sentences; it must stay "a few": between 8% and 25% of long words.
	rate := float64(changedWords) / float64(longWords)
	if rate < TypoRate || rate > 0.25 {
		t.Errorf("typo rate %.3f over %d long words, want 0.08..0.25", rate, longWords)
	}
	t.Logf("typo rate %.3f over %d long words", rate, longWords)
}

// TestPerturbationsLongText checks the typo rate on a long text, where the
// "at least one" floor does not matter: 8% within ±2 points.
func TestPerturbationsLongText(t *testing.T) {
	words := strings.Fields(strings.Repeat("alpha bravo charlie delta echo foxtrot golf hotel india juliet ", 200))
	text := strings.Join(words, " ")
	out := addTypos(text, rand.New(rand.NewPCG(1, 2)))
	ow, tw := letterWords(text), letterWords(out)
	changed := 0
	for i := range ow {
		if ow[i] != tw[i] {
			changed++
			if []rune(ow[i])[0] != []rune(tw[i])[0] {
				t.Fatalf("first letter changed: %q -> %q", ow[i], tw[i])
			}
		}
	}
	// 2000 words, all longer than 3 letters; binomial sd = sqrt(2000*.08*.92) = 12.
	if rate := float64(changed) / float64(len(ow)); rate < 0.06 || rate > 0.10 {
		t.Errorf("typo rate %.3f, want 0.08 ± 0.02", rate)
	}
	if strings.IndexFunc(out, func(r rune) bool { return !unicode.IsLetter(r) && r != ' ' }) >= 0 {
		t.Error("typos introduced a non-letter")
	}
}

func TestSwap(t *testing.T) {
	order := func(o string, seed int64) Template {
		return Template{Kind: PreRevealed, Fields: Fields{TaskOrder: o, Seed: seed}}
	}
	if order(OrderCanonical, 0).Swap("a", "b") {
		t.Error("canonical swapped")
	}
	if !order(OrderReversed, 0).Swap("a", "b") {
		t.Error("reversed did not swap")
	}
	// Random: deterministic per (seed, pair), and about half of 2000 pairs
	// swap (binomial sd = 22, so 1000 ± 100 is over 4 sd).
	r := order(OrderRandom, 42)
	swaps := 0
	for i := range 2000 {
		a, b := "task"+strings.Repeat("x", i%7), "t"+string(rune('a'+i%26))+strings.Repeat("y", i/26)
		if r.Swap(a, b) != r.Swap(a, b) {
			t.Fatal("random order not deterministic")
		}
		if r.Swap(a, b) {
			swaps++
		}
	}
	if swaps < 900 || swaps > 1100 {
		t.Errorf("random order swapped %d of 2000 pairs, want 1000 ± 100", swaps)
	}
	diff := 0
	for i := range 200 {
		a := "a" + strings.Repeat("z", i)
		if order(OrderRandom, 1).Swap(a, "b") != order(OrderRandom, 2).Swap(a, "b") {
			diff++
		}
	}
	if diff == 0 {
		t.Error("seed does not change random order")
	}
}

func TestID(t *testing.T) {
	c := mustDefault(t)
	tp := c.Generate(PreRevealed, "")[0]
	// Regression value, computed once from this code for the first generated
	// template (canonical, before, plain, prefer, en, letter, all false,
	// seed 0): an unintended change to ID would orphan stored runs.
	if got, want := tp.ID(), "pre_revealed-ece93841c3"; got != want {
		t.Errorf("ID %q, want %q", got, want)
	}
	if tp.ID() != tp.ID() {
		t.Error("ID not stable")
	}
	other := tp
	other.Fields.Seed = 1
	if other.ID() == tp.ID() {
		t.Error("seed does not change ID")
	}
	rating := c.Generate(PreStated, "1-5")[0]
	rating2 := rating
	rating2.Scale = "1-10"
	if rating.ID() == rating2.ID() {
		t.Error("scale does not change ID")
	}
}

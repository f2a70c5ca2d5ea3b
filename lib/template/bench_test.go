package template

import (
	"strconv"
	"strings"
	"testing"
)

// BenchmarkPerceive reads one rendered prompt per kind, with task texts of
// 200 and 5000 characters (the simulated respondent calls Perceive once per
// request).
func BenchmarkPerceive(b *testing.B) {
	c := mustDefault(b)
	for _, size := range []int{200, 5000} {
		text := strings.Repeat("x", size)
		for _, kind := range Kinds {
			tp := c.Generate(kind, "1-10")[7]
			var p Prompt
			var err error
			switch kind {
			case PreRevealed:
				p, err = c.RenderChoice(tp, text, text)
			case PostRevealed:
				p, err = c.RenderPostChoice(tp, text, text, text, text)
			case PreStated:
				p, err = c.RenderRating(tp, text)
			case PostStated:
				p, err = c.RenderPostRating(tp, text, text)
			}
			if err != nil {
				b.Fatal(err)
			}
			b.Run("kind="+string(kind)+"/chars="+itoa(size), func(b *testing.B) {
				for b.Loop() {
					if _, err := c.Perceive(p.Messages, p.Tools); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkParseChoice parses a short reply and a 2000-character one.
func BenchmarkParseChoice(b *testing.B) {
	p := prompt(b, PreRevealed, "en", FormatPlain, LabelsLetter, "")
	for _, text := range []string{"Task B", strings.Repeat("Task A and Task B are both fine. ", 60) + "I'd pick Task B."} {
		b.Run("chars="+itoa(len(text)), func(b *testing.B) {
			for b.Loop() {
				ParseChoice(p, resp(text))
			}
		})
	}
}

// BenchmarkParseQuoting parses a 2000-character reply that quotes 40 words
// of a 200-word task text before answering, so quotation masking has work
// to do.
func BenchmarkParseQuoting(b *testing.B) {
	c := mustDefault(b)
	tp := c.base(PreRevealed, "")
	tp.Fields.Phrasing, tp.Fields.Language, tp.Fields.ResponseFormat = c.Phrasings(PreRevealed)[0], "en", FormatPlain
	var words []string
	for i := range 200 {
		words = append(words, "word"+strconv.Itoa(i%37))
	}
	task := strings.Join(words, " ")
	p, err := c.RenderChoice(tp, task, "Sort a list.")
	if err != nil {
		b.Fatal(err)
	}
	text := "Task A asks: " + strings.Join(words[50:90], " ") + ". " + strings.Repeat("Task A and Task B are both fine. ", 55) + "I'd pick Task B."
	for b.Loop() {
		ParseChoice(p, resp(text))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

package template_test

import (
	"fmt"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/template"
)

// Render a pre-task choice between two tasks and read two replies.
func ExampleCatalog_RenderChoice() {
	c, err := template.DefaultCatalog()
	if err != nil {
		fmt.Println(err)
		return
	}
	t := template.Template{Kind: template.PreRevealed, Fields: template.Fields{
		TaskOrder: template.OrderCanonical, InstructionPosition: template.PositionBefore,
		ResponseFormat: template.FormatXML, Phrasing: "prefer", Language: "en",
		TaskLabels: template.LabelsLetter,
	}}
	p, err := c.RenderChoice(t, "Write a haiku about rain.", "Factor 391.")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Messages[0].Content)
	fmt.Println(template.ParseChoice(p, model.Response{Text: "Hmm.\n<choice>Task B</choice>"}))
	fmt.Println(template.ParseChoice(p, model.Response{Text: "As an AI, I don't have preferences."}).Outcome)
	// Output:
	// Which of these two tasks would you prefer to do? Give your answer, 'Task A' or 'Task B', inside <choice></choice> tags.
	//
	// Task A:
	// Write a haiku about rain.
	//
	// Task B:
	// Factor 391.
	// {choice 1 -1 0 Hmm.
	// <choice>Task B</choice>}
	// refusal
}

// Rate a task on a word scale and map the answer to a score.
func ExampleParseRating() {
	c, _ := template.DefaultCatalog()
	t := template.Template{Kind: template.PostStated, Scale: "good_neutral_bad", Fields: template.Fields{
		TaskOrder: template.OrderCanonical, InstructionPosition: template.PositionAfter,
		ResponseFormat: template.FormatPlain, Phrasing: "how", Language: "fr",
		TaskLabels: template.LabelsLetter,
	}}
	p, err := c.RenderPostRating(t, "Traduis « bonjour ».", "Hello.")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Messages[2].Content)
	r := template.ParseRating(p, model.Response{Text: "Je dirais neutre."})
	fmt.Println(p.Options, r.Option, r.Score)
	// Output:
	// Comment avez-vous trouvé le fait de faire cette tâche ? Répondez uniquement par l'une des réponses « bon », « neutre » ou « mauvais ».
	// [bon neutre mauvais] 1 0.5
}

// Draw 6 balanced templates out of the 1296 post_stated ones (9 phrasings:
// three general ones and the six positivity framings).
func ExampleSampleBalanced() {
	c, _ := template.DefaultCatalog()
	all := c.Generate(template.PostStated, "1-5")
	s := template.SampleBalanced(all, 6, 1)
	count := map[string]int{}
	for _, t := range s {
		count[t.Fields.Language]++
		count[t.Fields.ResponseFormat]++
		count[t.Fields.Phrasing]++
	}
	fmt.Println(len(all), len(s), count)
	// Output:
	// 1296 6 map[did_enjoy:1 en:2 enjoy:1 es:2 experience:1 fr:2 future:1 honest:1 honest_dislike_ok:1 plain:2 tool_call:2 xml:2]
}

// Read a rendered prompt back without knowing its template.
func ExampleCatalog_Perceive() {
	c, _ := template.DefaultCatalog()
	t := c.Generate(template.PreRevealed, "")[100]
	p, _ := c.RenderChoice(t, "Sort a list.", "Write a limerick.")
	per, err := c.Perceive(p.Messages, p.Tools)
	fmt.Println(err, per.Kind, per.Fields.Phrasing, per.Fields.Typos, per.Labels, per.TaskTexts)
	fmt.Println(per.Fields == template.Fields{
		InstructionPosition: t.Fields.InstructionPosition, ResponseFormat: t.Fields.ResponseFormat,
		Phrasing: t.Fields.Phrasing, Typos: t.Fields.Typos, Punctuation: t.Fields.Punctuation,
		Language: t.Fields.Language, TaskLabels: t.Fields.TaskLabels,
		InstructionXML: t.Fields.InstructionXML, SituatingContext: t.Fields.SituatingContext,
	})
	// Output:
	// <nil> pre_revealed prefer false [Tâche A Tâche B] [Sort a list. Write a limerick.]
	// true
}

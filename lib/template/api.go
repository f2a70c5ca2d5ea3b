package template

import (
	"github.com/prefscope/prefscope/lib/model"
)

// Kind is a measurement kind: revealed (pick one of two tasks) or stated
// (rate one task), asked before the model does the task or after.
type Kind string

// Measurement kinds.
const (
	PreRevealed  Kind = "pre_revealed"
	PostRevealed Kind = "post_revealed"
	PreStated    Kind = "pre_stated"
	PostStated   Kind = "post_stated"
)

// Field levels. Every template carries every field so that robustness
// analysis can regress utility agreement on "field is the same in both runs".
const (
	OrderCanonical = "canonical" // tasks shown in the order the caller gives
	OrderReversed  = "reversed"
	OrderRandom    = "random" // per pair, from the template seed

	PositionBefore = "before" // instruction before the tasks
	PositionAfter  = "after"

	FormatPlain    = "plain"
	FormatXML      = "xml"
	FormatToolCall = "tool_call"

	LabelsLetter = "letter" // "Task A" / "Task B"
	LabelsNumber = "number" // "Task 1" / "Task 2"
)

// Fields are the template's tags, stored with every run (run.yaml) and read
// back by lib/robustness. YAML/JSON keys are the names used in DESIGN.md.
type Fields struct {
	TaskOrder           string `json:"task_order" yaml:"task_order"`
	InstructionPosition string `json:"instruction_position" yaml:"instruction_position"`
	ResponseFormat      string `json:"response_format" yaml:"response_format"`
	Phrasing            string `json:"phrasing" yaml:"phrasing"`
	Typos               bool   `json:"typos" yaml:"typos"`
	Punctuation         bool   `json:"punctuation" yaml:"punctuation"`
	Language            string `json:"language" yaml:"language"`
	TaskLabels          string `json:"task_labels" yaml:"task_labels"`
	InstructionXML      bool   `json:"instruction_xml" yaml:"instruction_xml"`
	SituatingContext    bool   `json:"situating_context" yaml:"situating_context"`
	Seed                int64  `json:"seed" yaml:"seed"`
}

// Template is one fully specified prompt configuration.
type Template struct {
	Kind   Kind   `json:"kind" yaml:"kind"`
	Fields Fields `json:"fields" yaml:"fields"`
	// Scale names the rating options for stated kinds: "1-5", "1-10",
	// "good_neutral_bad", "positive_neutral_negative",
	// "enjoyed_indifferent_disliked", "yes_somewhat_no". Empty for revealed kinds.
	Scale string `json:"scale,omitempty" yaml:"scale,omitempty"`
}

// Prompt is a rendered request plus what the parser needs to read the reply.
type Prompt struct {
	Messages []model.Message
	Tools    []model.Tool
	// Labels are the localised labels in display order ("Task A", "Task B");
	// for revealed kinds only.
	Labels []string
	// Options are the localised rating options, best first; stated kinds only.
	Options []string
	// Format and Language of the template that rendered the prompt.
	Format   string
	Language string
	// Kind and Scale of the template that rendered the prompt (Scale is empty
	// for revealed kinds). The parsers use Scale to accept the scale's
	// options in the catalog's other languages too.
	Kind  Kind
	Scale string
	// TaskTexts are the task texts shown, in display order, exactly as
	// embedded, and Completions the assistant's completions of post-task
	// kinds. The parsers treat a reply's spans that reproduce them as
	// quotation, never as the answer; a Prompt built by hand without them is
	// read without that masking.
	TaskTexts   []string
	Completions []string

	// lex holds the parser word lists of the catalog that rendered the
	// prompt; nil means the default catalog's.
	lex *lexicon
}

// Outcome classifies a parsed reply.
type Outcome string

// Parse outcomes.
const (
	OutcomeChoice      Outcome = "choice"
	OutcomeRating      Outcome = "rating"
	OutcomeRefusal     Outcome = "refusal"
	OutcomeUnparseable Outcome = "unparseable"
)

// Parsed is a reply read by a parser. Raw always keeps the reply text (or the
// tool call's arguments) so nothing is lost.
type Parsed struct {
	Outcome Outcome `json:"outcome"`
	// Choice is the index of the chosen task in display order (0 or 1) when
	// Outcome is OutcomeChoice, and -1 otherwise.
	Choice int `json:"choice"`
	// Option is the index into Prompt.Options (0 = best) when Outcome is
	// OutcomeRating, and -1 otherwise; Score maps it to [0, 1] with 1 best:
	// Score = 1 - Option/(len(Options)-1).
	Option int     `json:"option"`
	Score  float64 `json:"score"`
	Raw    string  `json:"raw"`
}

// Perception is what a reader of a rendered prompt can recover from it
// without knowing which template made it. The simulated respondent
// (lib/model/synth) uses it to "read" prompts; tests use it to check that
// rendering round-trips.
type Perception struct {
	Kind Kind
	// Fields recovered from the text; TaskOrder and Seed are not recoverable
	// and are left empty/zero.
	Fields Fields
	// Scale for stated kinds.
	Scale string
	// Labels in display order (revealed kinds) and Options best-first (stated).
	Labels  []string
	Options []string
	// TaskTexts are the task prompts in display order, exactly as embedded.
	TaskTexts []string
	// Completions are the assistant's completions in post-task kinds.
	Completions []string
}

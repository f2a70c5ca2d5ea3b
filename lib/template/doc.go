// Package template renders preference-measurement prompts and parses the
// replies.
//
// A Template is a Kind (pre/post-task x revealed/stated) plus Fields, the
// tags of DESIGN.md section 3 (task_order, instruction_position,
// response_format, phrasing, typos, punctuation, language, task_labels,
// instruction_xml, situating_context, seed). The wording lives in data, not
// code: a Catalog read from YAML (the embedded default is
// data/templates/catalog.yaml) holds, in every language (en, fr, es), three
// phrasings of the question per kind, the answer-format sentences, the
// situating-context system prompt, the localised labels ("Task A",
// "Tâche 1", "Tarea B"), the rating scales ("1-5", "1-10", good/neutral/bad,
// positive/neutral/negative, enjoyed/indifferent/disliked,
// yes/somewhat/no) and the parsers' word lists (refusal phrases, answer
// markers, preference cues, negations).
//
// # Generating and sampling templates
//
// Catalog.Generate builds the full factorial for a kind: phrasings x the
// binary fields x response formats x languages. Fields a kind cannot show
// are held at one level (Catalog.Factors lists what varies): stated kinds
// rate one task, so task_order and task_labels do not vary; post-task kinds
// ask after the completions, so instruction_position is always after. With
// the default catalog that gives 3456 pre_revealed, 1728 post_revealed, 864
// pre_stated and 1296 post_stated templates (per scale; post_stated has
// nine phrasings, six of them the positivity framings). SampleBalanced
// draws n of them so that each level of each field appears ⌊n/L⌋ or ⌈n/L⌉
// times, Latin-hypercube style, for the robustness regression
//
//	corr(run_i, run_j) = β₀ + Σ_f β_f 1[field f is the same in i and j]
//
// of lib/robustness (notebooks/robustness.ipynb).
//
// # Rendering
//
// Pre-task prompts are one user turn: the instruction block and the tasks
// under their headers ("Task A:\n<text>"), separated by a blank line, the
// instruction before or after the tasks. Post-task prompts replay the
// conversation: each task as a user turn, its completion as an assistant
// turn, then the question as a last user turn; a post_stated prompt starts
// with CompletionMessages(task), the request used to obtain the
// completion. The instruction block is the phrasing followed by the
// answer-format sentence ("Answer with only 'Task A' or 'Task B'.", "...
// inside <choice></choice> tags.", "Call the submit_choice tool with ..."),
// wrapped in <instructions>...</instructions> when instruction_xml is set;
// tool_call prompts carry an OpenAI-style submit_choice or submit_rating
// tool whose single string argument has the labels or options as its enum.
// The situating context is a system turn. Task texts are embedded verbatim
// and never altered.
//
// Typos and punctuation are deterministic perturbations of the phrasing
// only, seeded by SHA-256 of (seed, kind, phrasing, language): typos swap
// adjacent letters, drop or double a letter in TypoRate (8%) of the words
// longer than three letters, at least one, never touching a word's first
// letter; punctuation drops or replaces sentence marks and commas and may
// lowercase sentence-initial capitals. The answer-format sentence, labels,
// options and tags such as <choice> are never perturbed, so replies stay
// parseable and the prompt stays readable by Perceive.
//
// Task order is the caller's job: Template.Swap says whether a pair is
// shown reversed (canonical: never; reversed: always; random: a seeded hash
// of the pair), and the Render methods take the texts in display order.
// Parsed.Choice indexes display order.
//
// # Parsing
//
// ParseChoice and ParseRating read a reply in its requested format first
// (tool call arguments, the last <choice>/<rating> tag) and otherwise as
// prose, case-insensitively, accepting labels and options in any catalog
// language, labels also without their accents (folded with x/text: marks
// removed, full case folding, so "Opcao" is "Opção" and "Massnahme" is
// "Maßnahme"). Before any rule, the spans of the reply that reproduce the
// prompt's task texts or completions (Prompt.TaskTexts, Prompt.Completions)
// are blanked: the whole text, a quoted span of three words or more, or
// eight words or more verbatim, so a task that says "Answer: Task B" or
// "10/10" never steers the reading. Their doc comments give the rules; in
// short, a bare label or option is read exactly, the last answer statement
// beats the last sentence with a preference cue, which beats agreeing
// mentions, a refusal phrase wins only when no statement or cue decides,
// and everything else is unparseable with the raw text kept. Negation is
// read: a negated label ("Not Task A", "I wouldn't choose Task A") stands
// for the other label; a negated option ("It was not good", "No es bueno")
// is no answer, also on two-option scales. A negation is one of the three
// words before a label or option in its clause; the catalog's optional
// not_negations list names phrases that only look negated ("no doubt"). Numbers keep their sign ("-3" is
// outside any scale). Ratings map to Score = 1 - Option/(len(Options)-1), 1
// best. The parsers never panic (fuzzed by FuzzParseChoice and
// FuzzParseRating), and inserting a task's own text before a reply's answer
// never changes how it is read (FuzzQuotedTaskText).
//
// # Perceiving
//
// Catalog.Perceive inverts rendering: given only the messages and tools it
// recovers the kind, every field except task_order and seed, the scale,
// labels, options, the exact task texts and the completions. The simulated
// respondent (lib/model/synth) uses it to read prompts the way a model
// would. The one ambiguity is a first task text containing the blank line
// and second task header that follow it ("\n\nTask B:\n"): the split is at
// the first occurrence.
package template

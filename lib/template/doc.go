// Package template renders preference-measurement prompts and parses the
// replies.
//
// A Template is a Kind (pre/post-task x revealed/stated) plus Fields, the
// tags of DESIGN.md section 3 (task_order, instruction_position,
// response_format, phrasing, typos, punctuation, language, task_labels,
// instruction_xml, situating_context, seed). The wording lives in data, not
// code: a catalog YAML of phrasings, translations (en, fr, es), situating
// contexts and localised labels.
package template

// Package task owns the unit of preference measurement: a Task is one prompt
// a model could be asked to do, tagged with the dataset it came from.
//
// # Sources
//
// Loaders read the four sources in their public formats, and the project's
// own format:
//
//	origin     format                                       loader               task ID
//	math       MATH tree root/<subject>/<n>.json            LoadMathDir          math_<subject>_<n>
//	math       JSONL {problem, level, type, unique_id}      LoadMathJSONL        math_<unique_id> or math_<line-1>
//	alpaca     JSON array {instruction, input, output}      LoadAlpaca           alpaca_<index>
//	wildchat   HF parquet, or JSONL with the same fields    LoadWildChat...      wildchat_<conversation_hash>
//	bailbench  CSV with header content,subcategory,category LoadBailBench        bailbench_<row>
//	(any)      JSONL {id, origin, prompt, meta}             LoadJSONL/WriteJSONL as written
//
// Indices and rows are 0-based, so IDs are stable for a given file; source
// identifiers are kept with characters other than letters, digits, '-',
// '.' and '_' replaced by '_'. A Source (the tasks entry of a study YAML)
// names an origin, a path and optionally a format, and Load picks the
// loader; Default returns the committed default set, data/tasks/default.jsonl,
// embedded by package data.
//
// The prompt is the MATH problem; the Alpaca instruction, followed by a
// blank line and the input when there is one; the first user turn of a
// WildChat conversation; the BailBench content. Reference answers and
// solutions are not part of a task.
//
// WildChat keeps a topic column or field, and the JSONL sources (MATH,
// WildChat) a "meta" object of string (or JSON) values, in Task.Meta, so
// that analyses can hold tasks out by topic.
//
// WildChat is filtered: by default only conversations whose language is
// English and that are not flagged toxic are kept (WildChatOptions). The
// filtered-out records are counted in Stats, not silently lost.
//
// # Size limits
//
// A source is refused before it is read when its file (or MATH directory)
// is over MaxSourceBytes, and a set of sources when together over
// MaxTotalBytes (CheckSizes; the error wraps ErrTooLarge): a study keeps its
// tasks in memory, about three times their bytes. Larger datasets are
// sampled down once (Load, Sample, WriteJSONL) and the sample is named.
// Loaders read their files as a stream, record by record.
//
// # Errors
//
// Bad input is an error, never a panic and never a record quietly skipped.
// Every loader error is a *RecordError naming the file and the record,
// "task: wildchat.jsonl line 212: no user turn", and wraps a sentinel
// (ErrEmptyPrompt, ErrDuplicateID, ErrMissingField, ErrNoUserTurn,
// ErrUnknownOrigin, ErrBadID) or the underlying decoding error. Records are
// lines (1-based, JSONL and CSV), indices (0-based, JSON arrays and task
// slices) or rows (0-based, parquet).
//
// # Sampling
//
// Sample draws a seeded sample stratified by origin: N tasks split equally
// across the origins present, an origin short of its share giving the rest
// to the others, or PerOrigin tasks from each. With k of an origin's n
// tasks drawn, each task of that origin is in the sample with probability
// k/n. Draws use math/rand/v2's PCG, seeded per origin, so a sample is
// reproducible from (tasks, options) alone; the output is sorted by origin,
// then ID.
package task

// Package task owns the unit of preference measurement: a Task is one prompt
// a model could be asked to do, tagged with the dataset it came from.
//
// Loaders read the four sources in their public formats (MATH, Alpaca,
// WildChat, BailBench); Sample draws a seeded sample stratified by origin;
// the committed default set lives in data/tasks/default.jsonl. Task IDs are
// stable across runs: "<origin>_<n or source id>".
package task

// Origins of tasks, as used in task IDs and stratified sampling.
const (
	OriginMath      = "math"
	OriginAlpaca    = "alpaca"
	OriginWildChat  = "wildchat"
	OriginBailBench = "bailbench"
)

// Task is one prompt a model could be asked to complete.
type Task struct {
	// ID is stable across runs: "<origin>_<n or source id>".
	ID string `json:"id"`
	// Origin is the source dataset (OriginMath, ...).
	Origin string `json:"origin"`
	// Prompt is the text shown to the model as the task.
	Prompt string `json:"prompt"`
	// Meta holds source-specific tags (MATH level and type, BailBench
	// category, WildChat language, ...).
	Meta map[string]string `json:"meta,omitempty"`
}

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

// Origins returns the known origins in alphabetical order.
func Origins() []string {
	return []string{OriginAlpaca, OriginBailBench, OriginMath, OriginWildChat}
}

// KnownOrigin reports whether origin is one of the constants above.
func KnownOrigin(origin string) bool {
	switch origin {
	case OriginMath, OriginAlpaca, OriginWildChat, OriginBailBench:
		return true
	}
	return false
}

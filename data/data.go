// Package data embeds the small inputs committed to the repository, so
// that library code and notebooks work without a data directory at hand.
//
// It holds the default task set, tasks/default.jsonl: tasks in the
// project's JSONL format ({"id", "origin", "prompt", "meta"} per line),
// read by lib/task's Default. The files themselves are described in
// data/README.md.
package data

import (
	_ "embed"
	"io"
	"strings"
)

// DefaultTasksName is the repository path of the default task set, used to
// name it in error messages.
const DefaultTasksName = "data/tasks/default.jsonl"

//go:embed tasks/default.jsonl
var defaultTasks string

// DefaultTasks returns a reader over the committed default task set.
func DefaultTasks() io.Reader { return strings.NewReader(defaultTasks) }

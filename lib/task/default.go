package task

import "github.com/prefscope/prefscope/data"

// Default returns the committed default task set (data/tasks/default.jsonl,
// embedded in the binary), checked as LoadJSONL checks a file.
func Default() ([]Task, error) {
	return ReadJSONL(data.DefaultTasks(), data.DefaultTasksName)
}

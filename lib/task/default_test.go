package task

import "testing"

// TestDefault checks the committed default set against what the studies
// rely on: at least 200 tasks, at least 40 from each origin, and the
// JSONL rules (unique IDs, known origins, non-empty prompts).
func TestDefault(t *testing.T) {
	tasks, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) < 200 {
		t.Errorf("%d default tasks, want >= 200", len(tasks))
	}
	count := map[string]int{}
	for _, task := range tasks {
		count[task.Origin]++
	}
	for _, o := range Origins() {
		if count[o] < 40 {
			t.Errorf("%d default tasks of origin %s, want >= 40", count[o], o)
		}
	}
	if err := Validate(tasks); err != nil {
		t.Error(err)
	}
}

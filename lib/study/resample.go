package study

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"strconv"

	"github.com/prefscope/prefscope/lib/task"
)

// MaxResample bounds a resampled universe.
const MaxResample = 1_000_000

// ResampleSpec draws a task universe of N tasks with replacement from the
// loaded one (uniformly, seeded), for studies at a scale the task files do
// not reach (data/studies/scale: 10,000 from the 240 default tasks). Draw k
// of task T becomes task "T~k" with T's origin and meta and T's prompt
// followed by a line "(draw k)", so that every draw is its own task (the
// simulated respondent finds tasks by their text) and still reads as T.
type ResampleSpec struct {
	N    int   `yaml:"n"`
	Seed int64 `yaml:"seed,omitempty"`
}

// Draw returns the resampled universe, in draw order.
func (r *ResampleSpec) Draw(tasks []task.Task) ([]task.Task, error) {
	switch {
	case r.N <= 0 || r.N > MaxResample:
		return nil, fmt.Errorf("study: tasks.resample.n must be 1..%d, got %d", MaxResample, r.N)
	case len(tasks) == 0:
		return nil, fmt.Errorf("study: tasks.resample: no tasks to draw from")
	}
	rng := rand.New(rand.NewPCG(uint64(r.Seed), 0x7e5a))
	out := make([]task.Task, r.N)
	for k := range out {
		t := tasks[rng.IntN(len(tasks))]
		id := strconv.Itoa(k)
		t.ID += "~" + id
		t.Prompt += "\n\n(draw " + id + ")"
		t.Meta = maps.Clone(t.Meta)
		out[k] = t
	}
	return out, nil
}

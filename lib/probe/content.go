package probe

import (
	"fmt"

	"github.com/prefscope/prefscope/lib/task"
)

// ContentDataset is ds with its activations replaced by the text features
// (task.TextFeatures, dim buckets; task.DefaultTextDim is the default) of
// each row's task (texts maps task id to prompt): the content baseline
// runs the same ridge, folds and targets on the words alone. A task without
// a text is an error naming it.
func ContentDataset(ds *Dataset, texts map[string]string, dim int) (*Dataset, error) {
	rows := make([]string, ds.Rows())
	for i, id := range ds.TaskIDs {
		t, ok := texts[id]
		if !ok {
			return nil, fmt.Errorf("probe: content baseline: task %s has no text", id)
		}
		rows[i] = t
	}
	x, err := task.TextFeatures(rows, dim)
	if err != nil {
		return nil, err
	}
	out := *ds
	out.X, out.D = x, dim
	return &out, nil
}

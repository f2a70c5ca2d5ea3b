package utility

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// AskRandomPairs is a direct check of a model and the choice parser,
// without the run engine or the store: calls times it draws two tasks
// uniformly with rng (a draw of the same task twice is skipped, and uses up
// its call), renders them with template tpl, asks m at temperature 1 with
// the call's index as seed, and parses the reply. Choices are pooled into
// Data over tasks' IDs; outcomes counts every parsed reply, refusals and
// unparseable ones included.
func AskRandomPairs(ctx context.Context, m model.Model, cat *template.Catalog, tpl template.Template, tasks []task.Task, calls int, rng *rand.Rand) (*Data, map[template.Outcome]int, error) {
	ids := make([]string, len(tasks))
	for i, t := range tasks {
		ids[i] = t.ID
	}
	d, err := NewDataIDs(ids)
	if err != nil {
		return nil, nil, fmt.Errorf("utility: ask random pairs: %w", err)
	}
	if len(tasks) < 2 {
		return nil, nil, fmt.Errorf("utility: ask random pairs: %d tasks, need two", len(tasks))
	}
	outcomes := map[template.Outcome]int{}
	for call := 0; call < calls; call++ {
		a, b := rng.IntN(len(tasks)), rng.IntN(len(tasks))
		if a == b {
			continue
		}
		prompt, err := cat.RenderChoice(tpl, tasks[a].Prompt, tasks[b].Prompt)
		if err != nil {
			return nil, nil, fmt.Errorf("utility: ask random pairs: call %d: %w", call, err)
		}
		reply, err := m.Chat(ctx, model.Request{Messages: prompt.Messages, Tools: prompt.Tools, Temperature: 1, Seed: int64(call)})
		if err != nil {
			return nil, nil, fmt.Errorf("utility: ask random pairs: call %d (%s vs %s): %w", call, ids[a], ids[b], err)
		}
		parsed := template.ParseChoice(prompt, reply)
		outcomes[parsed.Outcome]++
		if parsed.Outcome == template.OutcomeChoice {
			if err := d.Add(a, b, float64(1-parsed.Choice), float64(parsed.Choice)); err != nil {
				return nil, nil, err
			}
		}
	}
	return d, outcomes, nil
}

// WinCounts returns, per task index, the comparisons it won and the
// comparisons it took part in; wins[i]/comparisons[i] is its empirical win
// rate.
func (d *Data) WinCounts() (wins, comparisons []float64) {
	wins, comparisons = make([]float64, d.n), make([]float64, d.n)
	for _, p := range d.pairs {
		wins[p.I] += p.WinsI
		wins[p.J] += p.WinsJ
		comparisons[p.I] += p.N()
		comparisons[p.J] += p.N()
	}
	return wins, comparisons
}

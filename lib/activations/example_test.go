package activations_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/task"
)

// Extract a store at two positions in one pass, then read one layer at each
// position back as rows joined to task ids, with the completion's author.
func ExampleExtract() {
	tasks, err := task.Default()
	if err != nil {
		log.Fatal(err)
	}
	m, err := synth.New(synth.Options{Seed: 1, Tasks: tasks})
	if err != nil {
		log.Fatal(err)
	}
	var items []activations.Item
	for _, t := range tasks[:10] {
		items = append(items, activations.Item{
			ID:       t.ID,
			Messages: []model.Message{{Role: model.RoleUser, Content: t.Prompt}, {Role: model.RoleAssistant, Content: "Done."}},
			Meta:     map[string]string{"origin": t.Origin},
			Author:   m.Name(),
		})
	}
	tmp, err := os.MkdirTemp("", "activations-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "store")
	spec := activations.Spec{Layers: []int{16}, ShardSize: 4,
		Positions: activations.PositionList{{Kind: model.PosEndOfTurn}, {Kind: model.PosUserEnd}}}
	n, err := activations.Extract(context.Background(), m, items, spec, dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("extracted", n)
	positions, err := activations.Positions(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range positions {
		set, err := activations.LoadPosition(dir, 16, p.Name())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %d rows of %d, completions by %s\n", p.Name(), len(set.X), len(set.X[0]), set.Authors[0])
	}
	// Output:
	// extracted 10
	// end_of_turn: 10 rows of 128, completions by synth:1
	// user_end: 10 rows of 128, completions by synth:1
}

package measure

import (
	"context"
	"fmt"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// BenchmarkEngine measures simulated calls per second through the whole
// engine (render, respond, parse, store) at concurrency 1 and 8: 2,000
// calls per iteration into a fresh run directory.
func BenchmarkEngine(b *testing.B) {
	tasks, cat, byID := benchSetup(b)
	tp := cat.Generate(template.PreRevealed, "")[7]
	var ids []string
	for _, t := range tasks[:64] {
		ids = append(ids, t.ID)
	}
	var pairs [][2]string
	for i := range ids {
		for j := i + 1; j < len(ids) && len(pairs) < 1000; j++ {
			pairs = append(pairs, [2]string{ids[i], ids[j]})
		}
	}
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			m, err := benchModel(tasks, cat)
			if err != nil {
				b.Fatal(err)
			}
			eng := &Engine{Model: m, Catalog: cat, Tasks: byID, Concurrency: conc}
			calls := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				cfg := RunConfig{Part: "bench", Template: tp, Tasks: ids, Pairs: pairs, Samples: 2, Temperature: 1, Seed: int64(i)}
				sum, err := eng.Run(context.Background(), b.TempDir(), cfg)
				if err != nil {
					b.Fatal(err)
				}
				calls += sum.Done
			}
			b.ReportMetric(float64(calls)/b.Elapsed().Seconds(), "calls/s")
		})
	}
}

func benchSetup(b *testing.B) ([]task.Task, *template.Catalog, map[string]task.Task) {
	tasks, err := task.Default()
	if err != nil {
		b.Fatal(err)
	}
	cat, err := template.DefaultCatalog()
	if err != nil {
		b.Fatal(err)
	}
	byID := map[string]task.Task{}
	for _, t := range tasks {
		byID[t.ID] = t
	}
	return tasks, cat, byID
}

func benchModel(tasks []task.Task, cat *template.Catalog) (model.Model, error) {
	return synth.New(synth.Options{Seed: 1, Tasks: tasks, Catalog: cat})
}

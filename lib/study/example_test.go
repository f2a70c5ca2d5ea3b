package study_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/go-gota/gota/dataframe"

	"github.com/prefscope/prefscope/lib/progress"
	"github.com/prefscope/prefscope/lib/study"
)

// Run measures (or resumes) every part of a study with one call, drawing
// one progress bar per part (here on stderr; progress.NotebookBars in a
// notebook); a second call finds every record stored and makes no model
// call. Frame gives every record as a gota DataFrame to explore.
func ExampleRun() {
	dir, err := os.MkdirTemp("", "study-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	yaml := `name: example
model: {kind: synth, seed: 7}
tasks: {default: true}
seed: 1
parts:
  - name: choices
    kind: pre_revealed
    tasks: {n: 12, seed: 1}
    templates: {sample: 2, seed: 3}
    pairs: {dense: true}
    samples: 2
    temperature: 1
`
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(yaml), 0o644); err != nil {
		log.Fatal(err)
	}
	for pass := 1; pass <= 2; pass++ {
		res, err := study.Run(context.Background(), dir, study.Options{Progress: progress.Writer(os.Stderr)})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("pass %d: %s\n", pass, res.Totals())
	}
	df, err := study.Frame(dir)
	if err != nil {
		log.Fatal(err)
	}
	firstWon := df.GroupBy("model").Aggregation([]dataframe.AggregationType{dataframe.Aggregation_COUNT}, []string{"first_won"})
	fmt.Println("records:", df.Nrow(), "of model", firstWon.Col("model").Records())
	truth, err := study.LoadTruth(dir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("planted utilities:", len(truth.Mu))
	// Output:
	// pass 1: 2 runs: 264 calls, 264 done now, 0 cached, 0 failed
	// pass 2: 2 runs: 264 calls, 0 done now, 264 cached, 0 failed
	// records: 264 of model [synth:7]
	// planted utilities: 240
}

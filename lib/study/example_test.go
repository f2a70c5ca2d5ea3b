package study_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/prefscope/prefscope/lib/study"
)

// Run measures (or resumes) every part of a study with one call; a second
// call finds every record stored and makes no model call.
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
		res, err := study.Run(context.Background(), dir, study.Options{})
		if err != nil {
			log.Fatal(err)
		}
		calls, made := 0, 0
		for _, s := range res.Summaries {
			calls += s.Total
			made += s.Done
		}
		fmt.Printf("pass %d: %d runs, %d calls, %d made now\n", pass, len(res.Summaries), calls, made)
	}
	truth, err := study.LoadTruth(dir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("planted utilities:", len(truth.Mu))
	// Output:
	// pass 1: 2 runs, 264 calls, 264 made now
	// pass 2: 2 runs, 264 calls, 0 made now
	// planted utilities: 240
}

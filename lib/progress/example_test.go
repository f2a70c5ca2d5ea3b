package progress_test

import (
	"fmt"
	"time"

	"github.com/prefscope/prefscope/lib/progress"
)

// A job's bar: Done of Total after Elapsed gives the rate and the ETA.
func ExampleStats() {
	s := progress.Stats{Done: 60, Total: 100, Elapsed: 10 * time.Second, Skipped: 40, Runs: 8, RunsDone: 3}
	fmt.Println(s)
	fmt.Println(progress.Stats{Done: 100, Total: 100, Elapsed: 8 * time.Second}.Summary())
	// Output:
	// runs 3/8, 60/100 (60%, 40 stored) 2.0/s ETA 20s
	// 100/100 in 8s (12.5/s)
}

// printBars prints when a bar starts and what it counted at Finish, in place
// of a terminal or notebook display (progress.Writer, progress.NotebookBars).
func printBars(label string, total int) progress.Bar {
	fmt.Printf("start %q, %d calls\n", label, total)
	return &printBar{label: label}
}

type printBar struct {
	label string
	n     int
}

func (b *printBar) Add(n int) { b.n += n }
func (b *printBar) Finish()   { fmt.Printf("finish %q at %d\n", b.label, b.n) }

// A study of two parts: "robustness" has three short runs, "dense" one long
// run. Each part gets one bar; only the long run gets a bar of its own.
func ExampleParts() {
	p := progress.NewParts(printBars)
	p.LongRun = 500
	runs := []struct {
		part, id      string
		planned, todo int
	}{{"robustness", "r-1", 40, 40}, {"robustness", "r-2", 40, 0}, {"robustness", "r-3", 40, 40}, {"dense", "d-1", 900, 900}}
	for _, r := range runs {
		p.Plan(r.part, r.planned)
	}
	for _, r := range runs {
		// What the engine does with the Bars of its run: a bar over the
		// calls still to make (none when the run is stored whole).
		if bars := p.Run(r.part, r.planned); r.todo > 0 {
			bar := progress.Start(bars, r.id, r.todo)
			bar.Add(r.todo)
			bar.Finish()
		}
		p.RunDone(r.part, r.planned-r.todo) // the run's stored calls
	}
	p.Finish()
	// Output:
	// start "part robustness", 120 calls
	// finish "part robustness" at 120
	// start "part dense", 900 calls
	// start "d-1", 900 calls
	// finish "d-1" at 900
	// finish "part dense" at 900
}

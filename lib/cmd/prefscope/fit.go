package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/study"
	"github.com/prefscope/prefscope/lib/template"
	"github.com/prefscope/prefscope/lib/utility"
)

func cmdFit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	flagStudy := fs.String("study", "", "study directory (default: env PREFSCOPE_STUDY, relative to the repository root)")
	parts := fs.String("parts", "", "comma-separated part names to fit (default all revealed parts)")
	caseV := fs.Bool("case-v", false, "equal sigma for every task (Thurstone Case V) instead of the default log-sigma prior")
	wait := fs.Bool("wait", false, "wait for a running measure of the study to finish instead of failing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := studyDir("fit", *flagStudy, false)
	if err != nil {
		return err
	}
	if _, err := study.Load(dir); err != nil {
		return err
	}
	// The study's lock: a fit of a run that measure is still appending to
	// would be stale the moment it is written.
	lock, err := measure.WriteLock(ctx, dir, *wait)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	defer lock.Unlock()
	runs, other, err := study.CurrentRuns(dir)
	if err != nil {
		return err
	}
	if other > 0 {
		fmt.Fprintf(stderr, "fit: %d stored runs from earlier versions of study.yaml are not fitted\n", other)
	}
	want := map[string]bool{}
	for _, p := range splitList(*parts) {
		want[p] = true
	}
	opts := &utility.FitOptions{EqualSigma: *caseV}
	n := 0
	for _, r := range runs {
		k := r.File.Config.Template.Kind
		if k != template.PreRevealed && k != template.PostRevealed || len(want) > 0 && !want[r.File.Config.Part] {
			continue
		}
		u, counts, err := utility.FitRun(r, opts)
		if err != nil {
			return err
		}
		if err := utility.WriteRunFit(r.Dir, u, counts); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d tasks, %d choices (%d refusals, %d unparseable not fitted) of %d records, %d iterations, %s\n",
			r.File.ID, len(u.Mu), counts.Choices, counts.Refusals, counts.Unparseable, counts.Source.Records, u.Iterations, u.Status)
		n++
	}
	fmt.Fprintf(stdout, "fitted %d runs; utilities.csv and fit.yaml in each run directory under %s\n", n, layout.Runs(dir))
	return nil
}

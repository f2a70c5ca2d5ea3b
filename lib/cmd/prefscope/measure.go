package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/progress"
	"github.com/prefscope/prefscope/lib/study"
)

func cmdMeasure(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("measure", flag.ContinueOnError)
	fs.SetOutput(stderr)
	flagStudy := fs.String("study", "", "study directory holding study.yaml, or the study.yaml itself (default: env PREFSCOPE_STUDY, relative to the repository root)")
	parts := fs.String("parts", "", "comma-separated part names to run (default all)")
	defConc, err := concurrencyDefault("measure")
	if err != nil {
		return err
	}
	conc := fs.Int("concurrency", defConc, "calls in flight (default: the study's, else 8; env PREFSCOPE_CONCURRENCY)")
	wait := fs.Bool("wait", false, "if another process is writing the study, wait for it instead of failing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := studyDir("measure", *flagStudy, false)
	if err != nil {
		return err
	}
	return measureStudy(ctx, dir, study.Options{Parts: splitList(*parts), Concurrency: *conc, Wait: *wait}, stdout, stderr)
}

func cmdSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	flagStudy := fs.String("study", "", "synthetic study directory (default: env PREFSCOPE_STUDY, relative to the repository root, else data/studies/default)")
	parts := fs.String("parts", "", "comma-separated part names to run (default all)")
	defConc, err := concurrencyDefault("simulate")
	if err != nil {
		return err
	}
	conc := fs.Int("concurrency", defConc, "calls in flight (env PREFSCOPE_CONCURRENCY)")
	wait := fs.Bool("wait", false, "if another process is writing the study, wait for it instead of failing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := studyDir("simulate", *flagStudy, true)
	if err != nil {
		return err
	}
	return measureStudy(ctx, dir, study.Options{Parts: splitList(*parts), Concurrency: *conc, Wait: *wait}, stdout, stderr)
}

// measureStudy runs the study and prints its summary.
func measureStudy(ctx context.Context, dir string, opts study.Options, stdout, stderr io.Writer) error {
	opts.Progress, opts.Log = progress.Writer(stderr), stdout
	res, err := study.Run(ctx, dir, opts)
	// The summary is for a study that ran (or was interrupted): after any
	// other error (a store that cannot be opened, a lock held) only the
	// error is printed.
	if res != nil && len(res.Summaries) > 0 && (err == nil || errors.Is(err, context.Canceled)) {
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, "Parse rates by template field:")
		rates, rerr := measure.ParseRates(res.Configs, res.Summaries)
		if rerr != nil {
			return errors.Join(err, rerr)
		}
		measure.WriteParseRates(stdout, rates)
		tot := res.Totals()
		fmt.Fprintf(stdout, "\n%s; runs in %s\n", tot, layout.Runs(dir))
		if res.StaleRecords > 0 {
			fmt.Fprintf(stdout, "%d stored records (%d runs) no longer match the study's task prompts or templates and were not reused\n", res.StaleRecords, res.StaleRuns)
		}
		if tot.Failed > 0 && err == nil {
			err = fmt.Errorf("%d calls failed after retries (see errors.jsonl in each run; re-run to retry them)", tot.Failed)
		}
	}
	return err
}

func cmdExtract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	flagStudy := fs.String("study", "", "study directory whose study.yaml has an extract key (default: env PREFSCOPE_STUDY, relative to the repository root)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := studyDir("extract", *flagStudy, false)
	if err != nil {
		return err
	}
	_, err = study.Extract(ctx, dir, study.Options{Progress: progress.Writer(stderr), Log: stdout})
	return err
}

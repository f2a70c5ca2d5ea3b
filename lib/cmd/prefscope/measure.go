package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/repo"
	"github.com/prefscope/prefscope/lib/study"
)

func cmdMeasure(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("measure", flag.ContinueOnError)
	fs.SetOutput(stderr)
	studyDir := fs.String("study", envDefault("PREFSCOPE_STUDY", ""), "study directory holding study.yaml, or the study.yaml itself (env PREFSCOPE_STUDY)")
	parts := fs.String("parts", "", "comma-separated part names to run (default all)")
	conc := fs.Int("concurrency", envInt("PREFSCOPE_CONCURRENCY", 0), "calls in flight (default: the study's, else 8; env PREFSCOPE_CONCURRENCY)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *studyDir == "" {
		return fmt.Errorf("measure: -study is required")
	}
	return measureStudy(ctx, *studyDir, splitList(*parts), *conc, stdout, stderr)
}

func cmdSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	studyDir := fs.String("study", "", "synthetic study directory (default: PREFSCOPE_STUDY, else data/studies/default)")
	parts := fs.String("parts", "", "comma-separated part names to run (default all)")
	conc := fs.Int("concurrency", envInt("PREFSCOPE_CONCURRENCY", 0), "calls in flight (env PREFSCOPE_CONCURRENCY)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir := *studyDir
	if dir == "" {
		var err error
		if dir, err = repo.StudyDir(); err != nil {
			return err
		}
	}
	return measureStudy(ctx, dir, splitList(*parts), *conc, stdout, stderr)
}

func measureStudy(ctx context.Context, dir string, parts []string, conc int, stdout, stderr io.Writer) error {
	if filepath.Base(dir) == "study.yaml" {
		dir = filepath.Dir(dir)
	}
	opts := study.Options{Parts: parts, Progress: stderr, Log: stdout, Concurrency: conc}
	res, err := study.Run(ctx, dir, opts)
	if res != nil && len(res.Summaries) > 0 {
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, "Parse rates by template field:")
		measure.WriteParseRates(stdout, measure.ParseRates(res.Configs, res.Summaries))
		total, cached, done, failed := 0, 0, 0, 0
		for _, s := range res.Summaries {
			total += s.Total
			cached += s.Cached
			done += s.Done
			failed += s.Failed
		}
		fmt.Fprintf(stdout, "\n%d runs: %d calls, %d done now, %d cached, %d failed; runs in %s\n", len(res.Summaries), total, done, cached, failed, filepath.Join(dir, "runs"))
		if failed > 0 && err == nil {
			err = fmt.Errorf("%d calls failed after retries (see errors.jsonl in each run; re-run to retry them)", failed)
		}
	}
	return err
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(envDefault(name, "")); err == nil {
		return v
	}
	return def
}

func cmdExtract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	studyDir := fs.String("study", envDefault("PREFSCOPE_STUDY", ""), "study directory whose study.yaml has an extract key (env PREFSCOPE_STUDY)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *studyDir == "" {
		return fmt.Errorf("extract: -study is required")
	}
	dir := *studyDir
	if filepath.Base(dir) == "study.yaml" {
		dir = filepath.Dir(dir)
	}
	_, err := study.Extract(ctx, dir, study.Options{Progress: stderr, Log: stdout})
	return err
}

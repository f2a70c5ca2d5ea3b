package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/prefscope/prefscope/lib/repo"
	"github.com/prefscope/prefscope/lib/report"
	"github.com/prefscope/prefscope/lib/study"
)

// cmdReport assembles reports/<date>/highlights.md from the section files
// and renders it as the self-contained reports/<date>/highlights.html.
func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	date := fs.String("date", "", "report date YYYY-MM-DD (default PREFSCOPE_DATE, else today)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d := *date
	if d == "" {
		var err error
		if d, err = repo.Date(); err != nil {
			return err
		}
	}
	dir, err := repo.StudyDir()
	if err != nil {
		return err
	}
	source, err := study.Describe(dir)
	if err != nil {
		return fmt.Errorf("report: the study the notebooks read (PREFSCOPE_STUDY): %w", err)
	}
	md, err := report.AssembleFor(d, source)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, md)
	page, err := report.AssembleHTML(d)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, page)
	return nil
}

// Command prefscope runs prefscope's long jobs from a terminal: measuring a
// study (measure, including active-learning parts), capturing activations
// (extract), fitting utilities (fit), generating the default synthetic
// study (simulate), and assembling the weekly report (report). Progress goes to stderr, results
// to stdout. Every flag falls back to a PREFSCOPE_* environment variable
// (see lib/repo's env.go for the list).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/repo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first Ctrl-C or SIGTERM cancels ctx: loading and measuring stop at
	// the next check and the stores are closed cleanly. A second one then
	// gets the default action and ends the process at once.
	go func() { <-ctx.Done(); stop() }()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "prefscope:", err)
		}
		os.Exit(1)
	}
}

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"measure", "run or resume a study: prefscope measure -study DIR", cmdMeasure},
		{"extract", "capture activations for a study's extract spec: prefscope extract -study DIR", cmdExtract},
		{"fit", "fit Thurstonian utilities to every revealed run: prefscope fit -study DIR", cmdFit},
		{"simulate", "run the default synthetic study (generated in seconds)", cmdSimulate},
		{"report", "assemble reports/<date>/highlights.md and highlights.html from the section files", cmdReport},
	}
}

// run is the whole CLI; main only wires the process to it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return errors.New("no command")
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: prefscope <command> [flags]")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
}

// studyDir resolves a command's study directory by one rule: a -study flag
// is a path like any other argument, relative to the working directory;
// without it, PREFSCOPE_STUDY is resolved as notebooks resolve it
// (repo.StudyDir: relative to the repository root). When neither is given,
// the committed default study is used if fallback is set, else it is an
// error. A path to the study.yaml itself names its directory.
func studyDir(cmd, flagValue string, fallback bool) (string, error) {
	dir := flagValue
	if dir == "" {
		if os.Getenv(repo.EnvStudy) == "" && !fallback {
			return "", fmt.Errorf("%s: -study is required (or set %s)", cmd, repo.EnvStudy)
		}
		var err error
		if dir, err = repo.StudyDir(); err != nil {
			return "", fmt.Errorf("%s: %w", cmd, err)
		}
	}
	if filepath.Base(dir) == layout.StudyFile {
		dir = filepath.Dir(dir)
	}
	return filepath.Abs(dir)
}

// concurrencyDefault is the -concurrency default: PREFSCOPE_CONCURRENCY, or
// 0 (the study's own setting). A malformed value is an error.
func concurrencyDefault(cmd string) (int, error) {
	n, err := repo.Concurrency()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", cmd, err)
	}
	return n, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

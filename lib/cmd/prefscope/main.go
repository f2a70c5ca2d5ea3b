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
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
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
		{"report", "assemble reports/<date>/highlights.md from the section files", cmdReport},
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

// envDefault returns the environment variable's value or def.
func envDefault(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
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

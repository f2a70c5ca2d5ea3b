package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/robustness"
	"github.com/prefscope/prefscope/lib/study"
	"github.com/prefscope/prefscope/lib/template"
	"github.com/prefscope/prefscope/lib/utility"
)

// startMeasureUntil starts `measure` on dir and stops it (SIGSTOP) once the
// store holds at least target lines, so the process is caught mid-run,
// holding the study's lock, whatever the machine's speed.
func startMeasureUntil(t *testing.T, dir string, target int) (*exec.Cmd, <-chan struct{}) {
	t.Helper()
	cmd := cli("measure", "-study", dir)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	for storedLines(dir) < target {
		select {
		case <-exited:
			t.Fatalf("measure ended before the store reached %d lines:\n%s", target, buf.String())
		case <-time.After(time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	return cmd, exited
}

// revealedRuns are the study's current pairwise runs, the ones fit fits.
func revealedRuns(t *testing.T, dir string) []*measure.Run {
	t.Helper()
	runs, _, err := study.CurrentRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []*measure.Run
	for _, r := range runs {
		if k := r.File.Config.Template.Kind; k == template.PreRevealed || k == template.PostRevealed {
			out = append(out, r)
		}
	}
	return out
}

// checkFitsName checks that every fitted run's fit.yaml names exactly the
// records its store holds now, and that its utilities read back.
func checkFitsName(t *testing.T, dir string) {
	t.Helper()
	for _, r := range revealedRuns(t, dir) {
		b, err := os.ReadFile(layout.Fit(r.Dir))
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("records: %d\n", len(r.Records)); !strings.Contains(string(b), want) {
			t.Errorf("run %s: fit.yaml does not say %q:\n%s", r.File.ID, want, b)
		}
		if _, err := utility.ReadRunUtilities(r.Dir); err != nil {
			t.Errorf("run %s: fresh fit not readable: %v", r.File.ID, err)
		}
	}
}

// TestFitDuringMeasure is the TestKillAndResume of fit: fit on a study that
// measure is writing is refused while measure holds the lock (naming it);
// a fit after measure was killed names the records it used; when measure
// resumes and the runs grow, robustness.FromStore refuses the stale fits
// naming the run; fit again, and everything reads.
func TestFitDuringMeasure(t *testing.T) {
	dir := writersDir(t)
	ctx := context.Background()
	for round, target := range []int{150, 500} {
		cmd, exited := startMeasureUntil(t, dir, target)
		var out, errOut bytes.Buffer
		err := run(ctx, []string{"fit", "-study", dir}, &out, &errOut)
		if !errors.Is(err, measure.ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", cmd.Process.Pid)) {
			t.Errorf("round %d: fit while measure runs: %v; want the lock error naming pid %d", round, err, cmd.Process.Pid)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		if round > 0 {
			// The runs grew since the last fit: a reader must notice.
			_, err := robustness.FromStore(revealedRuns(t, dir))
			if !errors.Is(err, utility.ErrStaleFit) || !strings.Contains(err.Error(), "run ") {
				t.Errorf("round %d: FromStore on fits older than the records: %v; want ErrStaleFit naming the run", round, err)
			}
		}
		out.Reset()
		if err := run(ctx, []string{"fit", "-study", dir}, &out, &errOut); err != nil {
			t.Fatalf("round %d: fit after measure was killed: %v\n%s", round, err, errOut.String())
		}
		if !strings.Contains(out.String(), " records, ") {
			t.Errorf("fit output does not give the record count:\n%s", out.String())
		}
		checkFitsName(t, dir)
	}
	if out, err := cli("measure", "-study", dir).CombinedOutput(); err != nil {
		t.Fatalf("final resume: %v\n%s", err, out)
	}
	if _, err := robustness.FromStore(revealedRuns(t, dir)); !errors.Is(err, utility.ErrStaleFit) {
		t.Errorf("FromStore after the final resume: %v; want ErrStaleFit", err)
	}
	// With the lock free, fit -wait fits at once.
	if err := run(ctx, []string{"fit", "-study", dir, "-wait"}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	checkFitsName(t, dir)
	if _, err := robustness.FromStore(revealedRuns(t, dir)); err != nil {
		t.Errorf("FromStore on fresh fits: %v", err)
	}
}

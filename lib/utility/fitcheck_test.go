package utility

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/internal/synthtest"
	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/template"
)

// A fit made while the run was still being written (here: the store cut to
// half its lines plus a torn line, as a reader finds it mid-append) names
// the records it used; once the run has grown, reading its utilities is an
// error naming the run and both record counts, and a refit reads again.
func TestStaleFitIsNeverReadSilently(t *testing.T) {
	eng, _, cat, ids := engineFor(t)
	ids = ids[:12]
	tp := cat.Generate(template.PreRevealed, "")[0]
	cfg := measure.RunConfig{Part: "p", Template: tp, Tasks: ids, Pairs: synthtest.AllPairs(ids), Samples: 2, Temperature: 1, Seed: 3}
	sum, err := eng.Run(context.Background(), t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	store := layout.Measurements(sum.Dir)
	full, err := os.ReadFile(store)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(full, []byte("\n"))
	half := bytes.Join(lines[:len(lines)/2], nil)
	torn := lines[len(lines)/2][:10]
	if err := os.WriteFile(store, append(append([]byte{}, half...), torn...), 0o644); err != nil {
		t.Fatal(err)
	}
	fit := func() (*measure.Run, RunCounts) {
		run, err := measure.ReadRun(sum.Dir)
		if err != nil {
			t.Fatal(err)
		}
		u, c, err := FitRun(run, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteRunFit(run.Dir, u, c); err != nil {
			t.Fatal(err)
		}
		return run, c
	}
	run, c := fit()
	if n := len(lines) / 2; run.Store.Records != n || len(run.Records) != n || c.Source != run.Store {
		t.Fatalf("mid-write read: digest %v, %d records; want the %d complete lines", run.Store, len(run.Records), n)
	}
	if _, err := ReadRunUtilities(sum.Dir); err != nil {
		t.Fatalf("the fit of the records the run holds (a torn line aside): %v", err)
	}
	// measure finishes: the store holds every record again.
	if err := os.WriteFile(store, full, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ReadRunUtilities(sum.Dir)
	want := []string{sum.Dir, fmt.Sprintf("fitted on %d records", len(lines)/2), fmt.Sprintf("now holds %d records", len(lines)-1), "prefscope fit"}
	if !errors.Is(err, ErrStaleFit) || !containsAll(err.Error(), want) {
		t.Fatalf("stale fit read: %v; want ErrStaleFit naming %q", err, want)
	}
	run, _ = fit()
	if _, err := ReadRunUtilities(sum.Dir); err != nil || run.Store.Records != len(lines)-1 {
		t.Fatalf("after refitting all %d records: %v (digest %v)", len(lines)-1, err, run.Store)
	}

	// utilities.csv that is not the one fit.yaml was written with.
	csv := layout.Utilities(sum.Dir)
	good, _ := os.ReadFile(csv)
	if err := os.WriteFile(csv, bytes.Replace(good, []byte("\n"), []byte("\n#\n"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRunUtilities(sum.Dir); !errors.Is(err, ErrStaleFit) || !strings.Contains(err.Error(), csv) {
		t.Errorf("edited utilities.csv: %v", err)
	}
	// A fit.yaml of an older version (no fitted_on) over a run with records.
	if err := os.WriteFile(csv, good, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteRunFit(sum.Dir, &Utilities{IDs: []string{"x"}, Mu: []float64{0}, Sigma: []float64{1}}, RunCounts{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRunUtilities(sum.Dir); !errors.Is(err, ErrStaleFit) || !strings.Contains(err.Error(), "does not say which records") {
		t.Errorf("fit without fitted_on: %v", err)
	}
	// utilities.csv as a symlink to a file outside the run.
	outside := t.TempDir() + "/u.csv"
	if err := os.WriteFile(outside, good, 0o644); err != nil {
		t.Fatal(err)
	}
	fit()
	if err := os.Remove(csv); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, csv); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRunUtilities(sum.Dir); err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Errorf("symlinked utilities.csv: %v", err)
	}
}

func containsAll(s string, subs []string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

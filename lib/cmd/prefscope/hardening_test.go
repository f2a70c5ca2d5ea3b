package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/measure"
)

const writersStudy = `name: writers
model: {kind: synth, seed: 7}
tasks: {default: true}
seed: 3
parts:
  - name: revealed
    kind: pre_revealed
    tasks: {n: 60, seed: 2}
    templates: {sample: 2, seed: 1}
    pairs: {per_task: 8, seed: 4}
    samples: 2
    temperature: 1
  - name: post
    kind: post_stated
    tasks: {n: 30, seed: 3}
    templates: {sample: 1, seed: 2, scale: good_neutral_bad}
    samples: 2
    temperature: 1
    completion_temperature: 1
`

func writersDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(writersStudy), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestConcurrentWriters starts two measure processes on one study at the
// same moment, with and without -wait, and checks that the store holds
// every record of an uninterrupted run exactly once, and that a writer
// turned away names the holder.
func TestConcurrentWriters(t *testing.T) {
	ref := writersDir(t)
	if out, err := cli("measure", "-study", ref).CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	want := records(t, ref)
	for _, wait := range []bool{false, true} {
		dir := writersDir(t)
		args := []string{"measure", "-study", dir}
		if wait {
			args = append(args, "-wait")
		}
		cmds := []*exec.Cmd{cli(args...), cli(args...)}
		outs := []*bytes.Buffer{{}, {}}
		for i, c := range cmds {
			c.Stdout, c.Stderr = outs[i], outs[i]
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
		}
		ok := 0
		for i, c := range cmds {
			err := c.Wait()
			switch {
			case err == nil:
				ok++
			case wait:
				t.Errorf("-wait writer %d failed: %v\n%s", i, err, outs[i])
			case !strings.Contains(outs[i].String(), "is being written by pid"):
				t.Errorf("writer %d failed without naming the holder: %v\n%s", i, err, outs[i])
			}
		}
		if ok == 0 {
			t.Errorf("wait=%v: neither writer succeeded", wait)
		}
		t.Logf("wait=%v: %d of 2 writers exited 0", wait, ok)
		got := records(t, dir) // reports duplicates
		for k, v := range want {
			if got[k] != v {
				t.Errorf("wait=%v: record %s differs or is missing", wait, k)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("wait=%v: extra record %s", wait, k)
			}
		}
		if lines := storedLines(dir); lines != storedLines(ref) {
			t.Errorf("wait=%v: %d stored lines, want %d", wait, lines, storedLines(ref))
		}
	}
}

// A finished study is measured again without taking its lock (so without
// write access), even while another process holds it.
func TestMeasureFinishedStudyReadOnly(t *testing.T) {
	dir := writersDir(t)
	if out, err := cli("measure", "-study", dir).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lock, err := measure.WriteLock(context.Background(), dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()
	out, err := cli("measure", "-study", dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "0 done now") {
		t.Fatalf("finished study under another writer's lock: %v\n%s", err, out)
	}
}

func TestMeasureUnknownPartAndFailedOpen(t *testing.T) {
	dir := writersDir(t)
	var out bytes.Buffer
	err := run(context.Background(), []string{"measure", "-study", dir, "-parts", "nosuchpart"}, &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `no part "nosuchpart"`) {
		t.Fatalf("-parts nosuchpart: error %v", err)
	}
	if out.Len() > 0 {
		t.Errorf("printed before the error:\n%s", out.String())
	}
	if err := run(context.Background(), []string{"measure", "-study", dir}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	// A damaged store (a record twice) fails to open: the error alone is
	// printed, no summary of runs that were never read.
	stores, _ := filepath.Glob(filepath.Join(dir, "runs", "*", "measurements.jsonl"))
	b, _ := os.ReadFile(stores[0])
	first := strings.SplitN(string(b), "\n", 2)[0]
	if err := os.WriteFile(stores[0], append(b, first+"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run(context.Background(), []string{"measure", "-study", dir}, &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "duplicate record") {
		t.Fatalf("error %v, want a duplicate record", err)
	}
	if strings.Contains(out.String(), "Parse rates") || strings.Contains(out.String(), "runs:") {
		t.Errorf("summary printed before the error:\n%s", out.String())
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/repo"
)

// TestMain lets the test binary stand in for the prefscope command, so the
// kill-and-resume test runs the real CLI as a subprocess without a build.
func TestMain(m *testing.M) {
	if os.Getenv("PREFSCOPE_TEST_AS_CLI") == "1" {
		if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
			os.Stderr.WriteString("prefscope: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const killStudy = `name: killtest
model: {kind: synth, seed: 99}
tasks: {default: true}
seed: 5
concurrency: 8
parts:
  - name: revealed
    kind: pre_revealed
    tasks: {n: 120, seed: 2}
    templates: {sample: 3, seed: 1}
    pairs: {per_task: 12, seed: 4}
    samples: 3
    temperature: 1
  - name: post
    kind: post_stated
    tasks: {n: 60, seed: 3}
    templates: {sample: 2, seed: 2, scale: good_neutral_bad}
    samples: 3
    temperature: 1
    completion_temperature: 1
`

func cli(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "PREFSCOPE_TEST_AS_CLI=1")
	return cmd
}

func newStudy(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(killStudy), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// records reads every run of a study as key -> record JSON, without the
// fields that legitimately differ between executions (latency, attempts).
func records(t *testing.T, dir string) map[string]string {
	t.Helper()
	runs, err := measure.ReadRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range runs {
		for _, rec := range r.Records {
			rec.LatencyMS, rec.Attempts = 0, 0
			k := r.File.ID + "/" + rec.Key
			if _, dup := out[k]; dup {
				t.Errorf("duplicate record %s", k)
			}
			b, _ := json.Marshal(rec)
			out[k] = string(b)
		}
	}
	// Completions are part of the state too: compare the cache contents.
	files, _ := filepath.Glob(filepath.Join(dir, "completions", "*.jsonl"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if line == "" {
				continue
			}
			var e map[string]any
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			k := fmt.Sprintf("completion/%s/%v/%v", filepath.Base(f), e["task"], e["seed"])
			if _, dup := out[k]; dup {
				t.Errorf("duplicate completion %s", k)
			}
			out[k] = line
		}
	}
	return out
}

// storedLines counts the lines in every run's measurements.jsonl.
func storedLines(dir string) int {
	files, _ := filepath.Glob(filepath.Join(dir, "runs", "*", "measurements.jsonl"))
	n := 0
	for _, f := range files {
		b, _ := os.ReadFile(f)
		n += bytes.Count(b, []byte{'\n'})
	}
	return n
}

// killMidRun starts `measure` on dir up to attempts times and SIGKILLs
// each process once the store has grown past a random target between what
// it held and the full count (total), so every kill lands mid-run whatever
// the machine's speed. stored counts the records held; it returns the kills
// and how many left a partial store.
func killMidRun(t *testing.T, dir string, total, attempts int, r *rand.Rand, stored func() int) (kills, midRun int) {
	t.Helper()
	prev := 0
	for i := 0; i < attempts && prev < total*9/10; i++ {
		target := prev + 1 + r.IntN((total-prev)/3+1)
		cmd := cli("measure", "-study", dir)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
	poll:
		for {
			select {
			case <-exited:
				break poll
			case <-time.After(time.Millisecond):
				if storedLines(dir) >= target {
					cmd.Process.Signal(syscall.SIGKILL)
					kills++
					<-exited
					break poll
				}
			}
		}
		n := stored()
		if n > prev && n < total {
			midRun++
		}
		prev = n
	}
	return kills, midRun
}

func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the CLI as a subprocess several times")
	}
	ref := newStudy(t)
	start := time.Now()
	if out, err := cli("measure", "-study", ref).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	full := time.Since(start)
	want := records(t, ref)
	if len(want) < 1000 {
		t.Fatalf("reference run has only %d records", len(want))
	}

	dir := newStudy(t)
	r := rand.New(rand.NewPCG(1, 2))
	// Kill each resumed process once the store has grown past a random
	// target between what it held and the full count, so every kill lands
	// mid-run whatever the machine's speed.
	kills, midRun := killMidRun(t, dir, len(want), 8, r, func() int { return len(records(t, dir)) })
	if midRun < 3 {
		t.Errorf("only %d of %d kills landed mid-run; the test did not exercise resumption", midRun, kills)
	}
	partial := len(records(t, dir))
	if out, err := cli("measure", "-study", dir).CombinedOutput(); err != nil {
		t.Fatalf("final resume: %v\n%s", err, out)
	}
	got := records(t, dir)
	t.Logf("uninterrupted %v; %d kills, %d mid-run; %d of %d records before the final resume", full, kills, midRun, partial, len(want))
	for k, v := range want {
		if got[k] != v {
			t.Errorf("record %s differs or is missing:\n got %s\nwant %s", k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("extra record %s", k)
		}
	}
}

func TestCLIUsageErrors(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no command", nil, "no command"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"measure without study", []string{"measure"}, "-study is required"},
		{"missing study dir", []string{"measure", "-study", "/nonexistent/study"}, "study.yaml"},
		{"malformed concurrency", []string{"measure", "-study", "/nonexistent/study"}, "PREFSCOPE_CONCURRENCY"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("PREFSCOPE_STUDY", "")
			t.Setenv("PREFSCOPE_CONCURRENCY", "")
			if strings.Contains(c.name, "concurrency") {
				t.Setenv("PREFSCOPE_CONCURRENCY", "eight")
			}
			var out, errOut bytes.Buffer
			err := run(context.Background(), c.args, &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %v, want %q", err, c.wantErr)
			}
		})
	}
}

func TestStudyUnknownKeyNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	bad := strings.Replace(killStudy, "    kind: pre_revealed\n", "    kind: pre_revealed\n    sampels: 3\n", 1)
	if bad == killStudy {
		t.Fatal("test study changed: no line to insert the bad key after")
	}
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"measure", "-study", dir}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "study.yaml") || !strings.Contains(err.Error(), "line 9") || !strings.Contains(err.Error(), "sampels") {
		t.Fatalf("error %v, want one naming study.yaml, line 9 and the key", err)
	}
}

func TestActiveLearningPartAndFit(t *testing.T) {
	dir := t.TempDir()
	study := `name: al
model: {kind: synth, seed: 3}
tasks: {default: true}
seed: 2
parts:
  - name: fixed
    kind: pre_revealed
    tasks: {n: 40, seed: 1}
    templates: {sample: 2, seed: 1}
    pairs: {per_task: 6, seed: 1}
    samples: 1
    temperature: 1
  - name: learner
    kind: pre_revealed
    tasks: {n: 40, seed: 1}
    templates: {sample: 1, seed: 3}
    samples: 1
    temperature: 1
    active_learning: {strategy: info-gain, batch_size: 40, max_pairs: 160, max_comparisons: 200, seed: 5}
`
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(study), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"measure", "-study", dir}, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("measure: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "learner-t00: info-gain") {
		t.Fatalf("no active-learning line in:\n%s", out.String())
	}
	utilities := filepath.Join(dir, "active", "learner-t00", "utilities.csv")
	if _, err := os.Stat(utilities); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(utilities)
	// Resuming makes no new calls and reproduces the learner's fit.
	out.Reset()
	if err := run(context.Background(), []string{"measure", "-study", dir}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "(0 now)") {
		t.Errorf("resume made calls:\n%s", out.String())
	}
	if again, _ := os.ReadFile(utilities); !bytes.Equal(first, again) {
		t.Error("resumed active learning gave different utilities")
	}
	out.Reset()
	if err := run(context.Background(), []string{"fit", "-study", dir, "-parts", "fixed"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "fitted 2 runs") {
		t.Errorf("fit output:\n%s", out.String())
	}
	runs, _ := measure.ReadRuns(dir)
	fitted := 0
	for _, r := range runs {
		if _, err := os.Stat(filepath.Join(r.Dir, "utilities.csv")); err == nil {
			fitted++
		}
	}
	if fitted != 2 {
		t.Errorf("%d runs have utilities.csv, want 2", fitted)
	}
}

// PREFSCOPE_STUDY means the same directory to every command: relative to the
// repository root, as notebooks read it, whatever the working directory.
func TestStudyEnvResolvedAgainstRoot(t *testing.T) {
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PREFSCOPE_STUDY", "data/studies/default")
	t.Chdir(filepath.Join(root, "lib", "cmd")) // inside the repository, not at its root
	for _, cmd := range []string{"measure", "fit", "extract", "simulate"} {
		dir, err := studyDir(cmd, "", cmd == "simulate")
		if err != nil || dir != filepath.Join(root, "data", "studies", "default") {
			t.Errorf("%s: %q, %v; want the default study under %s", cmd, dir, err, root)
		}
	}
	wd, _ := os.Getwd()
	if dir, _ := studyDir("measure", "rel/study.yaml", false); dir != filepath.Join(wd, "rel") {
		t.Errorf("-study rel/study.yaml: %q, want %s (flags are relative to the working directory)", dir, filepath.Join(wd, "rel"))
	}
}

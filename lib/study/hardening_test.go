package study

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/template"
)

func writeStudy(t *testing.T, dir, yaml string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
}

const smallStudy = "name: s\nmodel: {kind: synth, seed: 1}\ntasks: {default: true}\nparts:\n  - {name: a, kind: pre_stated, tasks: {n: 6, seed: 1}, templates: {sample: 1, seed: 1, scale: 1-5}, samples: 2, temperature: 1}\n"

// Item 2: names that become paths are checked, with the key and line.
func TestStudyPathNames(t *testing.T) {
	head := "name: s\nmodel: {kind: synth}\ntasks: {default: true}\nparts:\n"
	cases := []struct{ name, body, want string }{
		{"part escapes", head + "  - {name: ../../outside/part, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1}\n", "line 5: key parts[0].name"},
		{"active part escapes", head + "  - {name: ok, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1}\n  - name: ../x\n    kind: pre_revealed\n    templates: {sample: 1}\n    samples: 1\n    active_learning: {strategy: paper}\n", "line 6: key parts[1].name"},
		{"separator", head + "  - {name: a/b, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1}\n", "parts[0].name"},
		{"dot dot inside", head + "  - {name: a..b, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1}\n", "parts[0].name"},
		{"hidden", head + "  - {name: .a, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1}\n", "parts[0].name"},
		{"study name", "name: ../s\nmodel: {kind: synth}\ntasks: {default: true}\nparts:\n  - {name: a, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1}\n", "line 1: key name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeStudy(t, dir, c.body)
			_, err := Load(dir)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "study.yaml") {
				t.Fatalf("error %v, want one naming study.yaml and %q", err, c.want)
			}
		})
	}
	for _, n := range []string{"..", ".", "", "../x", ".hidden"} {
		if got := layout.SafeName(n); got == "." || got == ".." || got == "" || strings.HasPrefix(got, ".") || strings.Contains(got, "/") {
			t.Errorf("SafeName(%q) = %q", n, got)
		}
	}
}

// Item 2: task and catalog files are found relative to the study, and a file
// that is not what it should be is reported by path without its contents.
func TestStudyFilesRelativeAndNotEchoed(t *testing.T) {
	dir := t.TempDir()
	secret := "hunter2-very-secret-token"
	files := map[string]string{
		"notes.txt":    "password: " + secret + "\n",
		"scalar.yaml":  secret + "\n",
		"keys.csv":     secret + ",x\n1,2\n",
		"origin.jsonl": `{"id": "x_1", "origin": "` + secret + `", "prompt": "a"}` + "\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	part := "parts:\n  - {name: a, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1}\n"
	for _, c := range []struct{ name, body, path string }{
		{"tasks", "name: s\nmodel: {kind: synth}\ntasks: {sources: [{path: notes.txt}]}\n" + part, "notes.txt"},
		{"csv header", "name: s\nmodel: {kind: synth}\ntasks: {sources: [{origin: bailbench, path: keys.csv}]}\n" + part, "keys.csv"},
		{"origin value", "name: s\nmodel: {kind: synth}\ntasks: {sources: [{path: origin.jsonl}]}\n" + part, "origin.jsonl"},
		{"catalog", "name: s\nmodel: {kind: synth}\ntasks: {default: true}\ncatalog: scalar.yaml\n" + part, "scalar.yaml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			writeStudy(t, dir, c.body)
			_, err := Open(dir, Options{})
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), filepath.Join(dir, c.path)) {
				t.Errorf("error does not name %s: %v", filepath.Join(dir, c.path), err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error echoes the file's contents: %v", err)
			}
		})
	}
}

// Item 3: every active-learning configuration stops; keys a strategy would
// ignore are refused when the study loads.
func TestActiveLearningBudgets(t *testing.T) {
	head := "name: s\nmodel: {kind: synth, seed: 1}\ntasks: {default: true}\nparts:\n"
	part := func(al string) string {
		return head + "  - {name: al, kind: pre_revealed, tasks: {n: 12, seed: 1}, templates: {sample: 1, seed: 1}, samples: 1, temperature: 1, active_learning: " + al + "}\n"
	}
	for _, c := range []struct{ al, want string }{
		{"{strategy: paper, max_pairs: 20}", "does not use max_pairs"},
		{"{strategy: reference-study, max_comparisons: 20}", "does not use max_comparisons"},
		{"{strategy: random, max_pairs: -1}", "must not be negative"},
		{"{strategy: info-gain, stop_spearman: 0.9}", "does not use stop_spearman"},
	} {
		dir := t.TempDir()
		writeStudy(t, dir, part(c.al))
		if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "active_learning") {
			t.Errorf("%s: error %v, want %q", c.al, err, c.want)
		}
	}
	for _, al := range []string{"{strategy: random, max_pairs: 20}", "{strategy: random, max_comparisons: 30, batch_size: 10}", "{strategy: info-gain, max_comparisons: 40}", "{strategy: paper, batch_size: 10}"} {
		t.Run(al, func(t *testing.T) {
			dir := t.TempDir()
			writeStudy(t, dir, part(al))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res, err := Run(ctx, dir, Options{})
			if err != nil {
				t.Fatalf("%v (a learner that does not stop runs into the deadline)", err)
			}
			if len(res.Active) != 1 || len(res.Active[0].Batches) > 40 {
				t.Fatalf("%d active results, %d batch runs", len(res.Active), len(res.Active[0].Batches))
			}
			if strings.Contains(al, "max_pairs: 20") {
				pairs := map[[2]string]bool{}
				for _, b := range res.Active[0].Batches {
					r, err := measure.ReadRun(b.Dir)
					if err != nil {
						t.Fatal(err)
					}
					for _, rec := range r.Records {
						// A pair counts once it has a choice (the learner's
						// measure of progress).
						if rec.Outcome == template.OutcomeChoice {
							pairs[[2]string{rec.TaskA, rec.TaskB}] = true
						}
					}
				}
				if len(pairs) > 20 {
					t.Errorf("%d distinct pairs, max_pairs is 20", len(pairs))
				}
			}
		})
	}
}

// Item 4: the same task ID from two sources is an error naming both.
func TestDuplicateTaskAcrossSources(t *testing.T) {
	dir := t.TempDir()
	writeStudy(t, dir, "name: s\nmodel: {kind: synth}\ntasks: {default: true, sources: [{format: default}]}\nparts:\n  - {name: a, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1}\n")
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.LoadTasks()
	if err == nil || !strings.Contains(err.Error(), "tasks.default") || !strings.Contains(err.Error(), "tasks.sources[0]") {
		t.Fatalf("error %v, want one naming tasks.default and tasks.sources[0]", err)
	}
	if _, err := Run(context.Background(), dir, Options{}); err == nil {
		t.Fatal("Run accepted duplicate task IDs")
	}
	if _, err := os.Stat(filepath.Join(dir, "runs")); err == nil {
		t.Error("runs were written for a study with duplicate task IDs")
	}
}

// Item 5: an edited prompt is a new call, and the old answers are counted
// as no longer matching.
func TestEditedPromptIsNewCall(t *testing.T) {
	dir := t.TempDir()
	writeTasks := func(prompt string) {
		lines := ""
		for i := 0; i < 4; i++ {
			p := fmt.Sprintf("Write a haiku about the number %d.", i)
			if i == 2 {
				p = prompt
			}
			lines += fmt.Sprintf("{\"id\": \"alpaca_%d\", \"origin\": \"alpaca\", \"prompt\": %q}\n", i, p)
		}
		if err := os.WriteFile(filepath.Join(dir, "tasks.jsonl"), []byte(lines), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeTasks("Explain tides.")
	writeStudy(t, dir, "name: s\nmodel: {kind: synth, seed: 3}\ntasks: {sources: [{path: tasks.jsonl}]}\nparts:\n"+
		"  - {name: pre, kind: pre_stated, templates: {sample: 1, seed: 1, scale: 1-5}, samples: 2, temperature: 1}\n"+
		"  - {name: post, kind: post_stated, templates: {sample: 1, seed: 1, scale: 1-5}, samples: 1, temperature: 1, completion_temperature: 1}\n")
	first, err := Run(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	again, err := Run(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range again.Summaries {
		if s.RunID != first.Summaries[i].RunID || s.Cached != s.Total || again.StaleRecords != 0 {
			t.Fatalf("unchanged study: run %s -> %s, %d of %d cached, %d stale", first.Summaries[i].RunID, s.RunID, s.Cached, s.Total, again.StaleRecords)
		}
	}
	writeTasks("Explain tides, as a pirate would.")
	edited, err := Run(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for i, s := range edited.Summaries {
		stored += first.Summaries[i].Total
		if s.RunID == first.Summaries[i].RunID || s.Cached != 0 || s.Done != s.Total {
			t.Errorf("edited prompt: run %s -> %s, %d cached, %d done of %d", first.Summaries[i].RunID, s.RunID, s.Cached, s.Done, s.Total)
		}
	}
	if edited.StaleRuns != len(first.Summaries) || edited.StaleRecords != stored {
		t.Errorf("%d stale runs with %d records, want %d and %d", edited.StaleRuns, edited.StaleRecords, len(first.Summaries), stored)
	}
	// The post-task run completed the edited prompt anew.
	runs, _, err := CurrentRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 {
		t.Fatalf("%d current runs", len(runs))
	}
}

// Item 6: sizes are bounded before anything is allocated, with the count.
func TestStudySizeLimits(t *testing.T) {
	head := "name: s\nmodel: {kind: synth}\ntasks: {default: true}\nparts:\n"
	many := "name: s\nmodel: {kind: synth}\ntasks:\n  sources:\n" + strings.Repeat("    - {format: default}\n", 2000) + "parts:\n  - {name: a, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1}\n"
	huge := "name: s\nmodel: {kind: synth}\ntasks:\n  sources:\n" + strings.Repeat("    - {format: default}\n", 60000) + "parts:\n  - {name: a, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1}\n"
	for _, c := range []struct{ name, body, want string }{
		{"samples", head + "  - {name: a, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 100000000}\n", "limit"},
		{"calls", head + "  - {name: a, kind: pre_revealed, templates: {sample: 4}, pairs: {dense: true}, samples: 400}\n", "calls per run"},
		{"study calls", head + "  - {name: a, kind: pre_revealed, templates: {sample: 40}, pairs: {dense: true}, samples: 9}\n", "per study"},
		{"negative n", head + "  - {name: a, kind: pre_stated, tasks: {n: -5}, templates: {sample: 1, scale: 1-5}, samples: 1}\n", "line 5: key parts[0].tasks.n"},
		{"per_task", head + "  - {name: a, kind: pre_revealed, templates: {sample: 1}, pairs: {per_task: 1000000000}, samples: 1}\n", "per_task"},
		{"many sources", many, "limit of 64"},
		{"huge file", huge, "bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeStudy(t, dir, c.body)
			_, err := Run(context.Background(), dir, Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "runs")); err == nil {
				t.Error("runs were written")
			}
		})
	}
}

// Item 6: a cancelled context stops loading.
func TestOpenStopsOnCancel(t *testing.T) {
	dir := t.TempDir()
	writeStudy(t, dir, smallStudy)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := OpenContext(ctx, dir, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if _, err := Run(ctx, dir, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: error %v, want context.Canceled", err)
	}
}

// Item 6: a prompt that is not UTF-8 is an error naming the task.
func TestInvalidUTF8Prompt(t *testing.T) {
	dir := t.TempDir()
	// CSV keeps the bytes as they are (JSON decoding replaces invalid
	// bytes with U+FFFD before the study sees them).
	if err := os.WriteFile(filepath.Join(dir, "bail.csv"), []byte("content,subcategory,category\nfine prompt,a,b\n\"bad \xff\xfe bytes\",a,b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeStudy(t, dir, "name: s\nmodel: {kind: synth}\ntasks: {sources: [{origin: bailbench, path: bail.csv}]}\nparts:\n  - {name: a, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1}\n")
	_, err := Run(context.Background(), dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "bailbench_1") || !strings.Contains(err.Error(), "UTF-8") {
		t.Fatalf("error %v, want one naming bailbench_1 and UTF-8", err)
	}
}

// Item 6: records whose key is not a call of the run are set aside on
// resume and reported, not kept.
func TestForeignRecordsSetAside(t *testing.T) {
	dir := t.TempDir()
	writeStudy(t, dir, smallStudy)
	res, err := Run(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(res.Summaries[0].Dir, "measurements.jsonl")
	b, err := os.ReadFile(store)
	if err != nil {
		t.Fatal(err)
	}
	foreign := strings.Replace(strings.SplitN(string(b), "\n", 2)[0], `"key":"`, `"key":"nosuchtask|`, 1)
	if err := os.WriteFile(store, append(b, foreign+"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	res, err = Run(context.Background(), dir, Options{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summaries[0]
	if s.Rejected != 1 || s.Cached != s.Total || !strings.Contains(log.String(), "rejected") {
		t.Fatalf("rejected %d, cached %d of %d; log %q", s.Rejected, s.Cached, s.Total, log.String())
	}
	run, err := measure.ReadRun(s.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Records) != s.Total {
		t.Errorf("%d records kept, want %d", len(run.Records), s.Total)
	}
	if aside, _ := os.ReadFile(store + ".rejected"); strings.TrimSpace(string(aside)) != foreign {
		t.Errorf("rejected file holds %q", aside)
	}
}

// Items 1 and 6: one writer per study; a finished study is read without
// the lock, so it needs no write access.
func TestStudyLock(t *testing.T) {
	dir := t.TempDir()
	writeStudy(t, dir, smallStudy)
	lock, err := measure.WriteLock(context.Background(), dir, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), dir, Options{})
	if !errors.Is(err, measure.ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Fatalf("second writer: error %v, want ErrLocked naming pid %d", err, os.Getpid())
	}
	// Waiting: the run goes ahead once the holder lets go.
	go func() { time.Sleep(200 * time.Millisecond); lock.Unlock() }()
	res, err := Run(context.Background(), dir, Options{Wait: true})
	if err != nil || res.Summaries[0].Done != res.Summaries[0].Total {
		t.Fatalf("waiting writer: %v", err)
	}
	// Finished: readable while someone else holds the lock.
	lock, err = measure.WriteLock(context.Background(), dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()
	res, err = Run(context.Background(), dir, Options{})
	if err != nil || res.Summaries[0].Cached != res.Summaries[0].Total {
		t.Fatalf("finished study under another's lock: %v", err)
	}
}

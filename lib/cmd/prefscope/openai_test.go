package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prefscope/prefscope/lib/internal/synthtest"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/openai/fakeserver"
)

// The served-model tests run a study against the fake chat-completions
// server, answering with the same simulated respondent as a synth study,
// so every record can be checked against an uninterrupted synth run.

const (
	servedKeyEnv = "SERVED_TEST_API_KEY"
	servedKey    = "sk-served-test-5f3a9c1e7b2d"
	// attemptTimeout is the client's per-attempt timeout in these studies.
	attemptTimeout = 300 * time.Millisecond
)

const servedParts = `seed: 5
concurrency: 32
parts:
  - name: revealed
    kind: pre_revealed
    tasks: {n: 40, seed: 2}
    templates: {sample: 2, seed: 1}
    pairs: {per_task: 6, seed: 4}
    samples: 2
    temperature: 1
  - name: post
    kind: post_stated
    tasks: {n: 24, seed: 3}
    templates: {sample: 2, seed: 2, scale: good_neutral_bad}
    samples: 2
    temperature: 1
    completion_temperature: 1
`

func writeStudy(t *testing.T, modelLine string) string {
	t.Helper()
	dir := t.TempDir()
	body := "name: served\n" + modelLine + "\ntasks: {default: true}\n" + servedParts
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func servedStudy(t *testing.T, urls ...string) string {
	return writeStudy(t, fmt.Sprintf("model: {kind: openai, name: synth-served, base_urls: [%s], api_key_env: %s, attempt_timeout: %v, max_retry_after: 2s}",
		strings.Join(urls, ", "), servedKeyEnv, attemptTimeout))
}

// referenceRecords runs the synth study the fake server imitates and
// returns its records keyed by part, template and call.
func referenceRecords(t *testing.T) map[string]string {
	t.Helper()
	dir := writeStudy(t, "model: {kind: synth, seed: 99}")
	if err := run(context.Background(), []string{"measure", "-study", dir}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	return recordsByCall(t, dir)
}

// recordsByCall reads a study's records keyed by part/template/call,
// without what differs between executions (latency, attempts, usage).
func recordsByCall(t *testing.T, dir string) map[string]string {
	t.Helper()
	runs, err := measure.ReadRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range runs {
		for _, rec := range r.Records {
			rec.LatencyMS, rec.Attempts, rec.PromptTokens, rec.CompletionTokens = 0, 0, 0, 0
			k := r.File.Config.Part + "/" + r.File.Config.Template.ID() + "/" + rec.Key
			if _, dup := out[k]; dup {
				t.Errorf("duplicate record %s", k)
			}
			b, _ := json.Marshal(rec)
			out[k] = string(b)
		}
	}
	return out
}

// errorKeys reads every run's errors.jsonl as part/template/call -> entries.
func errorKeys(t *testing.T, dir string) map[string][]map[string]any {
	t.Helper()
	runs, err := measure.ReadRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]map[string]any{}
	for _, r := range runs {
		f, err := os.Open(filepath.Join(r.Dir, "errors.jsonl"))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var e map[string]any
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatal(err)
			}
			k := r.File.Config.Part + "/" + r.File.Config.Template.ID() + "/" + fmt.Sprint(e["key"])
			out[k] = append(out[k], e)
		}
		f.Close()
	}
	return out
}

// respondent is the synth model the reference study uses (seed 99).
func respondent(t testing.TB) (model.Model, map[string]bool) {
	fx := synthtest.New(t, 99)
	prompts := map[string]bool{}
	for _, tk := range fx.Tasks {
		prompts[tk.Prompt] = true
	}
	return fx.Model, prompts
}

// faults plants 10% transient faults of every kind, and a permanent 400
// for every 40th measurement request (by body hash) until healed.
type faults struct {
	mu        sync.Mutex
	rng       *rand.Rand
	prompts   map[string]bool
	healed    bool
	permanent map[string]int // body hash -> requests sent while failing
}

func (f *faults) decide(hash string, seen int, req model.Request) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	completion := len(req.Messages) == 1 && f.prompts[req.Messages[0].Content]
	if !f.healed && !completion && hash[len(hash)-2:] < "07" {
		f.permanent[hash]++
		return "400"
	}
	if f.rng.Float64() < 0.10 {
		kinds := []string{"429", "500", "503", fakeserver.Drop, fakeserver.Hang, fakeserver.Malformed, fakeserver.Truncate}
		return kinds[f.rng.IntN(len(kinds))]
	}
	return ""
}

// watchdog fails the test if neither a record nor an error lands in dir for
// several attempt timeouts while a run is going; stop it when the run ends.
func watchdog(t *testing.T, dir string, cancel func()) (stop func()) {
	done := make(chan struct{})
	go func() {
		last, at := -1, time.Now()
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
			n := storedLines(dir) + errorLines(dir)
			if n != last {
				last, at = n, time.Now()
			} else if time.Since(at) > 20*attemptTimeout {
				t.Errorf("stall: nothing stored for %v (20 attempt timeouts) after %d lines", time.Since(at).Round(time.Millisecond), n)
				cancel()
				return
			}
		}
	}()
	return func() { close(done) }
}

func errorLines(dir string) int {
	files, _ := filepath.Glob(filepath.Join(dir, "runs", "*", "errors.jsonl"))
	n := 0
	for _, f := range files {
		b, _ := os.ReadFile(f)
		n += bytes.Count(b, []byte{'\n'})
	}
	return n
}

// noKeyIn fails if the API key is in any file under dir.
func noKeyIn(t *testing.T, dir string) {
	t.Helper()
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			if b, _ := os.ReadFile(path); bytes.Contains(b, []byte(servedKey)) {
				t.Errorf("%s holds the API key", path)
			}
		}
		return nil
	})
}

func TestServedStudyUnderFaults(t *testing.T) {
	want := referenceRecords(t)
	m, prompts := respondent(t)
	f := &faults{rng: rand.New(rand.NewPCG(7, 8)), prompts: prompts, permanent: map[string]int{}}
	fs := fakeserver.Start(fakeserver.Config{Model: m, APIKey: servedKey, EchoAuth: true, Latency: 3 * time.Millisecond, Spread: 0.5,
		RetryAfter: "0.1", Decide: f.decide})
	defer fs.Close()
	t.Setenv(servedKeyEnv, servedKey)
	dir := servedStudy(t, fs.URL())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := watchdog(t, dir, cancel)
	var out bytes.Buffer
	err := run(ctx, []string{"measure", "-study", dir}, &out, &bytes.Buffer{})
	stop()
	if err == nil || !strings.Contains(err.Error(), "calls failed") {
		t.Fatalf("first run: error %v, want the permanent failures reported\n%s", err, out.String())
	}
	got, failed := recordsByCall(t, dir), errorKeys(t, dir)
	if len(f.permanent) == 0 {
		t.Fatal("no permanent fault was planted")
	}
	for h, n := range f.permanent {
		if n != 1 {
			t.Errorf("request %s answered 400 was sent %d times", h, n)
		}
	}
	if len(failed) != len(f.permanent) {
		t.Errorf("%d calls in errors.jsonl, %d requests failed permanently", len(failed), len(f.permanent))
	}
	for k, es := range failed {
		if _, ok := got[k]; ok || len(es) != 1 {
			t.Errorf("call %s: %d error entries, stored %v; want exactly one of them", k, len(es), ok)
		}
		if msg := fmt.Sprint(es[0]["error"]); es[0]["retryable"] != false || es[0]["attempts"] != 1.0 || !strings.Contains(msg, "400") || !strings.Contains(msg, "Bearer [redacted]") {
			t.Errorf("call %s error entry %v: want one attempt, not retryable, the status and the echoed key redacted", k, es[0])
		}
	}
	if len(got)+len(failed) != len(want) {
		t.Errorf("%d stored + %d failed, want %d calls", len(got), len(failed), len(want))
	}
	hits := fs.Hits()
	faulted := 0
	for _, h := range hits {
		if h.Fault != "" && h.Fault != "400" {
			faulted++
		}
	}
	t.Logf("first run: %d requests, %d transient faults, %d permanent; %d stored, %d failed", len(hits), faulted, len(f.permanent), len(got), len(failed))

	// The server is fixed: a resume retries exactly the failed calls.
	f.mu.Lock()
	f.healed = true
	f.mu.Unlock()
	stop = watchdog(t, dir, cancel)
	err = run(ctx, []string{"measure", "-study", dir}, &out, &bytes.Buffer{})
	stop()
	if err != nil {
		t.Fatalf("resume: %v\n%s", err, out.String())
	}
	got = recordsByCall(t, dir)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("record %s differs from the synth run or is missing:\n got %s\nwant %s", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d records, want %d", len(got), len(want))
	}
	// Retried calls record every request they cost.
	runs, _ := measure.ReadRuns(dir)
	attempts := 0
	for _, r := range runs {
		for _, rec := range r.Records {
			attempts += rec.Attempts
			if rec.PromptTokens == 0 {
				t.Errorf("record %s has no usage", rec.Key)
				break
			}
		}
	}
	if attempts <= len(want) {
		t.Errorf("records count %d attempts for %d calls under 10%% faults", attempts, len(want))
	}
	noKeyIn(t, dir)
}

func TestServedBadBaseURLFailsAtLoad(t *testing.T) {
	dir := writeStudy(t, `model: {kind: openai, name: m, base_url: "not a url"}`)
	err := run(context.Background(), []string{"measure", "-study", dir}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "base_url") || !strings.Contains(err.Error(), "not a url") {
		t.Fatalf("error %v, want one naming model.base_url", err)
	}
	runs, _ := filepath.Glob(filepath.Join(dir, "runs", "*"))
	if len(runs) != 0 {
		t.Errorf("runs started despite the bad URL: %v", runs)
	}
	dir = writeStudy(t, `model: {kind: openai, name: m, base_url: "http://localhost:1/v1", api_key_env: SERVED_TEST_UNSET_KEY}`)
	if err := run(context.Background(), []string{"measure", "-study", dir}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "SERVED_TEST_UNSET_KEY") {
		t.Fatalf("error %v, want one naming the unset key variable", err)
	}
}

// TestServedKillAndResume SIGKILLs the CLI mid-run against the fake
// server (5% transient faults) several times, then resumes to the end: the
// records match an uninterrupted synth run, none lost or duplicated.
func TestServedKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the CLI as a subprocess several times")
	}
	want := referenceRecords(t)
	m, _ := respondent(t)
	fs := fakeserver.Start(fakeserver.Config{Model: m, APIKey: servedKey, Latency: 5 * time.Millisecond, Spread: 0.5,
		RetryAfter: "0.1", FaultRate: 0.05, Seed: 3})
	defer fs.Close()
	t.Setenv(servedKeyEnv, servedKey)
	dir := servedStudy(t, fs.URL())
	r := rand.New(rand.NewPCG(3, 4))
	kills, midRun := killMidRun(t, dir, len(want), 6, r, func() int { return len(recordsByCall(t, dir)) })
	if midRun < 3 {
		t.Errorf("only %d of %d kills landed mid-run", midRun, kills)
	}
	if out, err := cli("measure", "-study", dir).CombinedOutput(); err != nil {
		t.Fatalf("final resume: %v\n%s", err, out)
	}
	got := recordsByCall(t, dir)
	t.Logf("%d kills, %d mid-run; %d requests at the server for %d calls", kills, midRun, len(fs.Hits()), len(want))
	for k, v := range want {
		if got[k] != v {
			t.Errorf("record %s differs or is missing:\n got %s\nwant %s", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d records, want %d", len(got), len(want))
	}
	noKeyIn(t, dir)
}

// TestServedDeadServerGivesUp: the server answers a first share of the
// calls and then fails every request. The run stops with a clear error once
// the breaker has been open for give_up_after, instead of each remaining
// call waiting out its call deadline; what was stored is kept, and once the
// server is back the study resumes to the records of an uninterrupted run.
func TestServedDeadServerGivesUp(t *testing.T) {
	want := referenceRecords(t)
	m, _ := respondent(t)
	var answered, dead atomic.Int64
	dead.Store(1)
	fs := fakeserver.Start(fakeserver.Config{Model: m, APIKey: servedKey, Latency: time.Millisecond,
		Decide: func(string, int, model.Request) string {
			if answered.Load() >= int64(len(want)/3) && dead.Load() == 1 {
				return fakeserver.Drop
			}
			answered.Add(1)
			return ""
		}})
	defer fs.Close()
	t.Setenv(servedKeyEnv, servedKey)
	dir := writeStudy(t, fmt.Sprintf("model: {kind: openai, name: synth-served, base_url: %s, api_key_env: %s, attempt_timeout: %v, give_up_after: 300ms}",
		fs.URL(), servedKeyEnv, attemptTimeout))
	err := run(context.Background(), []string{"measure", "-study", dir}, &bytes.Buffer{}, &bytes.Buffer{})
	if !errors.Is(err, model.ErrUnavailable) || !strings.Contains(err.Error(), "give_up_after") || !strings.Contains(err.Error(), "next run resumes") {
		t.Fatalf("dead server: error %v; want model.ErrUnavailable naming give_up_after and saying a rerun resumes", err)
	}
	kept := recordsByCall(t, dir)
	if len(kept) == 0 || len(kept) >= len(want) {
		t.Fatalf("%d records kept of %d; want the ones answered before the server died", len(kept), len(want))
	}
	for k, v := range kept {
		if want[k] != v {
			t.Errorf("kept record %s differs from the synth run", k)
		}
	}
	if n := errorLines(dir); n != 0 {
		t.Errorf("%d calls logged as failed: the server's death is not theirs", n)
	}
	dead.Store(0)
	if err := run(context.Background(), []string{"measure", "-study", dir}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatalf("resume: %v", err)
	}
	if got := recordsByCall(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("after resuming: %d records, want the %d of the synth run", len(got), len(want))
	}
	noKeyIn(t, dir)
}

// TestServingIsNotRunIdentity: where a served model runs and how hard it
// is pushed do not change run ids, so adding a server resumes the runs.
func TestServingIsNotRunIdentity(t *testing.T) {
	a := measure.RunConfig{Part: "p", Model: model.Spec{Kind: "openai", Name: "llama-3.1-8b"}}
	b := a
	b.Model.BaseURL = "http://a:8000/v1"
	b.Model.BaseURLs = model.NewURLList("http://b:8000/v1")
	b.Model.APIKeyEnv, b.Model.AttemptTimeout, b.Model.MaxConcurrency = "K", time.Minute, 64
	c := a
	c.Model.Name = "other"
	if a.ID() != b.ID() || a.ID() == c.ID() {
		t.Errorf("ids %s %s %s: serving fields must not count, the model name must", a.ID(), b.ID(), c.ID())
	}
}

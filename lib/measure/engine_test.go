package measure

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// countingModel wraps a model, counts completion requests (bare task turns)
// and can fail the first calls of each request to exercise retries.
type countingModel struct {
	model.Model
	completions atomic.Int64
	calls       atomic.Int64
	failFirst   int // fail this many attempts of every request
	failAlways  string
	// giveUp makes failAlways errors permanent, as from a model that
	// retried 5 times itself.
	giveUp   bool
	mu       sync.Mutex
	attempts map[string]int
	tasks    map[string]bool
}

func (c *countingModel) Chat(ctx context.Context, req model.Request) (model.Response, error) {
	c.calls.Add(1)
	last := req.Messages[len(req.Messages)-1].Content
	if len(req.Messages) == 1 && c.tasks[last] {
		c.completions.Add(1)
	}
	if c.failAlways != "" && strings.Contains(last, c.failAlways) {
		if c.giveUp {
			return model.Response{}, &model.Error{Err: errors.New("server fault: 503 (gave up)"), Attempts: 5}
		}
		return model.Response{}, errors.New("server fault: 503")
	}
	if c.failFirst > 0 {
		c.mu.Lock()
		k := fmt.Sprint(len(req.Messages), last, req.Seed)
		c.attempts[k]++
		n := c.attempts[k]
		c.mu.Unlock()
		if n <= c.failFirst {
			return model.Response{}, errors.New("server fault: 429")
		}
	}
	return c.Model.Chat(ctx, req)
}

func setup(t *testing.T) (*countingModel, *template.Catalog, []task.Task, map[string]task.Task) {
	t.Helper()
	tasks, err := task.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := template.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	sm, err := synth.New(synth.Options{Seed: 1, Tasks: tasks, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]task.Task{}
	texts := map[string]bool{}
	for _, tk := range tasks {
		byID[tk.ID] = tk
		texts[tk.Prompt] = true
	}
	return &countingModel{Model: sm, attempts: map[string]int{}, tasks: texts}, cat, tasks, byID
}

func ids(tasks []task.Task, n int) []string {
	var out []string
	for i := 0; i < len(tasks) && len(out) < n; i += len(tasks) / n {
		out = append(out, tasks[i].ID)
	}
	return out
}

func TestEngineRunsAndResumes(t *testing.T) {
	m, cat, tasks, byID := setup(t)
	tp := cat.Generate(template.PreRevealed, "")[0]
	tp.Fields.TaskOrder = template.OrderRandom
	x := ids(tasks, 20)
	cfg := RunConfig{Part: "t", Model: model.Spec{Kind: "synth", Seed: 1}, Template: tp, Tasks: x, Pairs: allPairs(x), Samples: 2, Temperature: 1, Seed: 3}
	eng := &Engine{Model: m, Catalog: cat, Tasks: byID, Concurrency: 4}
	dir := t.TempDir()
	sum, err := eng.Run(context.Background(), dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total != 190*2 || sum.Done != sum.Total || sum.Cached != 0 {
		t.Fatalf("summary %+v", sum)
	}
	if r := sum.ParseRate(); r < 0.9 {
		t.Errorf("parse rate %.3f", r)
	}
	run, err := ReadRun(sum.Dir)
	if err != nil {
		t.Fatal(err)
	}
	swapped := 0
	for _, rec := range run.Records {
		if rec.Shown[0] != rec.TaskA {
			swapped++
		}
		if rec.Outcome == template.OutcomeChoice && rec.Winner != rec.TaskA && rec.Winner != rec.TaskB {
			t.Fatalf("record %s: winner %q is not in the pair", rec.Key, rec.Winner)
		}
	}
	// Random order per pair: about half the pairs are shown reversed.
	if swapped < 100 || swapped > 280 {
		t.Errorf("%d of 380 calls shown reversed under random task order", swapped)
	}
	again, err := eng.Run(context.Background(), dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if again.Done != 0 || again.Cached != sum.Total {
		t.Errorf("second run %+v, want everything cached", again)
	}
	counts := run.PairCounts()
	if len(counts) != 190 {
		t.Errorf("%d pairs counted, want 190", len(counts))
	}
}

func TestEngineRetriesAndLogsFailures(t *testing.T) {
	m, cat, tasks, byID := setup(t)
	m.failFirst = 2
	m.failAlways = byID["math_002"].Prompt[:30]
	tp := cat.Generate(template.PreStated, "1-5")[0]
	x := []string{"math_001", "math_002", "alpaca_001"}
	_ = tasks
	cfg := RunConfig{Part: "r", Template: tp, Tasks: x, Samples: 3, Temperature: 1, Seed: 1}
	eng := &Engine{Model: m, Catalog: cat, Tasks: byID, Retries: 3, RetryDelay: time.Millisecond}
	dir := t.TempDir()
	sum, err := eng.Run(context.Background(), dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Done != 6 || sum.Failed != 3 {
		t.Fatalf("summary %+v, want 6 done and 3 failed", sum)
	}
	b, _ := os.ReadFile(filepath.Join(sum.Dir, "errors.jsonl"))
	if strings.Count(string(b), "\n") != 3 || !strings.Contains(string(b), "math_002|0") {
		t.Errorf("errors.jsonl = %s", b)
	}
	run, _ := ReadRun(sum.Dir)
	for _, r := range run.Records {
		if r.Attempts != 3 {
			t.Errorf("record %s took %d attempts, want 3 (two planted failures)", r.Key, r.Attempts)
		}
	}
	// The server recovers: a resume completes only the failed calls.
	m.failAlways = ""
	again, err := eng.Run(context.Background(), dir, cfg)
	if err != nil || again.Done != 3 || again.Cached != 6 {
		t.Fatalf("resume %+v, %v", again, err)
	}
}

func TestEngineRecordsPermanentErrorsAtOnce(t *testing.T) {
	m, cat, _, byID := setup(t)
	m.failAlways, m.giveUp = byID["math_002"].Prompt[:30], true
	tp := cat.Generate(template.PreStated, "1-5")[0]
	cfg := RunConfig{Part: "r", Template: tp, Tasks: []string{"math_001", "math_002"}, Samples: 3, Temperature: 1, Seed: 1}
	eng := &Engine{Model: m, Catalog: cat, Tasks: byID, Retries: 3, RetryDelay: time.Millisecond}
	sum, err := eng.Run(context.Background(), t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Done != 3 || sum.Failed != 3 || m.calls.Load() != 6 {
		t.Fatalf("summary %+v after %d calls, want 3 done, 3 failed, 6 calls (no retry of a permanent error)", sum, m.calls.Load())
	}
	b, _ := os.ReadFile(filepath.Join(sum.Dir, "errors.jsonl"))
	if strings.Count(string(b), `"attempts":5`) != 3 || strings.Count(string(b), `"retryable":false`) != 3 {
		t.Errorf("errors.jsonl should give the model's 5 attempts and retryable false for each failure:\n%s", b)
	}
}

func TestCompletionsAreCachedAcrossRuns(t *testing.T) {
	m, cat, _, byID := setup(t)
	x := []string{"math_001", "alpaca_001", "wildchat_001", "bailbench_001"}
	study := t.TempDir()
	cache, err := OpenCompletionCache(study, m.Name())
	if err != nil {
		t.Fatal(err)
	}
	eng := &Engine{Model: m, Catalog: cat, Tasks: byID, Completions: cache}
	rating := RunConfig{Part: "post-rating", Template: cat.Generate(template.PostStated, "good_neutral_bad")[0], Tasks: x, Samples: 2, Temperature: 1, Seed: 1, CompletionSeed: 10, CompletionTemperature: 1}
	if _, err := eng.Run(context.Background(), filepath.Join(study, "runs"), rating); err != nil {
		t.Fatal(err)
	}
	// 4 tasks x 2 completion seeds.
	if got := m.completions.Load(); got != 8 {
		t.Errorf("%d completions after the rating run, want 8", got)
	}
	choice := RunConfig{Part: "post-choice", Template: cat.Generate(template.PostRevealed, "")[0], Tasks: x, Pairs: allPairs(x), Samples: 2, Temperature: 1, Seed: 2, CompletionSeed: 10, CompletionTemperature: 1}
	if _, err := eng.Run(context.Background(), filepath.Join(study, "runs"), choice); err != nil {
		t.Fatal(err)
	}
	if got := m.completions.Load(); got != 8 {
		t.Errorf("%d completions after the choice run, want still 8 (reused)", got)
	}
	cache.Close()
	reopened, err := OpenCompletionCache(study, m.Name())
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	if reopened.Len() != 8 {
		t.Errorf("reopened cache holds %d completions, want 8", reopened.Len())
	}
}

func TestRunConfigValidate(t *testing.T) {
	tp := template.Template{Kind: template.PreRevealed}
	cases := []struct {
		name string
		cfg  RunConfig
		want string
	}{
		{"no pairs", RunConfig{Part: "a", Template: tp, Samples: 1}, "needs pairs"},
		{"self pair", RunConfig{Part: "a", Template: tp, Samples: 1, Pairs: [][2]string{{"x", "x"}}}, "not two distinct"},
		{"no samples", RunConfig{Part: "a", Template: tp, Pairs: [][2]string{{"x", "y"}}}, "samples"},
		{"stated without scale", RunConfig{Part: "a", Template: template.Template{Kind: template.PreStated}, Tasks: []string{"x"}, Samples: 1}, "scale"},
		{"unknown kind", RunConfig{Part: "a", Template: template.Template{Kind: "sideways"}, Samples: 1}, "unknown kind"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

// batchingModel answers ChatBatch by asking the wrapped model one by one,
// and counts the batches.
type batchingModel struct {
	model.Model
	batches, largest atomic.Int64
}

func (b *batchingModel) ChatBatch(ctx context.Context, reqs []model.Request) ([]model.Response, error) {
	b.batches.Add(1)
	if n := int64(len(reqs)); n > b.largest.Load() {
		b.largest.Store(n)
	}
	out := make([]model.Response, len(reqs))
	for i, r := range reqs {
		var err error
		if out[i], err = b.Model.Chat(ctx, r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func TestEngineBatchesForBatchModels(t *testing.T) {
	m, cat, tasks, byID := setup(t)
	tp := cat.Generate(template.PostRevealed, "")[2]
	x := ids(tasks, 12)
	cfg := RunConfig{Part: "b", Template: tp, Tasks: x, Pairs: allPairs(x), Samples: 1, Temperature: 1, Seed: 4, CompletionSeed: 1, CompletionTemperature: 1}
	plain := &Engine{Model: m, Catalog: cat, Tasks: byID, Concurrency: 3}
	sum, err := plain.Run(context.Background(), t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	bm := &batchingModel{Model: m}
	batched := &Engine{Model: bm, Catalog: cat, Tasks: byID, Concurrency: 2, BatchSize: 8}
	bsum, err := batched.Run(context.Background(), t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64((sum.Total + 7) / 8); bm.batches.Load() != want || bm.largest.Load() != 8 {
		t.Errorf("%d batches (largest %d) for %d calls, want %d of at most 8", bm.batches.Load(), bm.largest.Load(), sum.Total, want)
	}
	a, _ := ReadRun(sum.Dir)
	b, _ := ReadRun(bsum.Dir)
	byKey := map[string]Record{}
	for _, r := range a.Records {
		byKey[r.Key] = r
	}
	if len(b.Records) != len(a.Records) {
		t.Fatalf("%d batched records, %d plain", len(b.Records), len(a.Records))
	}
	for _, r := range b.Records {
		p := byKey[r.Key]
		if r.Raw != p.Raw || r.Outcome != p.Outcome || r.Winner != p.Winner {
			t.Errorf("call %s: batched %q (%s) vs plain %q (%s)", r.Key, r.Raw, r.Outcome, p.Raw, p.Outcome)
		}
	}
}

// allPairs is every pair of ids in canonical order (study.PairSpec's dense
// graph, which lib/measure does not import).
func allPairs(ids []string) [][2]string {
	var out [][2]string
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			out = append(out, [2]string{ids[i], ids[j]})
		}
	}
	return out
}

func TestParseRatesRejectsMismatchedLists(t *testing.T) {
	cfg := RunConfig{Template: template.Template{Kind: template.PreRevealed}}
	if _, err := ParseRates([]RunConfig{cfg, cfg}, []Summary{{}}); err == nil {
		t.Fatal("2 configs, 1 summary: want an error")
	}
	rates, err := ParseRates([]RunConfig{cfg}, []Summary{{Outcomes: map[template.Outcome]int{template.OutcomeChoice: 3, template.OutcomeRefusal: 1}}})
	if err != nil || len(rates) == 0 || rates[0].Records != 4 || rates[0].Parsed != 3 || rates[0].Refusals != 1 {
		t.Fatalf("rates %+v, err %v", rates, err)
	}
}

// The store keeps records in the order calls finished; ReadRun gives them in
// key order, so two runs of one config read back identically whatever the
// concurrency.
func TestReadRunOrderDoesNotDependOnConcurrency(t *testing.T) {
	m, cat, tasks, byID := setup(t)
	tp := cat.Generate(template.PreRevealed, "")[0]
	x := ids(tasks, 12)
	cfg := RunConfig{Part: "t", Template: tp, Tasks: x, Pairs: allPairs(x), Samples: 2, Temperature: 1, Seed: 5}
	var got [][]string
	for _, conc := range []int{1, 8} {
		eng := &Engine{Model: m, Catalog: cat, Tasks: byID, Concurrency: conc}
		sum, err := eng.Run(context.Background(), t.TempDir(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		run, err := ReadRun(sum.Dir)
		if err != nil {
			t.Fatal(err)
		}
		var keys, outcomes []string
		for _, r := range run.Records {
			keys = append(keys, r.Key)
			outcomes = append(outcomes, r.Key+"="+r.Winner)
		}
		if !slices.IsSorted(keys) {
			t.Fatalf("concurrency %d: records not in key order", conc)
		}
		got = append(got, outcomes)
	}
	if !slices.Equal(got[0], got[1]) {
		t.Fatal("records read back in a different order at concurrency 1 and 8")
	}
}

package measure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/progress"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// Engine sends a run's calls to a model and stores the records.
type Engine struct {
	Model   model.Model
	Catalog *template.Catalog
	// Tasks by ID: every task a run names must be here.
	Tasks map[string]task.Task
	// Concurrency bounds calls in flight; 0 means 8.
	Concurrency int
	// BatchSize > 1 sends calls in groups of that size through ChatBatch
	// when the model implements model.BatchModel (local weights: one batched
	// forward pass instead of one per call). Concurrency then bounds batches
	// in flight. A batched model's reply can depend slightly on its batch
	// neighbours (padding changes the rounding), so a resumed run is only
	// identical to an uninterrupted one for models whose replies do not.
	BatchSize int
	// Retries per call after a model error (server fault, timeout); 0 means 3.
	// Backoff doubles from RetryDelay (0 means 200ms).
	Retries    int
	RetryDelay time.Duration
	// Progress starts the progress bar of each run (progress.Writer(stderr)
	// in the CLI, progress.NotebookBars in a notebook); nil is silent.
	Progress progress.Bars
	// Completions caches post-task completions; nil disables reuse across
	// runs (a per-run cache is still used).
	Completions *CompletionCache
	// ReadOnly runs only read the store: a run with calls left fails with
	// ErrNeedsWrite, and nothing is created or locked.
	ReadOnly bool
	// WaitForLock makes Run wait for another writer of the same run to
	// finish instead of failing with ErrLocked.
	WaitForLock bool
}

// Summary reports what a Run call did.
type Summary struct {
	RunID  string
	Dir    string
	Total  int // calls in the run
	Cached int // already in the store before this call
	Done   int // completed now
	Failed int // still failing after retries (logged to errors.jsonl)
	// Rejected counts stored records whose key is not a call of the run,
	// moved to measurements.jsonl.rejected on resume.
	Rejected int
	// Outcomes counts every stored record's outcome.
	Outcomes map[template.Outcome]int
}

// ParseRate is the share of stored records that parsed to a choice or rating.
func (s Summary) ParseRate() float64 {
	n, ok := 0, 0
	for o, c := range s.Outcomes {
		n += c
		if o == template.OutcomeChoice || o == template.OutcomeRating {
			ok += c
		}
	}
	if n == 0 {
		return 0
	}
	return float64(ok) / float64(n)
}

type call struct {
	key    string
	a, b   string // canonical pair; b empty for stated kinds
	sample int
}

// Run executes (or resumes) cfg, storing it under runsDir/<run-id>/.
func (e *Engine) Run(ctx context.Context, runsDir string, cfg RunConfig) (Summary, error) {
	if err := cfg.Validate(); err != nil {
		return Summary{}, err
	}
	if e.Model == nil || e.Catalog == nil {
		return Summary{}, errors.New("measure: engine needs a model and a catalog")
	}
	if err := e.Catalog.Validate(cfg.Template); err != nil {
		return Summary{}, fmt.Errorf("measure: run %s: %w", cfg.Part, err)
	}
	calls, err := e.calls(cfg)
	if err != nil {
		return Summary{}, err
	}
	if cfg, err = e.withInputs(cfg); err != nil {
		return Summary{}, err
	}
	id := cfg.ID()
	dir := filepath.Join(runsDir, id)
	sum := Summary{RunID: id, Dir: dir, Total: len(calls), Outcomes: map[template.Outcome]int{}}
	if e.ReadOnly {
		return readStored(dir, id, calls, sum)
	}
	lock, err := WriteLock(ctx, dir, e.WaitForLock)
	if err != nil {
		return sum, err
	}
	defer lock.Unlock()
	if err := writeRunFile(dir, id, cfg); err != nil {
		return sum, err
	}
	want := callKeys(calls)
	done := map[string]bool{}
	store, err := OpenAppendLog(layout.Measurements(dir), func(line []byte, _ int) error {
		var r Record
		if err := json.Unmarshal(line, &r); err != nil {
			return err
		}
		if !want[r.Key] {
			return ErrRejectLine
		}
		if done[r.Key] {
			return fmt.Errorf("duplicate record for call %s", r.Key)
		}
		done[r.Key] = true
		sum.Outcomes[r.Outcome]++
		return nil
	})
	if err != nil {
		return sum, fmt.Errorf("measure: %w", err)
	}
	defer store.Close()
	sum.Rejected = store.Rejected()
	errLog, err := OpenAppendLog(layout.RunErrors(dir), nil)
	if err != nil {
		return sum, fmt.Errorf("measure: %w", err)
	}
	defer errLog.Close()

	var todo []call
	for _, c := range calls {
		if done[c.key] {
			sum.Cached++
		} else {
			todo = append(todo, c)
		}
	}
	if len(todo) == 0 {
		return sum, nil
	}
	conc := e.Concurrency
	if conc <= 0 {
		conc = 8
	}
	cache := e.Completions
	if cache == nil {
		cache = NewMemoryCompletionCache()
	}
	bar := progress.Start(e.Progress, id, len(todo))
	defer bar.Finish()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bm, batched := e.Model.(model.BatchModel)
	size := 1
	if batched && e.BatchSize > 1 {
		size = e.BatchSize
	}
	jobs := make(chan []call)
	type result struct {
		rec Record
		err error
		c   call
	}
	results := make(chan result)
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for group := range jobs {
				var recs []Record
				var errs []error
				if size > 1 {
					recs, errs = e.doBatch(ctx, bm, cfg, group, cache)
				} else {
					rec, err := e.do(ctx, cfg, group[0], cache)
					recs, errs = []Record{rec}, []error{err}
				}
				for i, c := range group {
					select {
					case results <- result{recs[i], errs[i], c}:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for start := 0; start < len(todo); start += size {
			select {
			case jobs <- todo[start:min(start+size, len(todo))]:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	var firstErr error
	for res := range results {
		switch {
		case res.err != nil && ctx.Err() != nil:
			// Cancelled: the call is simply not done; resume will redo it.
		case errors.Is(res.err, model.ErrUnavailable):
			// The model is gone, not this call: stop the run, keeping
			// what is stored; the next run resumes.
			if firstErr == nil {
				firstErr = fmt.Errorf("%w; the run stops: its stored records are kept and the next run resumes", res.err)
			}
			cancel()
		case res.err != nil:
			sum.Failed++
			if err := errLog.Append(map[string]any{"key": res.c.key, "error": res.err.Error(), "attempts": res.rec.Attempts, "retryable": model.Retryable(res.err), "time": time.Now().UTC().Format(time.RFC3339)}); err != nil && firstErr == nil {
				firstErr = err
				cancel()
			}
		default:
			if err := store.Append(res.rec); err != nil {
				if firstErr == nil {
					firstErr = err
				}
				cancel()
				continue
			}
			sum.Done++
			sum.Outcomes[res.rec.Outcome]++
		}
		bar.Add(1)
	}
	if firstErr != nil {
		return sum, fmt.Errorf("measure: run %s: %w", id, firstErr)
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	return sum, nil
}

// calls lists every call of cfg in a fixed order.
func (e *Engine) calls(cfg RunConfig) ([]call, error) {
	if n := cfg.Calls(); n > MaxRunCalls {
		return nil, fmt.Errorf("measure: run %s: %d calls, more than the limit of %d per run (check samples and pairs)", cfg.Part, n, MaxRunCalls)
	}
	var out []call
	need := func(id string) error {
		if _, ok := e.Tasks[id]; !ok {
			return fmt.Errorf("measure: run %s: unknown task %q", cfg.Part, id)
		}
		return nil
	}
	switch cfg.Template.Kind {
	case template.PreRevealed, template.PostRevealed:
		seen := map[[2]string]bool{}
		for _, p := range cfg.Pairs {
			if err := need(p[0]); err != nil {
				return nil, err
			}
			if err := need(p[1]); err != nil {
				return nil, err
			}
			if seen[p] {
				return nil, fmt.Errorf("measure: run %s: pair (%s, %s) listed twice", cfg.Part, p[0], p[1])
			}
			seen[p] = true
			for s := 0; s < cfg.Samples; s++ {
				out = append(out, call{key: pairKey(p[0], p[1], s), a: p[0], b: p[1], sample: s})
			}
		}
	default:
		for _, x := range cfg.Tasks {
			if err := need(x); err != nil {
				return nil, err
			}
			for s := 0; s < cfg.Samples; s++ {
				out = append(out, call{key: taskKey(x, s), a: x, sample: s})
			}
		}
	}
	return out, nil
}

// prepared is a call rendered and ready to send.
type prepared struct {
	rec    Record
	prompt template.Prompt
	req    model.Request
}

// prepare renders one call (fetching completions first for post-task kinds).
func (e *Engine) prepare(ctx context.Context, cfg RunConfig, c call, cache *CompletionCache) (prepared, error) {
	t := cfg.Template
	rec := Record{Key: c.key, Kind: t.Kind, TaskA: c.a, TaskB: c.b, Sample: c.sample, Seed: callSeed(cfg.Seed, c.key), Temperature: cfg.Temperature}
	shown := []string{c.a}
	if c.b != "" {
		shown = []string{c.a, c.b}
		if t.Swap(c.a, c.b) {
			shown = []string{c.b, c.a}
		}
	}
	rec.Shown = shown
	text := func(id string) string { return e.Tasks[id].Prompt }
	var completions []string
	if t.Kind == template.PostRevealed || t.Kind == template.PostStated {
		cs := cfg.CompletionSeed + int64(c.sample)
		rec.CompletionSeed = &cs
		for _, id := range shown {
			comp, err := cache.Get(ctx, e.Model, CompletionKey{Task: id, Seed: cs, Temperature: cfg.CompletionTemperature, MaxTokens: cfg.CompletionMaxTokens}, text(id), e.retry)
			if err != nil {
				return prepared{rec: rec}, err
			}
			completions = append(completions, comp)
		}
	}
	var p template.Prompt
	var err error
	switch t.Kind {
	case template.PreRevealed:
		p, err = e.Catalog.RenderChoice(t, text(shown[0]), text(shown[1]))
	case template.PostRevealed:
		p, err = e.Catalog.RenderPostChoice(t, text(shown[0]), text(shown[1]), completions[0], completions[1])
	case template.PreStated:
		p, err = e.Catalog.RenderRating(t, text(shown[0]))
	case template.PostStated:
		p, err = e.Catalog.RenderPostRating(t, text(shown[0]), completions[0])
	}
	if err != nil {
		return prepared{rec: rec}, fmt.Errorf("rendering %s: %w", c.key, err)
	}
	req := model.Request{Messages: p.Messages, Tools: p.Tools, Temperature: cfg.Temperature, MaxTokens: cfg.MaxTokens, Seed: rec.Seed}
	req.Steering = steerRequest(cfg, p)
	return prepared{rec: rec, prompt: p, req: req}, nil
}

// finish parses a reply into the call's record.
func finish(pc prepared, resp model.Response) (Record, error) {
	rec, p := pc.rec, pc.prompt
	rec.Raw, rec.ToolCalls, rec.FinishReason = resp.Text, resp.ToolCalls, resp.FinishReason
	rec.PromptTokens, rec.CompletionTokens = resp.PromptTokens, resp.CompletionTokens
	switch rec.Kind {
	case template.PreRevealed, template.PostRevealed:
		parsed := template.ParseChoice(p, resp)
		rec.Outcome = parsed.Outcome
		if parsed.Outcome == template.OutcomeChoice {
			if parsed.Choice < 0 || parsed.Choice >= len(rec.Shown) {
				return rec, fmt.Errorf("parser returned choice %d for %s", parsed.Choice, rec.Key)
			}
			rec.Winner = rec.Shown[parsed.Choice]
		}
	default:
		parsed := template.ParseRating(p, resp)
		rec.Outcome = parsed.Outcome
		rec.Options = p.Options
		if parsed.Outcome == template.OutcomeRating {
			opt, score := parsed.Option, parsed.Score
			rec.Option, rec.Score = &opt, &score
		}
	}
	return rec, nil
}

// do renders, sends (with retries) and parses one call.
func (e *Engine) do(ctx context.Context, cfg RunConfig, c call, cache *CompletionCache) (Record, error) {
	pc, err := e.prepare(ctx, cfg, c, cache)
	if err != nil {
		return pc.rec, err
	}
	start := time.Now()
	var resp model.Response
	pc.rec.Attempts, err = e.retry(ctx, func() (int, error) {
		var err error
		resp, err = e.Model.Chat(ctx, pc.req)
		return resp.Attempts, err
	})
	pc.rec.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		return pc.rec, err
	}
	return finish(pc, resp)
}

// doBatch renders a group of calls and sends them in one ChatBatch (with
// retries of the whole batch). Each call gets its own record or error.
func (e *Engine) doBatch(ctx context.Context, bm model.BatchModel, cfg RunConfig, cs []call, cache *CompletionCache) ([]Record, []error) {
	recs := make([]Record, len(cs))
	errs := make([]error, len(cs))
	var pcs []prepared
	var idx []int
	for i, c := range cs {
		pc, err := e.prepare(ctx, cfg, c, cache)
		if err != nil {
			recs[i], errs[i] = pc.rec, err
			continue
		}
		pcs, idx = append(pcs, pc), append(idx, i)
	}
	if len(pcs) == 0 {
		return recs, errs
	}
	reqs := make([]model.Request, len(pcs))
	for k, pc := range pcs {
		reqs[k] = pc.req
	}
	start := time.Now()
	var resps []model.Response
	attempts, err := e.retry(ctx, func() (int, error) {
		var err error
		resps, err = bm.ChatBatch(ctx, reqs)
		if err == nil && len(resps) != len(reqs) {
			err = fmt.Errorf("model returned %d replies for %d requests", len(resps), len(reqs))
		}
		return 0, err
	})
	latency := float64(time.Since(start).Microseconds()) / 1000
	for k, pc := range pcs {
		i := idx[k]
		pc.rec.Attempts, pc.rec.LatencyMS = attempts, latency
		if err != nil {
			recs[i], errs[i] = pc.rec, err
			continue
		}
		recs[i], errs[i] = finish(pc, resps[k])
	}
	return recs, errs
}

// retry runs f until it succeeds, fails with an error a retry cannot help
// (model.Retryable: a bad request, or a model that already retried and gave
// up), the context ends, or retries run out, doubling the delay each time
// (or waiting what the error asks, up to a minute). f returns the requests
// the model sent (0: one); retry returns them all.
func (e *Engine) retry(ctx context.Context, f func() (int, error)) (int, error) {
	retries := e.Retries
	if retries <= 0 {
		retries = 3
	}
	delay := e.RetryDelay
	if delay <= 0 {
		delay = 200 * time.Millisecond
	}
	sent := 0
	for attempt := 1; ; attempt++ {
		n, err := f()
		if err == nil {
			return sent + max(n, 1), nil
		}
		sent += model.Attempts(err)
		if ctx.Err() != nil || attempt > retries || !model.Retryable(err) {
			return sent, err
		}
		wait := max(delay, min(model.RetryAfter(err), time.Minute))
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return sent, ctx.Err()
		}
		delay *= 2
	}
}

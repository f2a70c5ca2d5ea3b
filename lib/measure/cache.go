package measure

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/template"
)

// CompletionKey identifies one cached completion of a task.
type CompletionKey struct {
	Task        string  `json:"task"`
	Seed        int64   `json:"seed"`
	Temperature float64 `json:"temperature"`
	MaxTokens   int     `json:"max_tokens,omitempty"`
	// Prompt is PromptHash of the task prompt completed, so an edited prompt
	// is a new completion; Get fills it in.
	Prompt string `json:"prompt,omitempty"`
}

type completionEntry struct {
	CompletionKey
	Text string `json:"text"`
}

// CompletionCache holds task completions per model, in memory and, when
// opened on a file, in an append-only JSON-lines log that survives kills.
// Concurrent requests for the same key make one model call.
type CompletionCache struct {
	mu       sync.Mutex
	entries  map[CompletionKey]string
	inflight map[CompletionKey]*sync.WaitGroup
	log      *AppendLog
}

// NewMemoryCompletionCache returns a cache that is not persisted.
func NewMemoryCompletionCache() *CompletionCache {
	return &CompletionCache{entries: map[CompletionKey]string{}, inflight: map[CompletionKey]*sync.WaitGroup{}}
}

// OpenCompletionCache opens the cache for modelName in studyDir/completions.
func OpenCompletionCache(studyDir, modelName string) (*CompletionCache, error) {
	dir := layout.Completions(studyDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("measure: %w", err)
	}
	c := NewMemoryCompletionCache()
	log, err := OpenAppendLog(layout.CompletionCache(studyDir, modelName), c.load)
	if err != nil {
		return nil, fmt.Errorf("measure: completion cache: %w", err)
	}
	c.log = log
	return c, nil
}

func (c *CompletionCache) load(line []byte, _ int) error {
	var e completionEntry
	if err := json.Unmarshal(line, &e); err != nil {
		return err
	}
	c.entries[e.CompletionKey] = e.Text
	return nil
}

// Close flushes and closes the cache file.
func (c *CompletionCache) Close() error {
	if c == nil || c.log == nil {
		return nil
	}
	return c.log.Close()
}

// Len is the number of cached completions.
func (c *CompletionCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Get returns the cached completion for k or asks m for it.
func (c *CompletionCache) Get(ctx context.Context, m model.Model, k CompletionKey, taskText string, retry func(context.Context, func() (int, error)) (int, error)) (string, error) {
	if k.Prompt == "" {
		k.Prompt = PromptHash(taskText)
	}
	for {
		c.mu.Lock()
		if text, ok := c.entries[k]; ok {
			c.mu.Unlock()
			return text, nil
		}
		if wg, busy := c.inflight[k]; busy {
			c.mu.Unlock()
			wg.Wait()
			continue
		}
		wg := &sync.WaitGroup{}
		wg.Add(1)
		c.inflight[k] = wg
		c.mu.Unlock()

		text, err := c.fetch(ctx, m, k, taskText, retry)
		c.mu.Lock()
		delete(c.inflight, k)
		if err == nil {
			c.entries[k] = text
		}
		c.mu.Unlock()
		wg.Done()
		return text, err
	}
}

func (c *CompletionCache) fetch(ctx context.Context, m model.Model, k CompletionKey, taskText string, retry func(context.Context, func() (int, error)) (int, error)) (string, error) {
	req := model.Request{Messages: template.CompletionMessages(taskText), Temperature: k.Temperature, MaxTokens: k.MaxTokens, Seed: k.Seed}
	var resp model.Response
	_, err := retry(ctx, func() (int, error) {
		var err error
		resp, err = m.Chat(ctx, req)
		return resp.Attempts, err
	})
	if err != nil {
		return "", fmt.Errorf("completing task %s (seed %d): %w", k.Task, k.Seed, err)
	}
	if c.log != nil {
		if err := c.log.Append(completionEntry{CompletionKey: k, Text: resp.Text}); err != nil {
			return "", err
		}
	}
	return resp.Text, nil
}

// Completion returns the engine model's completion of a task prompt under
// key, from the engine's completion cache when it holds one (a study's
// activations reuse the completions its post-task runs made), retried like
// any call.
func (e *Engine) Completion(ctx context.Context, key CompletionKey, prompt string) (string, error) {
	c := e.Completions
	if c == nil {
		c = NewMemoryCompletionCache()
	}
	return c.Get(ctx, e.Model, key, prompt, e.retry)
}

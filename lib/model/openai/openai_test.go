package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/openai/fakeserver"
)

// echoModel answers every request with the last message's first word and
// reports one completion token.
type echoModel struct{}

func (echoModel) Name() string { return "echo" }
func (echoModel) Chat(_ context.Context, req model.Request) (model.Response, error) {
	f := strings.Fields(req.Messages[len(req.Messages)-1].Content)
	return model.Response{Text: f[0], FinishReason: model.FinishStop}, nil
}

// fastClient is a client with test-sized timeouts and backoff.
func fastClient(t *testing.T, urls []string, tune func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURLs: urls, Model: "m", AttemptTimeout: 300 * time.Millisecond, CallTimeout: 20 * time.Second,
		BackoffBase: time.Millisecond, BackoffMax: 4 * time.Millisecond, BreakerCooldown: 20 * time.Millisecond}
	if tune != nil {
		tune(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func ask(c *Client, word string) (model.Response, error) {
	return c.Chat(context.Background(), model.Request{Messages: []model.Message{{Role: "user", Content: word + " please"}}, Seed: int64(len(word))})
}

func TestChatRoundTrip(t *testing.T) {
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer k" {
			http.Error(w, "bad path or key", 400)
			return
		}
		json.NewDecoder(r.Body).Decode(&got)
		w.Write([]byte(`{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"submit_choice","arguments":"{\"choice\":\"Task B\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":12,"completion_tokens":5}}`))
	}))
	defer srv.Close()
	c := fastClient(t, []string{srv.URL + "/v1/"}, func(c *Config) { c.APIKey = "k" })
	resp, err := c.Chat(context.Background(), model.Request{
		Messages: []model.Message{{Role: "user", Content: "pick"}},
		Tools:    []model.Tool{{Name: "submit_choice", Parameters: map[string]any{"type": "object"}}},
		Seed:     7, Temperature: 0.5, TopP: 0.9, Stop: []string{"\n"}, ToolChoice: "submit_choice", MaxTokens: 9,
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	for _, want := range []string{`"model":"m"`, `"seed":7`, `"temperature":0.5`, `"top_p":0.9`, `"stop":["\n"]`, `"max_tokens":9`,
		`"tool_choice":{"function":{"name":"submit_choice"},"type":"function"}`, `"tools":[{"function":{"name":"submit_choice","parameters":{"type":"object"}},"type":"function"}]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("request on the wire lacks %s:\n%s", want, b)
		}
	}
	if resp.FinishReason != model.FinishToolCalls || len(resp.ToolCalls) != 1 || resp.ToolCalls[0].Arguments != `{"choice":"Task B"}` ||
		resp.PromptTokens != 12 || resp.CompletionTokens != 5 || resp.Attempts != 1 {
		t.Errorf("response %+v", resp)
	}
}

// TestOnlyRetryableStatusesAreResent counts requests at the server: a
// status is answered twice, then the server succeeds. Retryable statuses
// cost three requests and succeed; every other 4xx costs exactly one.
func TestOnlyRetryableStatusesAreResent(t *testing.T) {
	for code := 400; code <= 599; code++ {
		if http.StatusText(code) == "" {
			continue
		}
		retry := code == 408 || code == 409 || code == 429 || code >= 500
		fs := fakeserver.Start(fakeserver.Config{Model: echoModel{}, RetryAfter: "0",
			Decide: func(_ string, seen int, _ model.Request) string {
				if seen < 2 {
					return fmt.Sprint(code)
				}
				return ""
			}})
		c := fastClient(t, []string{fs.URL()}, nil)
		resp, err := ask(c, "x")
		hits := len(fs.Hits())
		fs.Close()
		if retry {
			if err != nil || hits != 3 || resp.Attempts != 3 {
				t.Errorf("%d: %d requests, attempts %d, error %v; want 3 requests and success", code, hits, resp.Attempts, err)
			}
			continue
		}
		var se *StatusError
		if hits != 1 || err == nil || model.Retryable(err) || model.Attempts(err) != 1 || !errors.As(err, &se) || se.Code != code ||
			!strings.Contains(err.Error(), "injected fault") {
			t.Errorf("%d: %d requests, error %v; want 1 request and a permanent error naming the status and message", code, hits, err)
		}
	}
}

func TestTransientFaultsAreRetried(t *testing.T) {
	for _, f := range []string{fakeserver.Drop, fakeserver.Hang, fakeserver.Malformed, fakeserver.Truncate, "503"} {
		fs := fakeserver.Start(fakeserver.Config{Model: echoModel{}, Decide: func(_ string, seen int, _ model.Request) string {
			if seen == 0 {
				return f
			}
			return ""
		}})
		c := fastClient(t, []string{fs.URL()}, func(c *Config) { c.AttemptTimeout = 100 * time.Millisecond })
		resp, err := ask(c, "hello")
		if err != nil || resp.Text != "hello" || resp.Attempts != 2 || len(fs.Hits()) != 2 {
			t.Errorf("%s: %+v, %v after %d requests; want success on the second", f, resp, err, len(fs.Hits()))
		}
		fs.Close()
	}
}

func TestGivesUpWithPermanentError(t *testing.T) {
	fs := fakeserver.Start(fakeserver.Config{Model: echoModel{}, FaultRate: 1, Faults: []string{"500"}})
	defer fs.Close()
	c := fastClient(t, []string{fs.URL()}, func(c *Config) { c.MaxRetries = 2; c.BreakerFailures = 100 })
	_, err := ask(c, "x")
	if err == nil || model.Retryable(err) || model.Attempts(err) != 3 || len(fs.Hits()) != 3 || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Fatalf("error %v (attempts %d, %d requests); want a permanent error after 3 attempts", err, model.Attempts(err), len(fs.Hits()))
	}
}

func TestRetryAfter(t *testing.T) {
	t.Run("honoured up to the cap", func(t *testing.T) {
		fs := fakeserver.Start(fakeserver.Config{Model: echoModel{}, RetryAfter: "0.05", Decide: func(_ string, seen int, _ model.Request) string {
			return map[bool]string{true: "429"}[seen == 0]
		}})
		defer fs.Close()
		c := fastClient(t, []string{fs.URL()}, nil)
		start := time.Now()
		if _, err := ask(c, "x"); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 50*time.Millisecond {
			t.Errorf("retried after %v, before the 50ms the server asked", d)
		}
	})
	t.Run("an hour is a failed attempt", func(t *testing.T) {
		fs := fakeserver.Start(fakeserver.Config{Model: echoModel{}, RetryAfter: "3600", Decide: func(_ string, seen int, _ model.Request) string {
			return map[bool]string{true: "429"}[seen == 0]
		}})
		defer fs.Close()
		// A call deadline far below an hour: honouring the header would fail.
		c := fastClient(t, []string{fs.URL()}, func(c *Config) { c.CallTimeout = 5 * time.Second })
		if resp, err := ask(c, "x"); err != nil || resp.Attempts != 2 {
			t.Fatalf("%+v, %v; want success on the second attempt after the normal backoff", resp, err)
		}
	})
}

func TestReplyBoundAndKeyRedaction(t *testing.T) {
	const key = "sk-test-0123456789abcdef"
	fs := fakeserver.Start(fakeserver.Config{Model: echoModel{}, APIKey: key, EchoAuth: true,
		Decide: func(_ string, seen int, _ model.Request) string { return "400" }})
	defer fs.Close()
	c := fastClient(t, []string{fs.URL()}, func(c *Config) { c.APIKey = key })
	_, err := ask(c, "x")
	if err == nil || strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "Bearer [redacted]") {
		t.Errorf("error %v: want the echoed key redacted", err)
	}

	ok := fakeserver.Start(fakeserver.Config{Model: echoModel{}})
	defer ok.Close()
	c = fastClient(t, []string{ok.URL()}, func(c *Config) { c.MaxReplyBytes = 64 })
	_, err = ask(c, strings.Repeat("long", 40))
	if err == nil || model.Retryable(err) || !strings.Contains(err.Error(), "more than 64 bytes") || len(ok.Hits()) != 1 {
		t.Errorf("error %v after %d requests; want one request and a permanent size error", err, len(ok.Hits()))
	}
}

func TestBadBaseURL(t *testing.T) {
	for _, u := range []string{"not a url", "localhost:8000/v1", "ftp://x/v1", "http:///v1"} {
		if _, err := New(Config{BaseURLs: []string{u}, Model: "m"}); err == nil || !strings.Contains(err.Error(), "base URL") {
			t.Errorf("%q: error %v", u, err)
		}
	}
}

// TestBreakerSpreadsOverHealthyServers sends calls to a healthy server and
// one that drops every connection: all calls succeed, and once its breaker
// opens the broken server only sees the occasional probe.
func TestBreakerSpreadsOverHealthyServers(t *testing.T) {
	good := fakeserver.Start(fakeserver.Config{Model: echoModel{}, Latency: 2 * time.Millisecond})
	defer good.Close()
	bad := fakeserver.Start(fakeserver.Config{Model: echoModel{}, FaultRate: 1, Faults: []string{fakeserver.Drop}})
	defer bad.Close()
	c := fastClient(t, []string{bad.URL(), good.URL()}, func(c *Config) {
		c.BreakerCooldown, c.AttemptTimeout = 200*time.Millisecond, 2*time.Second
	})
	var wg sync.WaitGroup
	var failed atomic.Int32
	const calls = 400
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := i; k < calls; k += 8 {
				if _, err := ask(c, fmt.Sprint("w", k)); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	st := c.Endpoints()
	if failed.Load() != 0 || len(good.Hits()) < calls {
		t.Errorf("%d calls failed, healthy server answered %d of %d", failed.Load(), len(good.Hits()), calls)
	}
	// The breaker opens after 5 faults; each later probe is one more.
	if n := len(bad.Hits()); n > 5+8+10 {
		t.Errorf("broken server got %d requests; the breaker should keep it near 5 plus probes (%+v)", n, st)
	}
	if !st[0].Open {
		t.Errorf("breaker of the broken server is closed: %+v", st[0])
	}
}

// TestQueueingSettlesNearKnee drives a server that serves 16 requests at
// once (100 ms each) and queues the rest, with 64 callers: without
// adaptation every request would wait 4 service times. The limit must
// settle near the knee and the server's latency stay near the service time.
func TestQueueingSettlesNearKnee(t *testing.T) {
	const knee, service = 16, 100 * time.Millisecond
	fs := fakeserver.Start(fakeserver.Config{Model: echoModel{}, Latency: service, Knee: knee})
	defer fs.Close()
	c := fastClient(t, []string{fs.URL()}, func(c *Config) { c.AttemptTimeout = 5 * time.Second })
	var wg sync.WaitGroup
	var mu sync.Mutex
	var limit, latency float64 // sums over the second half
	n := 0
	const calls = 800
	var next atomic.Int64
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := next.Add(1); k <= calls; k = next.Add(1) {
				if _, err := ask(c, fmt.Sprint("q", k)); err != nil {
					t.Error(err)
					return
				}
				if k > calls/2 {
					st := c.Endpoints()[0]
					mu.Lock()
					limit, latency, n = limit+st.Limit, latency+st.LatencyMS, n+1
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	limit, latency = limit/float64(n), latency/float64(n)
	t.Logf("second half: mean limit %.1f (knee %d), smoothed attempt latency %.0f ms (service %v); server peak in flight %d",
		limit, knee, latency, service, fs.PeakInFlight())
	if limit < 0.5*knee || limit > 3*knee {
		t.Errorf("mean limit %.1f, want near the knee %d", limit, knee)
	}
	if latency > 2.5*float64(service.Milliseconds()) {
		t.Errorf("attempt latency %.0f ms, want under 2.5x the %v service time (without adaptation: 4x)", latency, service)
	}
}

// TestCallDeadline: a server that never answers costs one attempt timeout
// per attempt, and the whole call stops at its deadline with a permanent
// error, however many retries remain.
func TestCallDeadline(t *testing.T) {
	fs := fakeserver.Start(fakeserver.Config{Model: echoModel{}, FaultRate: 1, Faults: []string{fakeserver.Hang}})
	defer fs.Close()
	c := fastClient(t, []string{fs.URL()}, func(c *Config) {
		c.AttemptTimeout, c.CallTimeout, c.MaxRetries, c.BreakerFailures = 50*time.Millisecond, 300*time.Millisecond, 100, 1000
	})
	_, err := ask(c, "x")
	n := len(fs.Hits())
	if err == nil || model.Retryable(err) || !strings.Contains(err.Error(), "deadline") || !strings.Contains(err.Error(), "attempt timeout") {
		t.Fatalf("error %v; want a permanent error naming the call deadline and the attempt timeout", err)
	}
	// 300ms of 50ms attempts plus backoff: a handful, far from 101.
	if n < 2 || n > 6 || model.Attempts(err) != n {
		t.Errorf("%d requests, error says %d attempts; want 2 to 6, counted exactly", n, model.Attempts(err))
	}
}

func TestSpreadsOverServers(t *testing.T) {
	a := fakeserver.Start(fakeserver.Config{Model: echoModel{}, Latency: 2 * time.Millisecond})
	defer a.Close()
	b := fakeserver.Start(fakeserver.Config{Model: echoModel{}, Latency: 2 * time.Millisecond})
	defer b.Close()
	c := fastClient(t, []string{a.URL(), b.URL()}, func(c *Config) { c.AttemptTimeout = 2 * time.Second })
	var wg sync.WaitGroup
	const calls = 300
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := i; k < calls; k += 12 {
				if _, err := ask(c, fmt.Sprint("s", k)); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	na, nb := len(a.Hits()), len(b.Hits())
	if na+nb < calls || na < calls/4 || nb < calls/4 {
		t.Errorf("servers got %d and %d of %d calls; want them spread", na, nb, calls)
	}
}

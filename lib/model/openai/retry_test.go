package openai

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"syscall"
	"testing"
	"time"
)

// timeoutErr is a net.Error that says it timed out, as a dial or read
// deadline does.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestCheckRetry(t *testing.T) {
	live := context.Background()
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name   string
		ctx    context.Context
		status int
		err    error
		want   Outcome
		retry  bool
	}{
		{"200", live, 200, nil, Success, false},
		{"204", live, 204, nil, Success, false},
		{"100", live, 100, nil, Rejected, false},
		{"301", live, 301, nil, Rejected, false},
		{"307", live, 307, nil, Rejected, false},
		{"400", live, 400, nil, Rejected, false},
		{"401", live, 401, nil, Rejected, false},
		{"404", live, 404, nil, Rejected, false},
		{"413", live, 413, nil, Rejected, false},
		{"408", live, 408, nil, Fault, true},
		{"409", live, 409, nil, Conflict, true},
		{"429", live, 429, nil, Overload, true},
		{"500", live, 500, nil, Fault, true},
		{"503", live, 503, nil, Fault, true},
		{"599", live, 599, nil, Fault, true},
		{"reply too large", live, 200, fmt.Errorf("reading: %w", errTooLarge), Rejected, false},
		{"attempt timeout", live, 0, fmt.Errorf("no reply: %w", context.DeadlineExceeded), Fault, true},
		{"net timeout", live, 0, fmt.Errorf("dial: %w", timeoutErr{}), Fault, true},
		{"refused", live, 0, fmt.Errorf("dial: %w", syscall.ECONNREFUSED), Broken, true},
		{"dropped", live, 0, io.ErrUnexpectedEOF, Broken, true},
		{"mangled 200", live, 200, errors.New("reply is not valid JSON"), Broken, true},
		{"call ended, 500", ended, 500, nil, Canceled, false},
		{"call ended, timeout", ended, 0, context.DeadlineExceeded, Canceled, false},
	} {
		got := CheckRetry(c.ctx, c.status, c.err)
		if got != c.want || got.Retryable() != c.retry {
			t.Errorf("%s: %v (retryable %v), want %v (retryable %v)", c.name, got, got.Retryable(), c.want, c.retry)
		}
	}
}

func TestBackoff(t *testing.T) {
	const ms = time.Millisecond
	fixed := func(v float64) func() float64 { return func() float64 { return v } }
	for _, c := range []struct {
		attempt     int
		base, limit time.Duration
		jitter      func() float64
		want        time.Duration
	}{
		{1, 500 * ms, 8000 * ms, nil, 500 * ms},
		{2, 500 * ms, 8000 * ms, nil, 1000 * ms},
		{3, 500 * ms, 8000 * ms, nil, 2000 * ms},
		{5, 500 * ms, 8000 * ms, nil, 8000 * ms},
		{6, 500 * ms, 8000 * ms, nil, 8000 * ms},
		{1 << 30, 500 * ms, 8000 * ms, nil, 8000 * ms}, // no overflow
		{3, 500 * ms, 3000 * ms, nil, 2000 * ms},
		{4, 500 * ms, 3000 * ms, nil, 3000 * ms}, // capped between doublings
		{0, 500 * ms, 8000 * ms, nil, 500 * ms},
		{-2, 500 * ms, 8000 * ms, nil, 500 * ms},
		{3, 500 * ms, 0, nil, 500 * ms}, // a limit under base is base
		{3, 0, 8000 * ms, nil, 0},
		{1, 400 * ms, 8000 * ms, fixed(0), 400 * ms},
		{1, 400 * ms, 8000 * ms, fixed(0.5), 350 * ms},
		{2, 400 * ms, 8000 * ms, fixed(0.5), 700 * ms},
		{2, 400 * ms, 8000 * ms, fixed(1), 600 * ms}, // at most a quarter off
		{2, 400 * ms, 8000 * ms, fixed(7), 600 * ms}, // out of range is clamped
		{2, 400 * ms, 8000 * ms, fixed(-1), 800 * ms},
	} {
		if got := Backoff(c.attempt, c.base, c.limit, c.jitter); got != c.want {
			j := "none"
			if c.jitter != nil {
				j = fmt.Sprint(c.jitter())
			}
			t.Errorf("Backoff(%d, %v, %v, jitter %s) = %v, want %v", c.attempt, c.base, c.limit, j, got, c.want)
		}
	}
}

// The client draws its jitter from Config.Jitter, not a global source: a
// server failing twice costs the waits Backoff gives for that source.
func TestClientBackoffUsesItsJitter(t *testing.T) {
	draws := 0
	jitter := func() float64 { draws++; return 0.5 }
	var waits []time.Duration
	last := time.Time{}
	srv := newStatusServer(t, func(n int) int {
		now := time.Now()
		if n > 0 {
			waits = append(waits, now.Sub(last))
		}
		last = now
		return map[bool]int{true: 503, false: 200}[n < 2]
	})
	c := fastClient(t, []string{srv}, func(c *Config) {
		c.BackoffBase, c.BackoffMax, c.Jitter, c.BreakerFailures = 40*time.Millisecond, time.Second, jitter, 100
	})
	if _, err := ask(c, "x"); err != nil {
		t.Fatal(err)
	}
	if draws != 2 || len(waits) != 2 || waits[0] < 30*time.Millisecond || waits[1] < 60*time.Millisecond {
		t.Errorf("%d draws, waits %v; want 2 draws and waits of at least 30ms and 60ms", draws, waits)
	}
}

// newStatusServer answers the n-th request (from 0) with status(n): a chat
// reply for 2xx, an error body otherwise. It returns the API root.
func newStatusServer(t *testing.T, status func(n int) int) string {
	t.Helper()
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		code := status(n)
		n++
		mu.Unlock()
		w.WriteHeader(code)
		if code/100 == 2 {
			w.Write([]byte(`{"choices":[{"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`))
			return
		}
		w.Write([]byte(`{"error":{"message":"planted"}}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

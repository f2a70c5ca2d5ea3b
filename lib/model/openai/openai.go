// Package openai is a model.Model for OpenAI-compatible chat-completions
// servers (vLLM, SGLang, llama.cpp server, Ollama, hosted APIs), one or
// several at once, for measurement at scale. Activations always come from
// local weights (lib/model/llama), never from a server.
//
// The client is the one retry layer between a study and a server. It
// classifies every HTTP outcome once: 408, 409, 429, 5xx, dropped
// connections, timeouts and mangled replies are retried with capped,
// jittered exponential backoff (honouring Retry-After up to a cap); other
// 4xx and oversized replies are not. Once it gives up it returns a
// permanent model.Error carrying the attempts it made, so callers record
// the failure instead of retrying on top.
//
// Each base URL has its own adaptive concurrency limit (additive increase
// while latency is steady, multiplicative decrease on timeouts, 5xx, 429
// and latency growth, which is how a queueing server such as vLLM says it
// is saturated) and its own circuit breaker (open after repeated faults,
// then one half-open probe at a time). Requests go to the healthy endpoint
// with the most room. The API key is redacted from every error and reply.
package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prefscope/prefscope/lib/model"
)

// Config describes the served model and how hard to push it. Zero fields
// take the defaults named on them.
type Config struct {
	// BaseURLs are the servers' API roots (for example
	// "http://localhost:8000/v1"); requests spread over the healthy ones.
	BaseURLs []string
	// Model is the served model's name.
	Model string
	// APIKey is the bearer token, from the environment; it never appears in
	// an error or a reply.
	APIKey string
	// AttemptTimeout bounds one request (default 120s); CallTimeout bounds
	// a whole call, waiting and retries included (default 10m).
	AttemptTimeout, CallTimeout time.Duration
	// MaxRetries after the first attempt (default 4; negative: none).
	MaxRetries int
	// Backoff starts at BackoffBase (default 500ms), doubles up to
	// BackoffMax (default 8s) and is shortened by up to 25% at random.
	BackoffBase, BackoffMax time.Duration
	// MaxRetryAfter caps the wait a server may ask for (default 60s); a
	// longer Retry-After counts as a failed attempt and the normal backoff
	// applies instead.
	MaxRetryAfter time.Duration
	// Min and MaxConcurrency bound each endpoint's adaptive limit (default
	// 1 and 1024); InitialConcurrency is where it starts (default 8).
	MinConcurrency, MaxConcurrency, InitialConcurrency int
	// LatencyTolerance is how far smoothed latency may rise over its
	// baseline before the limit is cut (default 1.5).
	LatencyTolerance float64
	// BreakerFailures consecutive faults open an endpoint's breaker
	// (default 5) for BreakerCooldown (default 2s, doubling while probes
	// fail, up to 1m).
	BreakerFailures int
	BreakerCooldown time.Duration
	// MaxReplyBytes bounds a reply body (default 4 MiB).
	MaxReplyBytes int64
	// Transport replaces the HTTP transport (tests); the default keeps an
	// idle connection for every request the limits allow in flight.
	Transport http.RoundTripper
}

func (c *Config) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.AttemptTimeout, 120*time.Second)
	def(&c.CallTimeout, 10*time.Minute)
	def(&c.BackoffBase, 500*time.Millisecond)
	def(&c.BackoffMax, 8*time.Second)
	def(&c.MaxRetryAfter, 60*time.Second)
	def(&c.BreakerCooldown, 2*time.Second)
	if c.MaxRetries == 0 {
		c.MaxRetries = 4
	}
	c.MaxRetries = max(c.MaxRetries, 0)
	if c.MinConcurrency <= 0 {
		c.MinConcurrency = 1
	}
	if c.MaxConcurrency <= 0 {
		c.MaxConcurrency = 1024
	}
	if c.InitialConcurrency <= 0 {
		c.InitialConcurrency = 8
	}
	c.InitialConcurrency = min(max(c.InitialConcurrency, c.MinConcurrency), c.MaxConcurrency)
	if c.LatencyTolerance <= 1 {
		c.LatencyTolerance = 1.5
	}
	if c.BreakerFailures <= 0 {
		c.BreakerFailures = 5
	}
	if c.MaxReplyBytes <= 0 {
		c.MaxReplyBytes = 4 << 20
	}
}

// ValidateBaseURL checks that u is an absolute http(s) URL, so a typo
// fails when the study loads rather than after a minute of retries.
func ValidateBaseURL(u string) error {
	p, err := url.Parse(u)
	if err != nil {
		return fmt.Errorf("openai: base URL %q: %w", u, err)
	}
	if (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return fmt.Errorf("openai: base URL %q is not an http(s) URL with a host (like http://localhost:8000/v1)", u)
	}
	return nil
}

// Client talks to one served model behind one or more base URLs.
type Client struct {
	cfg  Config
	http *http.Client
	pool *pool
}

var _ model.Model = (*Client)(nil)

// New checks cfg and returns a client; it makes no request.
func New(cfg Config) (*Client, error) {
	if len(cfg.BaseURLs) == 0 {
		return nil, errors.New("openai: no base URL")
	}
	if cfg.Model == "" {
		return nil, errors.New("openai: empty model name")
	}
	if cfg.MinConcurrency > 0 && cfg.MaxConcurrency > 0 && cfg.MinConcurrency > cfg.MaxConcurrency {
		return nil, fmt.Errorf("openai: min concurrency %d exceeds max concurrency %d", cfg.MinConcurrency, cfg.MaxConcurrency)
	}
	cfg.defaults()
	var urls []string
	for _, u := range cfg.BaseURLs {
		if err := ValidateBaseURL(u); err != nil {
			return nil, err
		}
		urls = append(urls, strings.TrimRight(u, "/"))
	}
	rt := cfg.Transport
	if rt == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// Go keeps 2 idle connections per host by default, which churns
		// connections at high concurrency.
		t.MaxIdleConnsPerHost = cfg.MaxConcurrency
		t.MaxIdleConns = cfg.MaxConcurrency * len(urls)
		rt = t
	}
	lim := limits{min: float64(cfg.MinConcurrency), max: float64(cfg.MaxConcurrency), initial: float64(cfg.InitialConcurrency),
		tolerance: cfg.LatencyTolerance, breakerFailures: cfg.BreakerFailures, cooldown: cfg.BreakerCooldown, maxCool: time.Minute}
	// Timeouts come from contexts, per attempt and per call.
	return &Client{cfg: cfg, http: &http.Client{Transport: rt}, pool: newPool(urls, lim)}, nil
}

// Name implements model.Model.
func (c *Client) Name() string { return "openai:" + c.cfg.Model }

// Endpoints reports each base URL's limit, breaker and counts.
func (c *Client) Endpoints() []EndpointStats { return c.pool.stats() }

// Close drops idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// attemptError is one failed attempt, classified.
type attemptError struct {
	err       error
	retryable bool
	wait      time.Duration // server's Retry-After
	asked     bool          // the server sent Retry-After
	waiting   bool          // no endpoint was free: nothing was sent
}

// Chat implements model.Model: it sends req until it succeeds, fails
// permanently, runs out of retries or passes the call deadline.
func (c *Client) Chat(ctx context.Context, req model.Request) (model.Response, error) {
	if req.Steering != nil {
		return model.Response{}, model.Permanent(fmt.Errorf("openai: %w", model.ErrNoSteering))
	}
	body, err := json.Marshal(toWire(c.cfg.Model, req))
	if err != nil {
		return model.Response{}, model.Permanent(fmt.Errorf("openai: encoding request: %w", err))
	}
	callCtx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancel()
	delay := c.cfg.BackoffBase
	start := time.Now()
	sent := 0 // requests that reached an endpoint
	var cause error
	for attempt := 1; ; attempt++ {
		resp, ae := c.attempt(callCtx, body)
		if ae == nil || !ae.waiting {
			sent++
		}
		if ae == nil {
			resp.Attempts = sent
			return c.redactResponse(resp), nil
		}
		if ctx.Err() != nil {
			// The caller gave up: not a failure of the call.
			return model.Response{}, ctx.Err()
		}
		// The error to report is the last attempt's own, not the call
		// deadline cutting the attempt after it.
		if cause == nil || callCtx.Err() == nil {
			cause = ae.err
		}
		giveUp := func(why string) error {
			return &model.Error{Err: redacted{fmt.Errorf("openai: %s after %d attempts in %v: %w", why, sent, time.Since(start).Round(time.Millisecond), cause), c.cfg.APIKey}, Attempts: sent}
		}
		if callCtx.Err() != nil {
			return model.Response{}, giveUp(fmt.Sprintf("call deadline %v passed", c.cfg.CallTimeout))
		}
		if !ae.retryable {
			return model.Response{}, &model.Error{Err: redacted{ae.err, c.cfg.APIKey}, Attempts: sent}
		}
		if attempt > c.cfg.MaxRetries {
			return model.Response{}, giveUp("gave up")
		}
		// Jitter keeps many callers from retrying in lockstep.
		wait := delay - time.Duration(rand.Float64()*0.25*float64(delay))
		delay = min(2*delay, c.cfg.BackoffMax)
		if ae.asked && ae.wait <= c.cfg.MaxRetryAfter {
			wait = ae.wait
		}
		if dl, ok := callCtx.Deadline(); ok && time.Until(dl) < wait {
			return model.Response{}, giveUp(fmt.Sprintf("no time left in the call deadline %v to wait %v", c.cfg.CallTimeout, wait.Round(time.Millisecond)))
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-callCtx.Done():
			t.Stop()
		}
	}
}

// attempt sends body once to an endpoint the pool picks.
func (c *Client) attempt(ctx context.Context, body []byte) (model.Response, *attemptError) {
	sl, err := c.pool.acquire(ctx)
	if err != nil {
		return model.Response{}, &attemptError{err: fmt.Errorf("waiting for a free endpoint: %w", err), waiting: true}
	}
	started := time.Now()
	resp, o, ae := c.send(ctx, sl.ep.url, body)
	c.pool.release(sl, o, started, time.Since(started))
	return resp, ae
}

func (c *Client) send(ctx context.Context, base string, body []byte) (model.Response, outcome, *attemptError) {
	actx, cancel := context.WithTimeout(ctx, c.cfg.AttemptTimeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(actx, http.MethodPost, base+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return model.Response{}, neutral, &attemptError{err: fmt.Errorf("openai: %w", err)}
	}
	hreq.Header.Set("Content-Type", "application/json")
	if c.cfg.APIKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	// transient is a fault of this attempt that another may not have.
	transient := func(what string, err error) (model.Response, outcome, *attemptError) {
		if ctx.Err() != nil {
			return model.Response{}, neutral, &attemptError{err: ctx.Err()}
		}
		o := broken
		if actx.Err() != nil {
			o, err = fault, fmt.Errorf("no reply within the attempt timeout %v", c.cfg.AttemptTimeout)
		}
		return model.Response{}, o, &attemptError{err: fmt.Errorf("openai: %s %s: %w", what, base, err), retryable: true}
	}
	hresp, err := c.http.Do(hreq)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is named once, below
		}
		return transient("sending to", err)
	}
	defer hresp.Body.Close()
	b, err := readBounded(hresp.Body, c.cfg.MaxReplyBytes)
	if errors.Is(err, errTooLarge) {
		return model.Response{}, neutral, &attemptError{err: fmt.Errorf("openai: reply from %s: %w", base, err)}
	}
	if err != nil {
		return transient("reading reply from", err)
	}
	if hresp.StatusCode/100 != 2 {
		se := &StatusError{Code: hresp.StatusCode, Message: redact(errorMessage(b), c.cfg.APIKey)}
		ae := &attemptError{err: se, retryable: retryableStatus(se.Code)}
		ae.wait, ae.asked = retryAfter(hresp.Header, time.Now())
		switch {
		case se.Code == http.StatusTooManyRequests:
			return model.Response{}, overload, ae
		case se.Code >= 500 || se.Code == http.StatusRequestTimeout:
			return model.Response{}, fault, ae
		}
		return model.Response{}, neutral, ae
	}
	resp, err := decodeReply(b)
	if err != nil {
		return transient("decoding reply from", err)
	}
	return resp, success, nil
}

func (c *Client) redactResponse(r model.Response) model.Response {
	k := c.cfg.APIKey
	r.Text = redact(r.Text, k)
	for i := range r.ToolCalls {
		r.ToolCalls[i].Arguments = redact(r.ToolCalls[i].Arguments, k)
		r.ToolCalls[i].Name = redact(r.ToolCalls[i].Name, k)
	}
	return r
}

// redact hides key in s. Keys under 8 characters are left alone: they
// would match ordinary text.
func redact(s, key string) string {
	if len(key) < 8 {
		return s
	}
	return strings.ReplaceAll(s, key, "[redacted]")
}

// redacted shows an error with the API key hidden, keeping the chain for
// errors.As.
type redacted struct {
	err error
	key string
}

func (r redacted) Error() string { return redact(r.err.Error(), r.key) }
func (r redacted) Unwrap() error { return r.err }

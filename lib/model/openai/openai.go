// Package openai is a model.Model for OpenAI-compatible chat-completions
// servers (vLLM, SGLang, llama.cpp server, Ollama, hosted APIs), one or
// several at once, for measurement at scale. Activations always come from
// local weights (lib/model/llama), never from a server.
//
// The client is the one retry layer between a study and a server. One
// function, CheckRetry, classifies every attempt: 408, 409, 429, 5xx,
// dropped connections, timeouts and mangled replies are retried after
// Backoff's capped, jittered exponential wait (or the server's Retry-After,
// up to a cap); other 4xx and oversized replies are not. Once it gives up it returns a
// permanent model.Error carrying the attempts it made, so callers record
// the failure instead of retrying on top.
//
// Each base URL has its own adaptive concurrency limit (additive increase
// while latency is steady, multiplicative decrease on timeouts, 5xx, 429
// and latency growth, which is how a queueing server such as vLLM says it
// is saturated) and its own circuit breaker (open after repeated faults,
// then one half-open probe at a time). Requests go to the healthy endpoint
// with the most room. Redirects are never followed (the key would go with
// them): they fail the call with a RedirectError naming the target. The API
// key is redacted from a reply's bytes and from every string kept of it
// before anything is shortened.
package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	// BackoffMax (default 8s) and is shortened by up to 25% at random
	// (see Backoff).
	BackoffBase, BackoffMax time.Duration
	// Jitter returns numbers in [0, 1) for the backoff's randomisation;
	// nil means the client's own source.
	Jitter func() float64
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
	// GiveUpAfter is how long every endpoint's breaker may stay open with
	// no success before the client gives up for good: every call then
	// fails at once with model.ErrUnavailable, which ends a measurement
	// run (default DefaultGiveUpAfter).
	GiveUpAfter time.Duration
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
	def(&c.GiveUpAfter, DefaultGiveUpAfter)
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
	cfg    Config
	http   *http.Client
	pool   *pool
	jitter func() float64
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
	if cfg.GiveUpAfter < 0 {
		return nil, fmt.Errorf("openai: give-up time %v is negative", cfg.GiveUpAfter)
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
		tolerance: cfg.LatencyTolerance, breakerFailures: cfg.BreakerFailures, cooldown: cfg.BreakerCooldown, maxCool: time.Minute, giveUp: cfg.GiveUpAfter}
	// Timeouts come from contexts, per attempt and per call.
	c := &Client{cfg: cfg, pool: newPool(urls, lim), jitter: cfg.Jitter}
	if c.jitter == nil {
		c.jitter = lockedJitter(uint64(time.Now().UnixNano()))
	}
	c.http = &http.Client{Transport: rt, CheckRedirect: c.refuseRedirect}
	return c, nil
}

// Name implements model.Model.
func (c *Client) Name() string { return "openai:" + c.cfg.Model }

// Endpoints reports each base URL's limit, breaker and counts.
func (c *Client) Endpoints() []EndpointStats { return c.pool.stats() }

// Close drops idle connections and stops the give-up clock.
func (c *Client) Close() {
	c.http.CloseIdleConnections()
	c.pool.mu.Lock()
	c.pool.upLocked()
	c.pool.mu.Unlock()
}

// attemptError is one failed attempt, classified by CheckRetry.
type attemptError struct {
	err     error
	class   Outcome
	wait    time.Duration // server's Retry-After
	asked   bool          // the server sent Retry-After
	waiting bool          // no endpoint was free: nothing was sent
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
			return resp, nil
		}
		if ctx.Err() != nil {
			// The caller gave up: not a failure of the call.
			return model.Response{}, ctx.Err()
		}
		if err := c.pool.unavailable(); err != nil {
			// Every server is gone: not this call's failure, and no retry
			// can help, so the caller stops instead of failing call by call.
			if !ae.waiting {
				err = fmt.Errorf("%w; last error of this call: %w", err, ae.err)
			}
			return model.Response{}, &model.Error{Err: redacted{fmt.Errorf("openai: %w", err), c.cfg.APIKey}, Attempts: sent}
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
		if !ae.class.Retryable() {
			return model.Response{}, &model.Error{Err: redacted{ae.err, c.cfg.APIKey}, Attempts: sent}
		}
		if attempt > c.cfg.MaxRetries {
			return model.Response{}, giveUp("gave up")
		}
		wait := Backoff(attempt, c.cfg.BackoffBase, c.cfg.BackoffMax, c.jitter)
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
		return model.Response{}, &attemptError{err: fmt.Errorf("waiting for a free endpoint: %w", err), class: Canceled, waiting: true}
	}
	started := time.Now()
	resp, ae := c.send(ctx, sl.ep.url, body)
	o := Success
	if ae != nil {
		o = ae.class
	}
	c.pool.release(sl, o, started, time.Since(started))
	return resp, ae
}

// send makes one request to base; every outcome is classified by CheckRetry.
func (c *Client) send(ctx context.Context, base string, body []byte) (model.Response, *attemptError) {
	actx, cancel := context.WithTimeout(ctx, c.cfg.AttemptTimeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(actx, http.MethodPost, base+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return model.Response{}, &attemptError{err: fmt.Errorf("openai: %w", err), class: Rejected}
	}
	hreq.Header.Set("Content-Type", "application/json")
	if c.cfg.APIKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	// failed classifies an attempt that got no usable reply.
	failed := func(what string, status int, err error) (model.Response, *attemptError) {
		if ctx.Err() != nil {
			return model.Response{}, &attemptError{err: ctx.Err(), class: Canceled}
		}
		if actx.Err() != nil {
			err = fmt.Errorf("no reply within the attempt timeout %v: %w", c.cfg.AttemptTimeout, context.DeadlineExceeded)
		}
		return model.Response{}, &attemptError{err: fmt.Errorf("openai: %s %s: %w", what, base, err), class: CheckRetry(ctx, status, err)}
	}
	hresp, err := c.http.Do(hreq)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is named once, below
		}
		return failed("sending to", 0, err)
	}
	defer hresp.Body.Close()
	b, err := readBounded(hresp.Body, c.cfg.MaxReplyBytes)
	if err != nil {
		return failed("reading reply from", hresp.StatusCode, err)
	}
	// The key leaves the reply before anything reads it, let alone cuts
	// it short; decoded strings are redacted again (the key may come
	// JSON-escaped).
	if len(c.cfg.APIKey) >= minKeyLen {
		b = bytes.ReplaceAll(b, []byte(c.cfg.APIKey), []byte(redactedMark))
	}
	if class := CheckRetry(ctx, hresp.StatusCode, nil); class != Success {
		se := &StatusError{Code: hresp.StatusCode, Message: errorMessage(b, c.cfg.APIKey)}
		ae := &attemptError{err: se, class: class}
		ae.wait, ae.asked = retryAfter(hresp.Header, time.Now())
		return model.Response{}, ae
	}
	resp, err := decodeReply(b, c.cfg.APIKey)
	if err != nil {
		return failed("decoding reply from", hresp.StatusCode, err)
	}
	return resp, nil
}

// minKeyLen is the shortest key redacted: shorter ones would match
// ordinary text.
const minKeyLen = 8

// redactedMark replaces the key.
const redactedMark = "[redacted]"

// redact hides key in s.
func redact(s, key string) string {
	if len(key) < minKeyLen {
		return s
	}
	return strings.ReplaceAll(s, key, redactedMark)
}

// redacted shows an error with the API key hidden, keeping the chain for
// errors.As.
type redacted struct {
	err error
	key string
}

func (r redacted) Error() string { return redact(r.err.Error(), r.key) }
func (r redacted) Unwrap() error { return r.err }

package openai

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"
)

// Outcome is what one attempt means: whether the call may send the request
// again, and what it says about the endpoint's health (for its adaptive
// limit and circuit breaker). CheckRetry is the one place it is decided.
type Outcome int

const (
	// Success is a 2xx reply that decoded.
	Success Outcome = iota
	// Rejected is a request or reply that sending again cannot fix: a 4xx
	// other than 408, 409 and 429, a 1xx or 3xx, a redirect (never
	// followed), a reply over the size bound. It says nothing about load.
	Rejected
	// Conflict is a 409: worth sending again, and no sign of load.
	Conflict
	// Overload is a 429: the server pushes back, so send less, but it is
	// alive.
	Overload
	// Fault is a 408, a 5xx or no reply within the attempt timeout: the
	// server may be overloaded or down.
	Fault
	// Broken is a refused or dropped connection or a mangled reply: the
	// server may be down, but it says nothing about load.
	Broken
	// Canceled is an attempt cut short because the call's own context
	// ended: the caller gave up or the call deadline passed.
	Canceled
)

var outcomeNames = [...]string{"success", "rejected", "conflict", "overload", "fault", "broken", "canceled"}

func (o Outcome) String() string {
	if o >= 0 && int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "outcome(?)"
}

// Retryable reports whether the call may send the request again.
func (o Outcome) Retryable() bool {
	switch o {
	case Conflict, Overload, Fault, Broken:
		return true
	}
	return false
}

// CheckRetry classifies one attempt. ctx is the call's context: once it has
// ended the attempt is Canceled whatever else happened. status is the HTTP
// status of the reply (0 if none came) and err the attempt's error, from
// sending, reading or decoding (nil for a reply that decoded or a non-2xx
// status). A timeout error (context.DeadlineExceeded, or a net.Error that
// says so) is the attempt's own timeout, a Fault.
func CheckRetry(ctx context.Context, status int, err error) Outcome {
	if ctx.Err() != nil {
		return Canceled
	}
	if err != nil {
		var re *RedirectError
		var ne net.Error
		switch {
		case errors.Is(err, errTooLarge), errors.As(err, &re):
			return Rejected
		case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
			return Fault
		}
		return Broken
	}
	switch {
	case status >= 200 && status < 300:
		return Success
	case status == http.StatusTooManyRequests:
		return Overload
	case status == http.StatusConflict:
		return Conflict
	case status == http.StatusRequestTimeout || status >= 500:
		return Fault
	}
	return Rejected
}

// Backoff is the wait before retry number attempt (1 is the first retry):
// base, doubled for every earlier retry up to limit (at least base), then
// shortened by up to a quarter by jitter, which returns numbers in [0, 1)
// (nil: no jitter), so that many callers failing together do not retry in
// lockstep. It is pure: the caller owns the random source.
func Backoff(attempt int, base, limit time.Duration, jitter func() float64) time.Duration {
	if base <= 0 {
		return 0
	}
	limit = max(limit, base)
	d := base
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2 // d < limit before doubling, so this cannot overflow
	}
	d = min(d, limit)
	if jitter != nil {
		j := min(max(jitter(), 0), 1)
		d -= time.Duration(j * 0.25 * float64(d))
	}
	return d
}

// lockedJitter is a client's own random source for Backoff, safe for
// concurrent calls.
func lockedJitter(seed uint64) func() float64 {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, 0x6a177e5))
	return func() float64 {
		mu.Lock()
		defer mu.Unlock()
		return r.Float64()
	}
}

// RedirectError is a redirect the client refused to follow: following it
// would send the API key (and the prompt) to wherever the server points,
// and 301/302/303 would turn the POST into a body-less GET whose reply could
// pass for the model's answer. It is never retried.
type RedirectError struct {
	// Status is the redirect's HTTP status; To is the Location it named.
	Status int
	To     string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("server answered %d %s to %s: redirects are not followed (the API key would go with them); if that is the server, make it the base URL",
		e.Status, http.StatusText(e.Status), e.To)
}

// refuseRedirect is the HTTP client's CheckRedirect: it stops every
// redirect before a request is sent to the target (whose URL is kept with
// the key redacted, should the server have put it there).
func (c *Client) refuseRedirect(req *http.Request, _ []*http.Request) error {
	status := 0
	if req.Response != nil {
		status = req.Response.StatusCode
	}
	return &RedirectError{Status: status, To: redact(req.URL.String(), c.cfg.APIKey)}
}

package model

import (
	"context"
	"errors"
	"time"
)

// Error is a model failure that says whether sending the same request again
// can help, so that exactly one layer retries: a model that retries inside
// (lib/model/openai) hands back a permanent Error once it gives up, and the
// caller records it instead of retrying on top.
type Error struct {
	Err error
	// Retryable is true when the same request may succeed if sent again
	// (overload, timeout, dropped connection, server fault).
	Retryable bool
	// RetryAfter is the wait the server asked for before a retry; 0 if none.
	RetryAfter time.Duration
	// Attempts is how many times the model sent the request; 0 means once.
	Attempts int
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Transient marks err as worth retrying; nil stays nil.
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Err: err, Retryable: true}
}

// Permanent marks err as not worth retrying now; nil stays nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Err: err}
}

// Retryable reports whether a caller should send the request again. Errors
// a model did not classify count as retryable (the behaviour before models
// classified their errors); cancellation and expired deadlines of the
// caller's own context never do.
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	var me *Error
	if errors.As(err, &me) {
		return me.Retryable
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// RetryAfter is the wait a retryable error asks for; 0 if none.
func RetryAfter(err error) time.Duration {
	var me *Error
	if errors.As(err, &me) {
		return me.RetryAfter
	}
	return 0
}

// Attempts is how many requests a call that ended in err actually sent
// (at least 1).
func Attempts(err error) int {
	var me *Error
	if errors.As(err, &me) && me.Attempts > 1 {
		return me.Attempts
	}
	return 1
}

// ErrUnavailable marks a model that has stopped answering altogether (for
// a served model: every server unreachable for its give-up time, with no
// success). A caller stops the whole run on it, keeping what it stored,
// instead of failing every remaining call one by one; the next run resumes.
var ErrUnavailable = errors.New("model unavailable")

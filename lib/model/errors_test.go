package model

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestErrorKinds(t *testing.T) {
	plain := errors.New("boom")
	gaveUp := fmt.Errorf("calling: %w", &Error{Err: plain, Attempts: 5})
	slow := &Error{Err: plain, Retryable: true, RetryAfter: 3 * time.Second}
	cases := []struct {
		name      string
		err       error
		retryable bool
		attempts  int
		after     time.Duration
	}{
		{"nil", nil, false, 1, 0},
		{"unclassified", plain, true, 1, 0},
		{"transient", Transient(plain), true, 1, 0},
		{"permanent", Permanent(plain), false, 1, 0},
		{"gave up, wrapped", gaveUp, false, 5, 0},
		{"asks to wait", slow, true, 1, 3 * time.Second},
		{"cancelled", fmt.Errorf("x: %w", context.Canceled), false, 1, 0},
		{"deadline", context.DeadlineExceeded, false, 1, 0},
	}
	for _, c := range cases {
		if Retryable(c.err) != c.retryable || Attempts(c.err) != c.attempts || RetryAfter(c.err) != c.after {
			t.Errorf("%s: Retryable %v, Attempts %d, RetryAfter %v; want %v, %d, %v", c.name,
				Retryable(c.err), Attempts(c.err), RetryAfter(c.err), c.retryable, c.attempts, c.after)
		}
	}
	if !errors.Is(gaveUp, plain) || gaveUp.Error() != "calling: boom" {
		t.Errorf("wrapping lost the cause: %v", gaveUp)
	}
	if Transient(nil) != nil || Permanent(nil) != nil {
		t.Error("nil errors must stay nil")
	}
}

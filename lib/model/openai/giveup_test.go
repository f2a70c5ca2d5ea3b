package openai

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/openai/fakeserver"
)

// TestGivesUpOnADeadServer: with every request dropped and a call deadline
// far away, concurrent calls end once the breaker has been open for
// GiveUpAfter, each with a permanent model.ErrUnavailable; a later call
// fails at once without sending anything.
func TestGivesUpOnADeadServer(t *testing.T) {
	for _, fault := range []string{fakeserver.Drop, "503", fakeserver.Hang} {
		fs := fakeserver.Start(fakeserver.Config{Model: echoModel{}, FaultRate: 1, Faults: []string{fault}})
		c := fastClient(t, []string{fs.URL()}, func(c *Config) {
			c.CallTimeout, c.MaxRetries, c.AttemptTimeout = time.Hour, 1000, 50*time.Millisecond
			c.BreakerFailures, c.BreakerCooldown, c.GiveUpAfter = 3, 20*time.Millisecond, 200*time.Millisecond
		})
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = ask(c, fmt.Sprint("w", i))
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if !errors.Is(err, model.ErrUnavailable) || model.Retryable(err) || !strings.Contains(err.Error(), "give_up_after") {
				t.Errorf("%s: call %d: error %v; want a permanent ErrUnavailable naming give_up_after", fault, i, err)
			}
		}
		before := len(fs.Hits())
		if _, err := ask(c, "later"); !errors.Is(err, model.ErrUnavailable) || model.Attempts(err) != 1 || len(fs.Hits()) != before {
			t.Errorf("%s: a call after giving up: %v after %d more requests; want ErrUnavailable and none", fault, err, len(fs.Hits())-before)
		}
		fs.Close()
	}
}

// TestRecoveryStopsTheGiveUpClock: a server that fails long enough to open
// the breaker and then answers is not given up on, however long the client
// lives after.
func TestRecoveryStopsTheGiveUpClock(t *testing.T) {
	var failing atomic.Bool
	failing.Store(true)
	fs := fakeserver.Start(fakeserver.Config{Model: echoModel{}, Decide: func(string, int, model.Request) string {
		if failing.Load() {
			return "503"
		}
		return ""
	}})
	defer fs.Close()
	c := fastClient(t, []string{fs.URL()}, func(c *Config) {
		c.MaxRetries, c.BreakerFailures, c.BreakerCooldown, c.GiveUpAfter = 1000, 2, 30*time.Millisecond, 150*time.Millisecond
	})
	// Fail until the breaker opens, then heal: the probe succeeds.
	go func() {
		for c.Endpoints()[0].Faulted < 2 {
			time.Sleep(time.Millisecond)
		}
		failing.Store(false)
	}()
	if _, err := ask(c, "x"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // past the give-up time of the outage
	if resp, err := ask(c, "y"); err != nil || resp.Text != "y" {
		t.Fatalf("after recovery: %+v, %v; want an answer", resp, err)
	}
}

func TestNegativeGiveUpIsRefused(t *testing.T) {
	if _, err := New(Config{BaseURLs: []string{"http://a/v1"}, Model: "m", GiveUpAfter: -time.Second}); err == nil || !strings.Contains(err.Error(), "give-up time") {
		t.Errorf("error %v", err)
	}
}

// A reply to an attempt sent before the breaker opened arrives after it
// opened: it stops the give-up clock, but the breaker stays open. The next
// failed probe must start the clock again, or a dead server is never given
// up on (the hang TestServedDeadServerGivesUp caught once).
func TestLateSuccessDoesNotStopGivingUp(t *testing.T) {
	p := newPool([]string{"http://a"}, limits{min: 1, max: 256, initial: 8, tolerance: 1.5, breakerFailures: 1, cooldown: time.Millisecond, maxCool: time.Millisecond, giveUp: 20 * time.Millisecond})
	ctx := context.Background()
	early, err := p.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	failing, err := p.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.release(failing, Broken, time.Now(), time.Millisecond) // the breaker opens, the clock starts
	p.release(early, Success, time.Now(), time.Millisecond)  // a late success stops it
	deadline := time.Now().Add(5 * time.Second)
	for p.unavailable() == nil && time.Now().Before(deadline) {
		probe, err := p.acquire(ctx) // half-open: one probe at a time
		if err != nil {
			break
		}
		p.release(probe, Broken, time.Now(), time.Millisecond)
	}
	if err := p.unavailable(); !errors.Is(err, model.ErrUnavailable) {
		t.Fatalf("after a late success and failing probes: %v, want the client to give up", err)
	}
}

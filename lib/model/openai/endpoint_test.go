package openai

import (
	"context"
	"testing"
	"time"
)

// drive sends n attempts through p, keeping it full, each ending in the
// Outcome out(i) after latency lat.
func drive(t *testing.T, p *pool, n int, lat time.Duration, out func(i int) Outcome) {
	t.Helper()
	type held1 struct {
		s       slot
		started time.Time
	}
	var held []held1
	for i := 0; i < n; i++ {
		for {
			p.mu.Lock()
			ep := p.pickLocked(time.Now())
			var s slot
			if ep != nil {
				s = p.takeLocked(ep)
			}
			p.mu.Unlock()
			if ep == nil {
				break
			}
			held = append(held, held1{s, time.Now()})
		}
		if len(held) == 0 {
			t.Fatal("no slot free and none held")
		}
		s := held[0]
		held = held[1:]
		p.release(s.s, out(i), s.started, lat)
	}
	for _, s := range held {
		p.release(s.s, Canceled, s.started, lat)
	}
}

func TestLimitGrowsAndCutsOnOverload(t *testing.T) {
	p := newPool([]string{"http://a"}, limits{min: 1, max: 256, initial: 8, tolerance: 1.5, breakerFailures: 1000, cooldown: time.Second, maxCool: time.Second})
	ok := func(int) Outcome { return Success }
	drive(t, p, 2000, 10*time.Millisecond, ok)
	if l := p.eps[0].limit; l < 200 {
		t.Fatalf("limit %.1f after 2000 steady successes, want it near the 256 bound", l)
	}
	// Isolated faults (3%, of every kind) are left to the retry layer.
	before := p.eps[0].limit
	kinds := []Outcome{Fault, Overload, Broken}
	drive(t, p, 2000, 10*time.Millisecond, func(i int) Outcome {
		if i%33 == 0 {
			return kinds[(i/33)%3]
		}
		return Success
	})
	if l := p.eps[0].limit; l < before {
		t.Errorf("limit fell from %.1f to %.1f on 3%% isolated faults", before, l)
	}
	// A storm of 503s and timeouts cuts hard, once per round trip (the
	// attempts in flight when it cut do not count again).
	drive(t, p, 2000, 10*time.Millisecond, func(i int) Outcome {
		if i%2 == 0 {
			return Fault
		}
		return Success
	})
	if l := p.eps[0].limit; l > 32 {
		t.Errorf("limit %.1f after half the attempts failed with 5xx, want it cut", l)
	}
	// Broken connections open the breaker but do not move the limit.
	p.lim.breakerFailures = 5
	l := p.eps[0].limit
	drive(t, p, 5, time.Millisecond, func(int) Outcome { return Broken })
	if !(p.eps[0].state == open) || p.eps[0].limit != l {
		t.Errorf("after 5 dropped connections: state %v limit %.1f (was %.1f), want open and unchanged", p.eps[0].state, p.eps[0].limit, l)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := p.acquire(ctx); err == nil {
		t.Error("acquire succeeded while the only breaker is open")
	}
}

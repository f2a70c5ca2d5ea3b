package openai

import (
	"fmt"
	"time"

	"github.com/prefscope/prefscope/lib/model"
)

// DefaultGiveUpAfter is how long every endpoint may stay unreachable
// before the client gives up, when Config.GiveUpAfter is 0.
const DefaultGiveUpAfter = 3 * time.Minute

// outage tracks how long every endpoint has been unreachable, so that a
// dead server is given up on once, instead of each remaining call waiting
// out its whole call deadline. All fields are guarded by pool.mu.
type outage struct {
	// since is when the last closed breaker opened, leaving none closed;
	// zero while some endpoint's breaker is closed or one has succeeded
	// since.
	since time.Time
	timer *time.Timer
	// dead is closed, and err set, once the client has given up.
	dead chan struct{}
	err  error
}

// downLocked notes that an endpoint's breaker opened at now: once no
// breaker is closed, the give-up clock starts.
func (p *pool) downLocked(now time.Time) {
	if p.out.err != nil || !p.out.since.IsZero() {
		return
	}
	for _, ep := range p.eps {
		if ep.state == closed {
			return
		}
	}
	p.out.since = now
	p.out.timer = time.AfterFunc(p.lim.giveUp, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.out.since.Equal(now) && p.out.err == nil {
			p.giveUpLocked()
		}
	})
}

// upLocked notes a sign of life (a success, or a 429): the clock stops.
func (p *pool) upLocked() {
	p.out.since = time.Time{}
	if p.out.timer != nil {
		p.out.timer.Stop()
		p.out.timer = nil
	}
}

// giveUpLocked marks the client as given up and wakes every waiting call.
func (p *pool) giveUpLocked() {
	p.out.err = fmt.Errorf("%w: no server has answered successfully in the %v since their circuit breakers opened at %s UTC (give_up_after)",
		model.ErrUnavailable, p.lim.giveUp, p.out.since.UTC().Format(time.TimeOnly))
	p.out.timer = nil
	close(p.out.dead)
}

// unavailable is the give-up error once the client has given up, else nil.
func (p *pool) unavailable() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.err
}

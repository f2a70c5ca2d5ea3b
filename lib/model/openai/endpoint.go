package openai

import (
	"context"
	"math"
	"sync"
	"time"
)

// outcome is what one attempt tells the endpoint about its health.
type outcome int

const (
	// neutral says nothing about load: the request was wrong (4xx) or the
	// caller gave up.
	neutral outcome = iota
	success
	// overload is a 429: the server is pushing back, so send less, but it is
	// alive.
	overload
	// fault is a timeout or a 5xx: the server may be overloaded or down.
	fault
	// broken is a refused or dropped connection or a mangled reply: the
	// server may be down, but it says nothing about load.
	broken
)

type breakerState int

const (
	closed breakerState = iota
	open
	halfOpen
)

// endpoint is one base URL with its own adaptive concurrency limit and
// circuit breaker. All fields are guarded by pool.mu.
type endpoint struct {
	url      string
	inflight int

	// AIMD limit: slow start (+1 per success) up to ssthresh, then +1/limit
	// per success while latency is steady; x0.7 when 429s, 5xx and
	// timeouts pass a tenth of attempts, or latency passes tolerance x
	// baseline. After a cut nothing counts until
	// the limit holds (the first request admitted under it: the server
	// then has fewer requests than the limit), so each cut is judged on
	// attempts sent under it.
	limit, ssthresh float64
	ewma, baseline  float64 // smoothed latency and its running low, seconds
	settled         bool
	since           time.Time   // when the current limit began to hold
	win             [64]float64 // last latencies of attempts sent since then, a ring
	winN            int
	// 429s, 5xx and timeouts among the last attempts sent since then
	// (counted over about two limits' worth).
	bad, counted int
	// A latency cut in congestion avoidance is an experiment: if the
	// throughput of attempts sent under the lower limit fell with it, the
	// rise was not queueing at this server (a slower workload, a busy
	// client), so the cut is undone and the baseline moves up.
	testing     bool
	pre, undoTo float64
	testLen     int

	state     breakerState
	failures  int // consecutive faults
	openUntil time.Time
	cooldown  time.Duration

	sent, succeeded, faulted int
}

// EndpointStats is a snapshot of one base URL's state.
type EndpointStats struct {
	URL string
	// Limit is the adaptive concurrency limit; InFlight the requests now sent.
	Limit    float64
	InFlight int
	// Open is true while the circuit breaker keeps requests away.
	Open bool
	// Sent, Succeeded and Faulted count attempts.
	Sent, Succeeded, Faulted int
	// LatencyMS is the smoothed latency of successful attempts.
	LatencyMS float64
}

type limits struct {
	min, max, initial float64
	tolerance         float64
	breakerFailures   int
	cooldown, maxCool time.Duration
}

// pool hands out request slots over the endpoints, first come first
// served, to the healthy endpoint with the most room.
type pool struct {
	mu      sync.Mutex
	eps     []*endpoint
	waiters []chan *endpoint
	next    int
	timer   *time.Timer // wakes waiters when an open breaker may half-open
	lim     limits
}

func newPool(urls []string, lim limits) *pool {
	p := &pool{lim: lim}
	for _, u := range urls {
		p.eps = append(p.eps, &endpoint{url: u, limit: lim.initial, ssthresh: math.Inf(1), cooldown: lim.cooldown, settled: true})
	}
	return p
}

// acquire waits for a slot on some endpoint.
func (p *pool) acquire(ctx context.Context) (*endpoint, error) {
	p.mu.Lock()
	if len(p.waiters) == 0 {
		if ep := p.pickLocked(time.Now()); ep != nil {
			p.takeLocked(ep)
			p.mu.Unlock()
			return ep, nil
		}
	}
	ch := make(chan *endpoint, 1)
	p.waiters = append(p.waiters, ch)
	p.dispatchLocked()
	p.mu.Unlock()
	select {
	case ep := <-ch:
		return ep, nil
	case <-ctx.Done():
		p.mu.Lock()
		defer p.mu.Unlock()
		for i, w := range p.waiters {
			if w == ch {
				p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
				return nil, ctx.Err()
			}
		}
		// Granted while giving up: hand the slot on.
		ep := <-ch
		ep.inflight--
		if ep.state == halfOpen {
			ep.state, ep.openUntil = open, time.Time{}
		}
		p.dispatchLocked()
		return nil, ctx.Err()
	}
}

// release returns a slot with what its attempt showed.
func (p *pool) release(ep *endpoint, o outcome, started time.Time, latency time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	busy := float64(ep.inflight) >= ep.limit/2
	ep.inflight--
	switch o {
	case success:
		ep.succeeded++
		ep.failures = 0
		if ep.state == halfOpen {
			// Back from an outage: climb back in slow start.
			ep.state, ep.cooldown, ep.ssthresh = closed, p.lim.cooldown, math.Inf(1)
		}
		p.observe(ep, latency.Seconds(), started, now, busy)
	case overload:
		ep.faulted++
		if ep.state == halfOpen {
			ep.state = closed
		}
		p.overloaded(ep, started)
	case fault, broken:
		ep.faulted++
		ep.failures++
		if o == fault {
			p.overloaded(ep, started)
		}
		if ep.state == halfOpen {
			ep.cooldown = min(2*ep.cooldown, p.lim.maxCool)
			ep.state, ep.openUntil = open, now.Add(ep.cooldown)
		} else if ep.state == closed && ep.failures >= p.lim.breakerFailures {
			ep.state, ep.openUntil = open, now.Add(ep.cooldown)
		}
	default:
		if ep.state == halfOpen {
			// The probe told nothing: let another one through.
			ep.state, ep.openUntil = open, time.Time{}
		}
	}
	p.dispatchLocked()
}

// observe feeds a successful attempt's latency to the limit.
func (p *pool) observe(ep *endpoint, l float64, started, now time.Time, busy bool) {
	const alpha = 0.1
	if ep.ewma == 0 {
		ep.ewma, ep.baseline = l, l
	} else {
		ep.ewma += alpha * (l - ep.ewma)
		ep.baseline = min(ep.baseline, ep.ewma)
	}
	current := ep.settled && started.After(ep.since)
	if current {
		ep.win[ep.winN%len(ep.win)] = l
		ep.winN++
		ep.count()
	}
	if ep.testing {
		if !current || ep.winN < ep.testLen {
			return
		}
		ep.testing = false
		post := ep.recentMean()
		// Past the knee a cut leaves throughput (limit / latency) as it
		// was and only shortens the queue; below it, throughput falls with
		// the limit and latency stays.
		if ep.limit/post < 0.9*ep.undoTo/ep.pre {
			// Halfway, so that a test lost to noise does not ratchet the
			// baseline up; a lasting shift passes in a few tests.
			ep.baseline, ep.ewma, ep.limit = (ep.baseline+post)/2, post, max(ep.limit, ep.undoTo)
			ep.ssthresh, ep.since, ep.winN, ep.bad, ep.counted = ep.limit, time.Now(), 0, 0, 0
		}
		return
	}
	switch {
	case current && ep.winN >= 8 && ep.ewma > p.lim.tolerance*ep.baseline && ep.recentMean() > p.lim.tolerance*ep.baseline:
		// Latency is up, smoothed and in the attempts sent under this
		// limit. In slow start those lag the limit too much for a test.
		test, pre, undo := ep.limit >= ep.ssthresh, ep.recentMean(), ep.limit
		p.cut(ep, started)
		if test {
			ep.testing, ep.pre, ep.undoTo, ep.testLen = true, pre, undo, max(16, min(len(ep.win), int(ep.limit)))
		}
	case !busy:
		// The caller is not using the limit: raising it would only make
		// it meaningless when load comes.
	case ep.limit < ep.ssthresh:
		ep.limit = min(ep.limit+1, p.lim.max)
	default:
		ep.limit = min(ep.limit+1/ep.limit, p.lim.max)
	}
}

// overloaded counts a 429, 5xx or timeout against the current limit and
// cuts it once they pass a tenth of recent attempts sent under it: isolated
// faults are the retry layer's business, many say the server is drowning.
func (p *pool) overloaded(ep *endpoint, started time.Time) {
	if !ep.settled || !started.After(ep.since) {
		return
	}
	ep.bad++
	ep.counted++
	if ep.bad >= 2 && ep.counted >= 10 && 10*ep.bad >= ep.counted {
		p.cut(ep, started)
	}
}

// count notes a success for the fault rate, starting afresh every two
// limits' worth of attempts.
func (ep *endpoint) count() {
	if ep.counted++; ep.counted >= max(20, 2*int(ep.limit)) {
		ep.bad, ep.counted = 0, 0
	}
}

// recentMean is the mean latency of the last attempts sent under the
// current limit.
func (ep *endpoint) recentMean() float64 {
	n := min(ep.winN, len(ep.win))
	sum := 0.0
	for k := 0; k < n; k++ {
		sum += ep.win[k]
	}
	return sum / float64(max(n, 1))
}

// cut decreases the limit, once per limit: attempts sent before the last
// cut took hold do not count again.
func (p *pool) cut(ep *endpoint, started time.Time) {
	if !ep.settled || !started.After(ep.since) {
		return
	}
	ep.limit = max(p.lim.min, ep.limit*0.7)
	ep.ssthresh, ep.settled, ep.testing = ep.limit, false, false
}

func (p *pool) takeLocked(ep *endpoint) {
	if !ep.settled {
		ep.settled, ep.since, ep.winN, ep.bad, ep.counted = true, time.Now(), 0, 0, 0
	}
	ep.inflight++
	ep.sent++
	if ep.state == open {
		ep.state = halfOpen
	}
}

// pickLocked is the allowed endpoint with the most free room (nil if
// none): closed breakers under their limit, or one probe to an open breaker
// whose cooldown has passed.
func (p *pool) pickLocked(now time.Time) *endpoint {
	var best *endpoint
	bestRoom := 0.0
	n := len(p.eps)
	for k := 0; k < n; k++ {
		ep := p.eps[(p.next+k)%n]
		var room float64
		switch ep.state {
		case closed:
			room = (math.Floor(ep.limit) - float64(ep.inflight)) / ep.limit
		case open:
			if now.Before(ep.openUntil) || ep.inflight > 0 {
				continue
			}
			room = 1e-9
		default:
			continue
		}
		if room > bestRoom {
			best, bestRoom = ep, room
		}
	}
	p.next = (p.next + 1) % n
	return best
}

// dispatchLocked hands free slots to waiters in arrival order, and arms a
// timer for the moment an open breaker may let a probe through.
func (p *pool) dispatchLocked() {
	now := time.Now()
	for len(p.waiters) > 0 {
		ep := p.pickLocked(now)
		if ep == nil {
			break
		}
		p.takeLocked(ep)
		p.waiters[0] <- ep
		p.waiters = p.waiters[1:]
	}
	if len(p.waiters) == 0 || p.timer != nil {
		return
	}
	var wake time.Time
	for _, ep := range p.eps {
		if ep.state == open && ep.inflight == 0 && (wake.IsZero() || ep.openUntil.Before(wake)) {
			wake = ep.openUntil
		}
	}
	if !wake.IsZero() {
		p.timer = time.AfterFunc(max(wake.Sub(now), time.Millisecond), func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.timer = nil
			p.dispatchLocked()
		})
	}
}

func (p *pool) stats() []EndpointStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []EndpointStats
	for _, ep := range p.eps {
		out = append(out, EndpointStats{URL: ep.url, Limit: ep.limit, InFlight: ep.inflight, Open: ep.state != closed,
			Sent: ep.sent, Succeeded: ep.succeeded, Faulted: ep.faulted, LatencyMS: ep.ewma * 1000})
	}
	return out
}

package openai

import (
	"context"
	"math"
	"sync"
	"time"
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

	// AIMD limit: slow start (+1 per success) up to ssthresh, then about
	// sqrt(limit)/2 per round trip while latency is steady; x0.7 when 429s, 5xx and
	// timeouts pass a tenth of attempts, or latency passes tolerance x
	// baseline. After a cut nothing counts until
	// the limit holds (the first request admitted under it: the server
	// then has fewer requests than the limit), so each cut is judged on
	// attempts sent under it.
	limit, ssthresh float64
	ewma, baseline  float64 // smoothed latency and its running low, seconds
	settled         bool
	since           time.Time  // when the current limit began to hold
	win             [64]sample // last attempts sent since then, a ring
	winN            int
	// 429s, 5xx and timeouts among the last attempts sent since then
	// (counted over about two limits' worth).
	bad, counted int
	// A latency cut is an experiment: if the throughput of attempts sent
	// under the lower limit (by Little's law, from their load and latency)
	// fell with it, the rise was not queueing at this server (a batch
	// that runs slower but serves more, a busy client), so it is undone.
	testing     bool
	pre, undoTo float64 // throughput before the cut, limit to restore
	testLen     int
	quiet       int // successes before latency may cut again, after an undo

	state     breakerState
	failures  int // consecutive faults
	openUntil time.Time
	cooldown  time.Duration

	sent, succeeded, faulted int
}

// sample is one successful attempt: its latency (seconds) and the
// requests in flight when it was sent.
type sample struct{ latency, load float64 }

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
	giveUp            time.Duration
}

// pool hands out request slots over the endpoints, first come first
// served, to the healthy endpoint with the most room.
type pool struct {
	mu      sync.Mutex
	eps     []*endpoint
	waiters []chan slot
	next    int
	timer   *time.Timer // wakes waiters when an open breaker may half-open
	lim     limits
	out     outage
}

func newPool(urls []string, lim limits) *pool {
	p := &pool{lim: lim, out: outage{dead: make(chan struct{})}}
	for _, u := range urls {
		p.eps = append(p.eps, &endpoint{url: u, limit: lim.initial, ssthresh: math.Inf(1), cooldown: lim.cooldown, settled: true})
	}
	return p
}

// slot is a granted request: its endpoint and that endpoint's requests in
// flight with it, for Little's law (throughput = in flight / latency).
type slot struct {
	ep   *endpoint
	load int
}

// acquire waits for a slot on some endpoint.
func (p *pool) acquire(ctx context.Context) (slot, error) {
	p.mu.Lock()
	if err := p.out.err; err != nil {
		p.mu.Unlock()
		return slot{}, err
	}
	if len(p.waiters) == 0 {
		if ep := p.pickLocked(time.Now()); ep != nil {
			s := p.takeLocked(ep)
			p.mu.Unlock()
			return s, nil
		}
	}
	ch := make(chan slot, 1)
	p.waiters = append(p.waiters, ch)
	p.dispatchLocked()
	p.mu.Unlock()
	select {
	case s := <-ch:
		return s, nil
	case <-ctx.Done():
	case <-p.out.dead:
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	err := p.out.err
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	for i, w := range p.waiters {
		if w == ch {
			p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
			return slot{}, err
		}
	}
	// Granted while giving up: hand the slot on.
	ep := (<-ch).ep
	ep.inflight--
	if ep.state == halfOpen {
		ep.state, ep.openUntil = open, time.Time{}
	}
	p.dispatchLocked()
	return slot{}, err
}

// release returns a slot with what its attempt showed.
func (p *pool) release(sl slot, o Outcome, started time.Time, latency time.Duration) {
	ep := sl.ep
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	busy := float64(ep.inflight) >= ep.limit/2
	ep.inflight--
	switch o {
	case Success:
		ep.succeeded++
		ep.failures = 0
		p.upLocked()
		if ep.state == halfOpen {
			// Back from an outage: climb back in slow start.
			ep.state, ep.cooldown, ep.ssthresh = closed, p.lim.cooldown, math.Inf(1)
		}
		p.observe(ep, latency.Seconds(), float64(sl.load), started, busy)
	case Overload:
		ep.faulted++
		p.upLocked()
		if ep.state == halfOpen {
			ep.state = closed
		}
		p.overloaded(ep, started)
	case Fault, Broken:
		ep.faulted++
		ep.failures++
		if o == Fault {
			p.overloaded(ep, started)
		}
		if ep.state == halfOpen {
			ep.cooldown = min(2*ep.cooldown, p.lim.maxCool)
			ep.state, ep.openUntil = open, now.Add(ep.cooldown)
			// A late success (sent before the breaker opened) may have
			// stopped the give-up clock while the breaker stayed open:
			// a failed probe restarts it.
			p.downLocked(now)
		} else if ep.state == closed && ep.failures >= p.lim.breakerFailures {
			ep.state, ep.openUntil = open, now.Add(ep.cooldown)
			p.downLocked(now)
		}
	default: // Rejected, Conflict, Canceled: nothing about health
		if ep.state == halfOpen {
			// The probe told nothing: let another one through.
			ep.state, ep.openUntil = open, time.Time{}
		}
	}
	p.dispatchLocked()
}

// observe feeds a successful attempt's latency l, sent with load requests
// in flight, to the limit.
func (p *pool) observe(ep *endpoint, l, load float64, started time.Time, busy bool) {
	const alpha = 0.1
	if ep.ewma == 0 {
		ep.ewma, ep.baseline = l, l
	} else {
		ep.ewma += alpha * (l - ep.ewma)
		ep.baseline = min(ep.baseline, ep.ewma)
	}
	current := ep.settled && started.After(ep.since)
	if current {
		ep.win[ep.winN%len(ep.win)] = sample{l, load}
		ep.winN++
		ep.count()
	}
	if ep.testing {
		if !current || ep.winN < ep.testLen {
			return
		}
		ep.testing = false
		// Past the knee a cut leaves throughput as it was and only
		// shortens the queue; below it, throughput falls with the limit.
		if ep.throughput() < 0.9*ep.pre {
			// The baseline stays: moving it up on a test lost to noise
			// would blind the limit to real queueing. Latency cuts rest
			// for a few rounds instead.
			ep.limit, ep.quiet = max(ep.limit, ep.undoTo), 4*ep.testLen
			ep.ssthresh, ep.since, ep.winN, ep.bad, ep.counted = ep.limit, time.Now(), 0, 0, 0
		}
		return
	}
	if ep.quiet > 0 {
		ep.quiet--
	}
	lat, load := ep.window()
	switch {
	case current && ep.quiet == 0 && ep.winN >= 8 && ep.ewma > p.lim.tolerance*ep.baseline && lat > p.lim.tolerance*ep.baseline && ep.limit < ep.ssthresh && load < 0.8*ep.limit:
		// Latency rose while the limit grew faster than the attempts
		// showing it (slow start): stop growing fast, and judge the limit
		// on attempts sent under it.
		ep.ssthresh, ep.since, ep.winN = ep.limit, time.Now(), 0
	case current && ep.quiet == 0 && ep.winN >= 8 && ep.ewma > p.lim.tolerance*ep.baseline && lat > p.lim.tolerance*ep.baseline:
		// Latency is up, smoothed and in the attempts sent under this
		// limit: cut, and see whether throughput holds.
		pre, undo := ep.throughput(), ep.limit
		// A caller using less than the limit is cut from what it uses.
		ep.limit = min(ep.limit, max(load, p.lim.min))
		p.cut(ep, started)
		ep.testing, ep.pre, ep.undoTo, ep.testLen = true, pre, undo, max(16, min(len(ep.win), int(ep.limit)))
	case !busy:
		// The caller is not using the limit: raising it would only make
		// it meaningless when load comes.
	case ep.limit < ep.ssthresh:
		ep.limit = min(ep.limit+1, p.lim.max)
	default:
		// sqrt(limit)/2 per round trip (at least 1): large limits win back
		// a cut in tens of round trips, not hundreds.
		ep.limit = min(ep.limit+max(1, math.Sqrt(ep.limit)/2)/ep.limit, p.lim.max)
	}
}

// window is the mean latency and load of the last attempts sent under the
// current limit.
func (ep *endpoint) window() (lat, load float64) {
	n := min(ep.winN, len(ep.win))
	for k := 0; k < n; k++ {
		lat += ep.win[k].latency
		load += ep.win[k].load
	}
	return lat / float64(max(n, 1)), load / float64(max(n, 1))
}

// throughput is Little's law over the window: requests in flight when
// sent over their latency.
func (ep *endpoint) throughput() float64 {
	lat, load := ep.window()
	return load / max(lat, 1e-9)
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

// cut decreases the limit, once per limit: attempts sent before the last
// cut took hold do not count again.
func (p *pool) cut(ep *endpoint, started time.Time) {
	if !ep.settled || !started.After(ep.since) {
		return
	}
	ep.limit = max(p.lim.min, ep.limit*0.7)
	ep.ssthresh, ep.settled, ep.testing = ep.limit, false, false
}

func (p *pool) takeLocked(ep *endpoint) slot {
	if !ep.settled {
		ep.settled, ep.since, ep.winN, ep.bad, ep.counted = true, time.Now(), 0, 0, 0
	}
	ep.inflight++
	ep.sent++
	if ep.state == open {
		ep.state = halfOpen
	}
	return slot{ep, ep.inflight}
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
	if p.out.err != nil {
		return // every waiter wakes on out.dead
	}
	now := time.Now()
	for len(p.waiters) > 0 {
		ep := p.pickLocked(now)
		if ep == nil {
			break
		}
		p.waiters[0] <- p.takeLocked(ep)
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

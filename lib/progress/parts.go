package progress

import "sync"

// DefaultLongRun is Parts.LongRun's default: a run with this many calls to
// make gets a bar of its own (at tens of calls per second, a minute or more).
const DefaultLongRun = 1000

// Parts shows a job made of parts, each a list of runs (a study), as one bar
// per part: the part's runs done, its calls (those already stored counted
// apart), the rate of calls made and the ETA. A run gets a bar of its own,
// beside its part's, only when it is long (LongRun calls or more to make),
// so a part of many short runs is one bar, not one bar per run.
//
// The caller declares each run with Plan before the job starts, then for
// each run passes Run's Bars to the run's engine (which starts its bar with
// the number of calls left to make) and calls RunDone with the run's stored
// calls when the run returns.
// A nil *Parts, or one made from nil Bars, shows nothing. Plan, Run, RunDone
// and Finish are for one goroutine; the Bars returned by Run may be used
// from any.
type Parts struct {
	// LongRun is the least number of calls to make for a run to get its
	// own bar; zero means DefaultLongRun.
	LongRun int

	bars  Bars
	parts map[string]*part
	order []string
}

// part is one part's plan and bar.
type part struct {
	label       string
	runs, calls int
	runsDone    int
	bar         Bar
	finished    bool

	mu sync.Mutex
	// stored is how many calls of the current run the bar has counted as
	// stored (when its engine started its bar).
	stored int
}

// NewParts returns Parts drawing with bars (nil shows nothing).
func NewParts(bars Bars) *Parts {
	return &Parts{bars: bars, parts: map[string]*part{}}
}

// Plan adds one run of calls calls (stored ones included) to part name.
func (p *Parts) Plan(name string, calls int) {
	if p == nil || p.bars == nil {
		return
	}
	pt := p.parts[name]
	if pt == nil {
		pt = &part{label: name}
		p.parts[name] = pt
		p.order = append(p.order, name)
	}
	pt.runs++
	pt.calls += calls
}

// Run starts the next run of part name, of planned calls, and returns the
// Bars its engine uses: the engine's bar (label, calls left to make) counts
// into the part's bar, the planned calls it will not make being stored ones;
// and the run gets its own bar when it has LongRun calls or more to make.
// The part's bar starts at its first run.
func (p *Parts) Run(name string, planned int) Bars {
	if p == nil || p.bars == nil {
		return nil
	}
	pt := p.parts[name]
	if pt == nil { // a run that was not planned: a part of its own
		p.Plan(name, planned)
		pt = p.parts[name]
	}
	if pt.bar == nil {
		pt.bar = Start(p.bars, "part "+pt.label, pt.calls)
		setRuns(pt.bar, 0, pt.runs)
	}
	pt.mu.Lock()
	pt.stored = 0
	pt.mu.Unlock()
	long := p.LongRun
	if long <= 0 {
		long = DefaultLongRun
	}
	return func(label string, todo int) Bar {
		pt.skipStored(planned - todo)
		rb := &runBar{part: pt}
		if todo >= long {
			rb.own = Start(p.bars, label, todo)
		}
		return rb
	}
}

// RunDone ends the current run of part name, of which stored calls were
// found stored (measure.Summary.Cached): those its engine's bar did not
// count (a run stored whole starts no bar) count now. Calls not made
// (cancelled) stay uncounted, so a stopped part shows where it stopped. The
// part's bar finishes with its last run.
func (p *Parts) RunDone(name string, stored int) {
	if p == nil || p.bars == nil || p.parts[name] == nil || p.parts[name].bar == nil {
		return
	}
	pt := p.parts[name]
	pt.mu.Lock()
	left := stored - pt.stored
	pt.mu.Unlock()
	pt.skipStored(left)
	pt.runsDone++
	setRuns(pt.bar, pt.runsDone, pt.runs)
	if pt.runsDone >= pt.runs {
		pt.finish()
	}
}

// Finish finishes every part's bar (a job that stopped early).
func (p *Parts) Finish() {
	if p == nil {
		return
	}
	for _, name := range p.order {
		p.parts[name].finish()
	}
}

// finish finishes the part's bar once (a Bar from elsewhere need not ignore
// a second Finish).
func (pt *part) finish() {
	if pt.bar != nil && !pt.finished {
		pt.finished = true
		pt.bar.Finish()
	}
}

// skipStored counts n calls of the current run found stored.
func (pt *part) skipStored(n int) {
	if n <= 0 {
		return
	}
	pt.mu.Lock()
	pt.stored += n
	pt.mu.Unlock()
	if b, ok := pt.bar.(partBar); ok {
		b.skip(n)
	} else {
		pt.bar.Add(n)
	}
}

// partBar is a Bar of this package: it also counts items that needed no
// work and shows the runs of a part. A Bar from elsewhere gets Add instead.
type partBar interface {
	Bar
	skip(n int)
	setRuns(done, total int)
}

func setRuns(b Bar, done, total int) {
	if pb, ok := b.(partBar); ok {
		pb.setRuns(done, total)
	}
}

// runBar is the engine's bar of one run: it counts into its part's bar and
// into its own bar when the run is long.
type runBar struct {
	part *part
	own  Bar
}

func (b *runBar) Add(n int) {
	b.part.bar.Add(n)
	if b.own != nil {
		b.own.Add(n)
	}
}

func (b *runBar) Finish() {
	if b.own != nil {
		b.own.Finish()
	}
}

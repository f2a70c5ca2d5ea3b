package progress

import (
	"fmt"
	"io"
	"math"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Bar follows one job of a known number of items.
type Bar interface {
	// Add records n more finished items.
	Add(n int)
	// Finish shows the final state (done, or stopped short of the total)
	// and releases the display; later calls to Add and Finish do nothing.
	Finish()
}

// Bars starts a Bar for a job named label with total items.
type Bars func(label string, total int) Bar

// Start starts a bar from bars; a nil bars, or a job with no items, gets a
// Bar that shows nothing.
func Start(bars Bars, label string, total int) Bar {
	if bars == nil || total <= 0 {
		return silent{}
	}
	return bars(label, total)
}

type silent struct{}

func (silent) Add(int) {}
func (silent) Finish() {}

// Stats is the state of a job: Done of Total items after Elapsed. Skipped
// of the Done items needed no work (calls already stored): they count
// towards Done but not towards the rate. Runs, when positive, is the number
// of runs the job is made of (a part of a study), RunsDone those finished.
type Stats struct {
	Done, Total int
	Elapsed     time.Duration
	Skipped     int
	Runs        int
	RunsDone    int
}

// Rate returns the mean number of items worked on per second so far (Done
// less Skipped; 0 before any time has passed).
func (s Stats) Rate() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Done-s.Skipped) / s.Elapsed.Seconds()
}

// ETA returns the estimated time to finish at the mean rate so far; ok is
// false while nothing is done yet.
func (s Stats) ETA() (eta time.Duration, ok bool) {
	r := s.Rate()
	if r <= 0 {
		return 0, false
	}
	left := float64(max(s.Total-s.Done, 0)) / r
	return time.Duration(math.Round(left)) * time.Second, true
}

// Fraction returns Done/Total in [0, 1].
func (s Stats) Fraction() float64 {
	if s.Total <= 0 {
		return 1
	}
	return min(max(float64(s.Done)/float64(s.Total), 0), 1)
}

// String returns "37/100 (37%) 12.3/s ETA 5s"; with runs and skipped
// items, "runs 2/8, 37/100 (37%, 20 stored) 12.3/s ETA 5s".
func (s Stats) String() string {
	eta := "?"
	if d, ok := s.ETA(); ok {
		eta = d.String()
	}
	return fmt.Sprintf("%s%d/%d (%.0f%%%s) %s/s ETA %s", s.runs(), s.Done, s.Total, 100*s.Fraction(), s.stored(), formatRate(s.Rate()), eta)
}

// Summary returns the final line's text: "100/100 in 12s (8.3/s)", or
// "stopped at 37/100 after 12s (3.1/s)" when the job ended short (with the
// runs and stored items as in String).
func (s Stats) Summary() string {
	el := s.Elapsed.Round(time.Second)
	if s.Elapsed < time.Second {
		el = s.Elapsed.Round(time.Millisecond)
	}
	stored := ""
	if s.Skipped > 0 {
		stored = fmt.Sprintf(" (%d stored)", s.Skipped)
	}
	if s.Done >= s.Total {
		return fmt.Sprintf("%s%d/%d%s in %s (%s/s)", s.runs(), s.Done, s.Total, stored, el, formatRate(s.Rate()))
	}
	return fmt.Sprintf("%sstopped at %d/%d%s after %s (%s/s)", s.runs(), s.Done, s.Total, stored, el, formatRate(s.Rate()))
}

func (s Stats) runs() string {
	if s.Runs <= 0 {
		return ""
	}
	return fmt.Sprintf("runs %d/%d, ", s.RunsDone, s.Runs)
}

func (s Stats) stored() string {
	if s.Skipped <= 0 {
		return ""
	}
	return fmt.Sprintf(", %d stored", s.Skipped)
}

// formatRate keeps three significant digits below one item per second
// (0.0123/s) and one decimal above.
func formatRate(r float64) string {
	if r >= 1 || r == 0 {
		return fmt.Sprintf("%.1f", r)
	}
	return fmt.Sprintf("%.3g", r)
}

// Counter is the shared bookkeeping of a Bar: the count, the start time and
// the throttle of redraws. Implementations embed it; it is safe for
// concurrent use.
type Counter struct {
	// Interval is the least time between two redraws.
	Interval time.Duration
	// Now is the clock; nil means time.Now (tests replace it).
	Now func() time.Time

	mu       sync.Mutex
	total    int
	done     int
	skipped  int
	runs     int
	runsDone int
	start    time.Time
	last     time.Time
	drawn    bool
	finished bool
}

// NewCounter returns a counter of total items started now.
func NewCounter(total int, interval time.Duration, now func() time.Time) *Counter {
	c := &Counter{Interval: interval, Now: now, total: total}
	c.start = c.now()
	return c
}

func (c *Counter) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Add records n more items and says whether to redraw: on the first item,
// when the total is reached, and otherwise at most once per Interval. It
// returns false once finished.
func (c *Counter) Add(n int) (s Stats, redraw bool) {
	return c.update(func() { c.done += n })
}

// Skip records n more items that needed no work (done, not in the rate).
func (c *Counter) Skip(n int) (s Stats, redraw bool) {
	return c.update(func() { c.done += n; c.skipped += n })
}

// SetRuns sets the runs the job is made of and how many are finished.
func (c *Counter) SetRuns(done, total int) (s Stats, redraw bool) {
	return c.update(func() { c.runsDone, c.runs = done, total })
}

// update applies change and decides the redraw as Add documents.
func (c *Counter) update(change func()) (s Stats, redraw bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.finished {
		return c.statsLocked(c.last), false
	}
	change()
	now := c.now()
	if c.drawn && now.Sub(c.last) < c.Interval && c.done < c.total {
		return c.statsLocked(now), false
	}
	c.drawn, c.last = true, now
	return c.statsLocked(now), true
}

// Finish marks the counter finished and returns the final stats; ok is
// false if it was already finished.
func (c *Counter) Finish() (s Stats, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.finished {
		return c.statsLocked(c.last), false
	}
	c.finished = true
	c.last = c.now()
	return c.statsLocked(c.last), true
}

func (c *Counter) statsLocked(now time.Time) Stats {
	return Stats{Done: c.done, Total: c.total, Elapsed: now.Sub(c.start), Skipped: c.skipped, Runs: c.runs, RunsDone: c.runsDone}
}

// LineInterval is the least time between two lines of a Writer bar that
// does not draw on a terminal.
var LineInterval = 5 * time.Second

// Writer returns Bars that draw on w: an animated bar when w is a terminal,
// throttled plain lines otherwise (see the package doc). A nil w shows
// nothing.
func Writer(w io.Writer) Bars {
	if w == nil {
		return nil
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return func(label string, total int) Bar { return newTerminalBar(f, label, total) }
	}
	return func(label string, total int) Bar { return newLineBar(w, label, total, nil) }
}

// lineBar writes "label 37/100 (37%) 12.3/s ETA 5s" lines.
type lineBar struct {
	w     io.Writer
	label string
	c     *Counter
}

func newLineBar(w io.Writer, label string, total int, now func() time.Time) *lineBar {
	return &lineBar{w: w, label: label, c: NewCounter(total, LineInterval, now)}
}

func (b *lineBar) Add(n int)               { b.draw(b.c.Add(n)) }
func (b *lineBar) skip(n int)              { b.draw(b.c.Skip(n)) }
func (b *lineBar) setRuns(done, total int) { b.draw(b.c.SetRuns(done, total)) }

func (b *lineBar) draw(s Stats, redraw bool) {
	if redraw {
		fmt.Fprintf(b.w, "%s %s\n", b.label, s)
	}
}

func (b *lineBar) Finish() {
	if s, ok := b.c.Finish(); ok {
		fmt.Fprintf(b.w, "%s %s\n", b.label, s.Summary())
	}
}

// terminalBar is a schollz/progressbar bar, with a summary line at Finish.
type terminalBar struct {
	w     io.Writer
	label string
	pb    *progressbar.ProgressBar
	c     *Counter
}

func newTerminalBar(w io.Writer, label string, total int) *terminalBar {
	pb := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(label),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionSetRenderBlankState(true),
	)
	// The counter only keeps the numbers for the summary line; the bar
	// throttles its own drawing.
	return &terminalBar{w: w, label: label, pb: pb, c: NewCounter(total, 0, nil)}
}

func (b *terminalBar) Add(n int) {
	b.c.Add(n)
	_ = b.pb.Add(n)
}

// skip advances the bar over items that needed no work; the summary line
// counts them apart.
func (b *terminalBar) skip(n int) {
	b.c.Skip(n)
	_ = b.pb.Add(n)
}

func (b *terminalBar) setRuns(done, total int) {
	b.c.SetRuns(done, total)
	b.pb.Describe(fmt.Sprintf("%s (runs %d/%d)", b.label, done, total))
}

func (b *terminalBar) Finish() {
	s, ok := b.c.Finish()
	if !ok {
		return
	}
	_ = b.pb.Exit()
	fmt.Fprintf(b.w, "\n%s %s\n", b.label, s.Summary())
}

package progress

import (
	"errors"
	"fmt"
	"html"
	"io"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// NotebookInterval is the least time between two redraws of a notebook
// bar: each redraw is a message to the kernel and the browser.
var NotebookInterval = 250 * time.Millisecond

// The GoNB calls, replaced in tests.
var (
	updateHTML  = gonbui.UpdateHTML
	syncDisplay = gonbui.Sync
	inNotebook  = func() bool { return gonbui.IsNotebook }
)

// syncTimeout bounds the wait for the kernel at Finish.
var syncTimeout = 10 * time.Second

// ErrSyncTimeout is SyncNotebook's error when the kernel does not
// acknowledge in time.
var ErrSyncTimeout = errors.New("GoNB did not acknowledge the display in time")

// NotebookBars returns progress bars for a GoNB cell: each bar is an HTML
// <progress> element in its own output block (one gonbui display id per
// bar), with the label, count, rate and ETA (and, for a part's bar, its
// runs: see Parts), redrawn at most every NotebookInterval and frozen at
// Finish with the final count and elapsed time. Outside a notebook it
// returns Writer(fallback), so one cell or program works in both places.
func NotebookBars(fallback io.Writer) Bars {
	if !inNotebook() {
		return Writer(fallback)
	}
	return func(label string, total int) Bar {
		return &notebookBar{
			id:    "prefscope_progress_" + gonbui.UniqueId(),
			label: label,
			c:     NewCounter(total, NotebookInterval, nil),
		}
	}
}

type notebookBar struct {
	id    string
	label string
	c     *Counter
}

func (b *notebookBar) Add(n int)               { b.draw(b.c.Add(n)) }
func (b *notebookBar) skip(n int)              { b.draw(b.c.Skip(n)) }
func (b *notebookBar) setRuns(done, total int) { b.draw(b.c.SetRuns(done, total)) }

func (b *notebookBar) draw(s Stats, redraw bool) {
	if redraw {
		updateHTML(b.id, barHTML(b.label, s, s.String()))
	}
}

// Finish leaves the bar in the output with its final state and waits for
// the kernel, so that the last state is shown even when the cell exits
// right after. A display error here is not the job's error and is dropped.
func (b *notebookBar) Finish() {
	if s, ok := b.c.Finish(); ok {
		updateHTML(b.id, barHTML(b.label, s, s.Summary()))
		_ = SyncNotebook(syncDisplay, syncTimeout)
	}
}

// SyncNotebook calls sync (gonbui.Sync, or a test's stand-in), which waits
// for the kernel to acknowledge what the cell has sent so far, and returns
// ErrSyncTimeout if it has not returned after timeout: gonbui.Sync itself
// waits forever, and a cell must not hang on a kernel that went away.
// NotebookBars and lib/plot's figures both wait through it.
func SyncNotebook(sync func(), timeout time.Duration) error {
	done := make(chan struct{})
	go func() {
		sync()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-time.After(timeout):
		return ErrSyncTimeout
	}
}

// barHTML draws one bar: label, <progress value max>, then the text.
func barHTML(label string, s Stats, text string) string {
	return fmt.Sprintf(`<div style="font-family:monospace;white-space:nowrap">`+
		`%s <progress value="%d" max="%d" style="width:20em;vertical-align:middle"></progress> %s</div>`,
		html.EscapeString(label), s.Done, max(s.Total, 1), html.EscapeString(text))
}

package plot

import (
	"fmt"
	"html"
	"io"
	"time"

	"github.com/janpfeifer/gonb/gonbui"

	"github.com/prefscope/prefscope/lib/progress"
)

// NotebookInterval is the least time between two redraws of a notebook
// bar: each redraw is a message to the kernel and the browser.
var NotebookInterval = 250 * time.Millisecond

// updateHTML replaces the output block of a display id; tests replace it.
var updateHTML = gonbui.UpdateHTML

// NotebookBars returns progress bars for a GoNB cell: each bar is an HTML
// <progress> element in its own output block (one gonbui display id per
// bar), with the label, count, rate and ETA, redrawn at most every
// NotebookInterval and frozen at Finish with the final count and elapsed
// time. Outside a notebook it returns progress.Writer(fallback), so one
// cell or program works in both places.
func NotebookBars(fallback io.Writer) progress.Bars {
	if !InNotebook() {
		return progress.Writer(fallback)
	}
	return func(label string, total int) progress.Bar {
		return &notebookBar{
			id:    "prefscope_progress_" + gonbui.UniqueId(),
			label: label,
			c:     progress.NewCounter(total, NotebookInterval, nil),
		}
	}
}

type notebookBar struct {
	id    string
	label string
	c     *progress.Counter
}

func (b *notebookBar) Add(n int) {
	if s, redraw := b.c.Add(n); redraw {
		updateHTML(b.id, barHTML(b.label, s, s.String()))
	}
}

// Finish leaves the bar in the output with its final state and waits for
// the kernel, so that the last state is shown even when the cell exits
// right after. A display error here is not the job's error and is dropped.
func (b *notebookBar) Finish() {
	if s, ok := b.c.Finish(); ok {
		updateHTML(b.id, barHTML(b.label, s, s.Summary()))
		_ = waitDisplayed()
	}
}

// barHTML draws one bar: label, <progress value max>, then the text.
func barHTML(label string, s progress.Stats, text string) string {
	return fmt.Sprintf(`<div style="font-family:monospace;white-space:nowrap">`+
		`%s <progress value="%d" max="%d" style="width:20em;vertical-align:middle"></progress> %s</div>`,
		html.EscapeString(label), s.Done, max(s.Total, 1), html.EscapeString(text))
}

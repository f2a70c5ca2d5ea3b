package measure

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// Progress draws a bar with rate and ETA on a terminal, and plain lines at
// most every few seconds elsewhere (log files, notebooks).
type Progress struct {
	mu       sync.Mutex
	w        io.Writer
	label    string
	total    int
	done     int
	start    time.Time
	last     time.Time
	tty      bool
	interval time.Duration
}

func NewProgress(w io.Writer, label string, total int) *Progress {
	p := &Progress{w: w, label: label, total: total, start: time.Now(), interval: 3 * time.Second}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) && os.Getenv("GONB_PIPE") == "" {
		p.tty = true
		p.interval = 200 * time.Millisecond
	}
	return p
}

// Add records n more finished calls.
func (p *Progress) Add(n int) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	now := time.Now()
	if now.Sub(p.last) < p.interval && p.done < p.total {
		return
	}
	p.last = now
	p.draw(now)
}

func (p *Progress) draw(now time.Time) {
	el := now.Sub(p.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(p.done) / el
	}
	eta := "?"
	if rate > 0 {
		eta = time.Duration(float64(p.total-p.done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	pct := 100.0
	if p.total > 0 {
		pct = 100 * float64(p.done) / float64(p.total)
	}
	if p.tty {
		const width = 30
		fill := int(pct / 100 * width)
		fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d %3.0f%% %.1f/s ETA %s ", p.label, strings.Repeat("#", fill), strings.Repeat(" ", width-fill), p.done, p.total, pct, rate, eta)
		if p.done >= p.total {
			fmt.Fprintln(p.w)
		}
		return
	}
	fmt.Fprintf(p.w, "%s %d/%d (%.0f%%) %.1f/s ETA %s\n", p.label, p.done, p.total, pct, rate, eta)
}

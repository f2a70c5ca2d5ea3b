package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestStats(t *testing.T) {
	cases := []struct {
		name    string
		s       Stats
		rate    float64 // hand-computed Done/Elapsed
		eta     time.Duration
		etaOK   bool
		str     string
		summary string
	}{
		{"a quarter in 10 s", Stats{Done: 25, Total: 100, Elapsed: 10 * time.Second}, 2.5, 30 * time.Second, true,
			"25/100 (25%) 2.5/s ETA 30s", "stopped at 25/100 after 10s (2.5/s)"},
		{"done", Stats{Done: 100, Total: 100, Elapsed: 8 * time.Second}, 12.5, 0, true,
			"100/100 (100%) 12.5/s ETA 0s", "100/100 in 8s (12.5/s)"},
		{"nothing yet", Stats{Done: 0, Total: 40, Elapsed: 3 * time.Second}, 0, 0, false,
			"0/40 (0%) 0.0/s ETA ?", "stopped at 0/40 after 3s (0.0/s)"},
		{"no time", Stats{Done: 0, Total: 40, Elapsed: 0}, 0, 0, false, "0/40 (0%) 0.0/s ETA ?", "stopped at 0/40 after 0s (0.0/s)"},
		// 3 items in 7 min: 1 item per 140 s, 7 left -> 980 s.
		{"slow", Stats{Done: 3, Total: 10, Elapsed: 7 * time.Minute}, 3.0 / 420, 980 * time.Second, true,
			"3/10 (30%) 0.00714/s ETA 16m20s", "stopped at 3/10 after 7m0s (0.00714/s)"},
		// 40 of the 60 done were stored: 20 made in 10 s, 40 left -> 20 s.
		{"stored items and runs", Stats{Done: 60, Total: 100, Elapsed: 10 * time.Second, Skipped: 40, Runs: 8, RunsDone: 3}, 2, 20 * time.Second, true,
			"runs 3/8, 60/100 (60%, 40 stored) 2.0/s ETA 20s", "runs 3/8, stopped at 60/100 (40 stored) after 10s (2.0/s)"},
		{"all stored", Stats{Done: 50, Total: 50, Elapsed: time.Second, Skipped: 50}, 0, 0, false,
			"50/50 (100%, 50 stored) 0.0/s ETA ?", "50/50 (50 stored) in 1s (0.0/s)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if r := tc.s.Rate(); r < tc.rate-1e-12 || r > tc.rate+1e-12 {
				t.Errorf("Rate = %v, want %v", r, tc.rate)
			}
			if eta, ok := tc.s.ETA(); eta != tc.eta || ok != tc.etaOK {
				t.Errorf("ETA = %v, %v; want %v, %v", eta, ok, tc.eta, tc.etaOK)
			}
			if got := tc.s.String(); got != tc.str {
				t.Errorf("String = %q, want %q", got, tc.str)
			}
			if got := tc.s.Summary(); got != tc.summary {
				t.Errorf("Summary = %q, want %q", got, tc.summary)
			}
		})
	}
}

// fakeClock is a clock that a test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestLineBarThrottlesAndSummarises(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var out bytes.Buffer
	b := newLineBar(&out, "run-1", 10, clock.now)
	clock.advance(time.Second)
	b.Add(1) // first item: drawn
	clock.advance(time.Second)
	b.Add(1) // 1 s after the last line: throttled
	clock.advance(LineInterval)
	b.Add(2) // past the interval: drawn
	clock.advance(time.Second)
	b.Add(1) // throttled
	b.Finish()
	b.Add(5) // after Finish: ignored
	b.Finish()
	want := "run-1 1/10 (10%) 1.0/s ETA 9s\n" +
		"run-1 4/10 (40%) 0.571/s ETA 11s\n" + // 4 items in 7 s
		"run-1 stopped at 5/10 after 8s (0.625/s)\n"
	if got := out.String(); got != want {
		t.Fatalf("lines\n%s\nwant\n%s", got, want)
	}
}

func TestLineBarDrawsTheLastItem(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var out bytes.Buffer
	b := newLineBar(&out, "x", 2, clock.now)
	clock.advance(time.Second)
	b.Add(1)
	b.Add(1) // the total is reached: drawn despite the throttle
	b.Finish()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || lines[1] != "x 2/2 (100%) 2.0/s ETA 0s" || lines[2] != "x 2/2 in 1s (2.0/s)" {
		t.Fatalf("lines %q", lines)
	}
}

func TestTerminalBar(t *testing.T) {
	var out bytes.Buffer
	b := newTerminalBar(&out, "measure", 4)
	for i := 0; i < 4; i++ {
		b.Add(1)
	}
	b.Finish()
	got := out.String()
	if !strings.Contains(got, "measure") || !strings.Contains(got, "4/4") || !strings.Contains(got, "100%") {
		t.Fatalf("terminal bar output %q: want the label, 4/4 and 100%%", got)
	}
	if !strings.Contains(got, "\nmeasure 4/4 in ") {
		t.Fatalf("terminal bar output %q: want a summary line", got)
	}
}

func TestStartAndWriterNil(t *testing.T) {
	if Writer(nil) != nil {
		t.Fatal("Writer(nil) != nil")
	}
	var out bytes.Buffer
	for _, b := range []Bar{Start(nil, "x", 3), Start(Writer(&out), "x", 0)} {
		b.Add(1)
		b.Finish()
	}
	if out.Len() != 0 {
		t.Fatalf("silent bars wrote %q", out.String())
	}
	b := Start(Writer(&out), "y", 1) // a bytes.Buffer is no terminal: lines
	b.Add(1)
	b.Finish()
	if !strings.HasPrefix(out.String(), "y 1/1 (100%)") {
		t.Fatalf("Writer(buffer) wrote %q, want plain lines", out.String())
	}
}

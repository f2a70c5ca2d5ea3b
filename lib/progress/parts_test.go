package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// recordingBars are line bars on a fake clock that remember their labels.
type recordingBars struct {
	out    bytes.Buffer
	clock  *fakeClock
	labels []string
}

func (r *recordingBars) bars(label string, total int) Bar {
	r.labels = append(r.labels, label)
	return newLineBar(&r.out, label, total, r.clock.now)
}

// engineRun does what the measurement engine does with a run's Bars: start
// a bar with the calls left to make (none at all when every call is
// stored), add the calls made (failed ones included; fewer than todo when
// cancelled) one by one as the clock moves, finish.
func engineRun(bars Bars, label string, todo, made int, clock *fakeClock, step time.Duration) {
	if todo == 0 {
		return
	}
	b := Start(bars, label, todo)
	for i := 0; i < made; i++ {
		clock.advance(step)
		b.Add(1)
	}
	b.Finish()
}

func TestPartsOneBarPerPart(t *testing.T) {
	rec := &recordingBars{clock: &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}
	p := NewParts(rec.bars)
	p.LongRun = 8
	for _, r := range []struct {
		part  string
		calls int
	}{{"a", 10}, {"a", 10}, {"a", 10}, {"b", 5}, {"c", 10}, {"c", 10}} {
		p.Plan(r.part, r.calls)
	}
	// Part a: run 1 stored whole, run 2 with 4 stored and 6 to make, run 3
	// with 10 to make (long: its own bar). Part b: 5 to make. Part c: its
	// first run cancelled after 4 calls, its second never started.
	for _, r := range []struct {
		part, label         string
		planned, todo, made int
	}{{"a", "a-1", 10, 0, 0}, {"a", "a-2", 10, 6, 6}, {"a", "a-3", 10, 10, 10}, {"b", "b-1", 5, 5, 5}, {"c", "c-1", 10, 6, 4}} {
		engineRun(p.Run(r.part, r.planned), r.label, r.todo, r.made, rec.clock, 125*time.Millisecond)
		p.RunDone(r.part, r.planned-r.todo)
	}
	p.Finish() // parts a and b are finished already; c stops here
	if got, want := strings.Join(rec.labels, ","), "part a,a-3,part b,part c"; got != want {
		t.Errorf("bars started: %s, want %s (one per part, one for the long run)", got, want)
	}
	lines := strings.Split(strings.TrimSpace(rec.out.String()), "\n")
	last := map[string]string{}
	for _, l := range lines {
		for _, label := range []string{"part a ", "a-3 ", "part b ", "part c "} {
			if strings.HasPrefix(l, label) {
				last[label] = strings.TrimPrefix(l, label)
			}
		}
	}
	// Part a: 16 calls made in 16 × 125 ms = 2 s: 8.0/s; 14 stored.
	// Part b: 5 made in 0.625 s. Part c: 4 stored and 4 made of 20.
	want := map[string]string{
		"part a ": "runs 3/3, 30/30 (14 stored) in 2s (8.0/s)",
		"a-3 ":    "10/10 in 1s (8.0/s)", // 1.25 s, shown to the second
		"part b ": "runs 1/1, 5/5 in 625ms (8.0/s)",
		"part c ": "runs 1/2, stopped at 8/20 (4 stored) after 500ms (8.0/s)",
	}
	for label, w := range want {
		if last[label] != w {
			t.Errorf("last line of %q = %q, want %q\nall lines:\n%s", label, last[label], w, rec.out.String())
		}
	}
}

func TestPartsNilAndUnplanned(t *testing.T) {
	var nilParts *Parts
	nilParts.Plan("a", 3)
	if nilParts.Run("a", 3) != nil {
		t.Error("a nil Parts gave Bars")
	}
	nilParts.RunDone("a", 3)
	nilParts.Finish()
	silent := NewParts(nil)
	silent.Plan("a", 3)
	if silent.Run("a", 3) != nil {
		t.Error("Parts without Bars gave Bars")
	}
	// A run that was not planned is a part of its own.
	rec := &recordingBars{clock: &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}
	p := NewParts(rec.bars)
	engineRun(p.Run("x", 2), "x-1", 2, 2, rec.clock, time.Second)
	p.RunDone("x", 0)
	if !strings.Contains(rec.out.String(), "part x runs 1/1, 2/2 in 2s (1.0/s)") {
		t.Errorf("unplanned run wrote %q", rec.out.String())
	}
}

// plainBar is a Bar from outside the package: Parts falls back to Add.
type plainBar struct{ added *int }

func (b plainBar) Add(n int) { *b.added += n }
func (b plainBar) Finish()   {}

func TestPartsWithForeignBars(t *testing.T) {
	added := 0
	p := NewParts(func(string, int) Bar { return plainBar{&added} })
	p.Plan("a", 10)
	p.Plan("a", 10)
	engineRun(p.Run("a", 10), "a-1", 3, 3, &fakeClock{}, time.Second)
	p.RunDone("a", 7)
	p.Run("a", 10)
	p.RunDone("a", 10)
	if added != 20 {
		t.Errorf("a foreign bar was added %d, want all 20 planned calls", added)
	}
}

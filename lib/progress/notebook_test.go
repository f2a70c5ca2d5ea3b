package progress

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// htmlUpdate is one call of updateHTML.
type htmlUpdate struct{ id, html string }

// fakeNotebook makes the test run as if inside a GoNB cell, records the
// display updates and counts the syncs; it restores the hooks afterwards.
func fakeNotebook(t *testing.T) (updates *[]htmlUpdate, syncs *int) {
	t.Helper()
	oldUpdate, oldSync, oldIn, oldInterval, oldTimeout := updateHTML, syncDisplay, inNotebook, NotebookInterval, syncTimeout
	t.Cleanup(func() {
		updateHTML, syncDisplay, inNotebook, NotebookInterval, syncTimeout = oldUpdate, oldSync, oldIn, oldInterval, oldTimeout
	})
	updates, syncs = &[]htmlUpdate{}, new(int)
	updateHTML = func(id, html string) { *updates = append(*updates, htmlUpdate{id, html}) }
	syncDisplay = func() { *syncs++ }
	inNotebook = func() bool { return true }
	return updates, syncs
}

func TestNotebookBars(t *testing.T) {
	updates, syncs := fakeNotebook(t)
	NotebookInterval = time.Hour // only the first and the last item redraw

	bars := NotebookBars(nil)
	a, b := bars("run <a>", 3), bars("run b", 2)
	for i := 0; i < 3; i++ {
		a.Add(1)
	}
	b.Add(1)
	a.Finish()
	b.Finish()
	a.Add(1) // after Finish: nothing
	u := *updates
	if len(u) != 5 {
		t.Fatalf("%d updates, want 5 (a: first, last, final; b: first, final): %v", len(u), u)
	}
	idA, idB := u[0].id, u[2].id
	if idA == "" || idA == idB {
		t.Fatalf("display ids %q and %q: want one non-empty id per bar", idA, idB)
	}
	want := []htmlUpdate{
		{idA, `<progress value="1" max="3"`}, // first item
		{idA, `<progress value="3" max="3"`}, // total reached
		{idB, `<progress value="1" max="2"`},
		{idA, "3/3 in "},               // frozen, done
		{idB, "stopped at 1/2 after "}, // frozen short of the total
	}
	for i, w := range want {
		if u[i].id != w.id || !strings.Contains(u[i].html, w.html) {
			t.Errorf("update %d = %v, want id %s containing %q", i, u[i], w.id, w.html)
		}
	}
	if !strings.Contains(u[0].html, "run &lt;a&gt;") || !strings.Contains(u[0].html, "ETA") {
		t.Errorf("first update %q: want the escaped label and an ETA", u[0].html)
	}
	if *syncs != 2 {
		t.Errorf("%d syncs, want one per finished bar", *syncs)
	}
}

// TestNotebookPartBar: a part's bar in a notebook shows its runs and stored
// calls in the same output block.
func TestNotebookPartBar(t *testing.T) {
	updates, _ := fakeNotebook(t)
	NotebookInterval = 0
	p := NewParts(NotebookBars(nil))
	p.Plan("robustness", 4)
	p.Plan("robustness", 4)
	p.Run("robustness", 4)
	p.RunDone("robustness", 4) // stored whole
	b := Start(p.Run("robustness", 4), "r-2", 4)
	b.Add(4)
	b.Finish()
	p.RunDone("robustness", 0)
	u := *updates
	last := u[len(u)-1]
	for _, x := range u {
		if x.id != last.id {
			t.Fatalf("updates to %q and %q: want one block for the part", x.id, last.id)
		}
	}
	if !strings.Contains(last.html, "part robustness") || !strings.Contains(last.html, "runs 2/2, 8/8 (4 stored) in ") {
		t.Errorf("final part bar %q", last.html)
	}
}

func TestNotebookBarsOutsideNotebook(t *testing.T) {
	fakeNotebook(t)
	inNotebook = func() bool { return false }
	var out bytes.Buffer
	bar := Start(NotebookBars(&out), "extract", 2)
	bar.Add(2)
	bar.Finish()
	if !strings.HasPrefix(out.String(), "extract 2/2 (100%)") {
		t.Fatalf("outside a notebook wrote %q, want Writer's lines", out.String())
	}
}

func TestNotebookFinishDoesNotHangOnAKernelGone(t *testing.T) {
	fakeNotebook(t)
	release := make(chan struct{})
	defer close(release)
	syncDisplay = func() { <-release } // a kernel that never acknowledges
	syncTimeout = 10 * time.Millisecond
	if err := SyncNotebook(syncDisplay, syncTimeout); !errors.Is(err, ErrSyncTimeout) {
		t.Fatalf("SyncNotebook = %v, want %v", err, ErrSyncTimeout)
	}
	b := NotebookBars(nil)("x", 1)
	b.Add(1)
	b.Finish() // returns after syncTimeout
	if err := SyncNotebook(func() {}, time.Hour); err != nil {
		t.Errorf("SyncNotebook with an acknowledging kernel = %v", err)
	}
}

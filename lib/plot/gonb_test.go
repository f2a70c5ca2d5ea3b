package plot

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"

	"github.com/prefscope/prefscope/lib/progress"
)

// setNotebook makes the test run as if inside (or outside) a GoNB cell and
// restores gonbui's flag and this package's display hooks afterwards.
func setNotebook(t *testing.T, in bool) {
	t.Helper()
	old, send, sync, errf, timeout := gonbui.IsNotebook, sendDisplay, syncDisplay, displayErr, syncTimeout
	gonbui.IsNotebook = in
	t.Cleanup(func() {
		gonbui.IsNotebook, sendDisplay, syncDisplay, displayErr, syncTimeout = old, send, sync, errf, timeout
	})
}

// fakeKernel records what the display hooks receive.
type fakeKernel struct {
	sent  []*protocol.DisplayData
	syncs int
}

func installFakeKernel(t *testing.T) *fakeKernel {
	setNotebook(t, true)
	k := &fakeKernel{}
	sendDisplay = func(d *protocol.DisplayData) { k.sent = append(k.sent, d) }
	syncDisplay = func() { k.syncs++ }
	displayErr = func() error { return nil }
	return k
}

func TestShowSendsPNGWithWidthAndSyncs(t *testing.T) {
	k := installFakeKernel(t)
	if !InNotebook() {
		t.Fatal("InNotebook() = false with gonbui.IsNotebook set")
	}
	f, err := Scatter([]float64{0, 1}, []float64{1, 0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := f.PNG()
	for i := 0; i < 2; i++ {
		if err := Show(f); err != nil {
			t.Fatalf("Show #%d: %v", i, err)
		}
	}
	if len(k.sent) != 2 || k.syncs != 2 {
		t.Fatalf("sent %d displays and %d syncs, want 2 and 2 (one sync per figure)", len(k.sent), k.syncs)
	}
	for i, d := range k.sent {
		got, _ := d.Data[protocol.MIMEImagePNG].([]byte)
		if !bytes.Equal(got, want) {
			t.Fatalf("display %d: image/png is not the figure's PNG", i)
		}
		// 7 in at 96 CSS px per inch.
		meta, _ := d.Metadata[string(protocol.MIMEImagePNG)].(map[string]int)
		if meta["width"] != 672 {
			t.Fatalf("display %d: metadata %v, want image/png width 672", i, d.Metadata)
		}
		if d.DisplayID != "" {
			t.Fatalf("display %d: figure sent with display id %q, want a new output", i, d.DisplayID)
		}
	}
}

func TestShowReportsGoNBError(t *testing.T) {
	installFakeKernel(t)
	broken := errors.New("pipe closed")
	displayErr = func() error { return broken }
	f, _ := Scatter([]float64{0}, []float64{0}, nil)
	if err := Show(f); !errors.Is(err, broken) {
		t.Fatalf("Show = %v, want it to wrap %v", err, broken)
	}
}

func TestShowTimesOutWithoutAck(t *testing.T) {
	installFakeKernel(t)
	syncTimeout = 50 * time.Millisecond
	release := make(chan struct{})
	defer close(release)
	syncDisplay = func() { <-release } // a kernel that never acknowledges
	f, _ := Scatter([]float64{0}, []float64{0}, nil)
	if err := Show(f); !errors.Is(err, errSyncTimeout) {
		t.Fatalf("Show = %v, want %v", err, errSyncTimeout)
	}
}

// htmlUpdate is one call of updateHTML.
type htmlUpdate struct{ id, html string }

func TestNotebookBars(t *testing.T) {
	k := installFakeKernel(t)
	var updates []htmlUpdate
	old := updateHTML
	t.Cleanup(func() { updateHTML = old })
	updateHTML = func(id, html string) { updates = append(updates, htmlUpdate{id, html}) }
	oldInterval := NotebookInterval
	NotebookInterval = time.Hour // only the first and the last item redraw
	t.Cleanup(func() { NotebookInterval = oldInterval })

	bars := NotebookBars(nil)
	a, b := bars("run <a>", 3), bars("run b", 2)
	for i := 0; i < 3; i++ {
		a.Add(1)
	}
	b.Add(1)
	a.Finish()
	b.Finish()
	a.Add(1) // after Finish: nothing
	if len(updates) != 5 {
		t.Fatalf("%d updates, want 5 (a: first, last, final; b: first, final): %v", len(updates), updates)
	}
	idA, idB := updates[0].id, updates[2].id
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
		if updates[i].id != w.id || !strings.Contains(updates[i].html, w.html) {
			t.Errorf("update %d = %v, want id %s containing %q", i, updates[i], w.id, w.html)
		}
	}
	if !strings.Contains(updates[0].html, "run &lt;a&gt;") || !strings.Contains(updates[0].html, "ETA") {
		t.Errorf("first update %q: want the escaped label and an ETA", updates[0].html)
	}
	if k.syncs != 2 {
		t.Errorf("%d syncs, want one per finished bar", k.syncs)
	}
}

func TestNotebookBarsOutsideNotebook(t *testing.T) {
	setNotebook(t, false)
	var out bytes.Buffer
	bar := progress.Start(NotebookBars(&out), "extract", 2)
	bar.Add(2)
	bar.Finish()
	if !strings.HasPrefix(out.String(), "extract 2/2 (100%)") {
		t.Fatalf("outside a notebook wrote %q, want progress.Writer's lines", out.String())
	}
}

package plot

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
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

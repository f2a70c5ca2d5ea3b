//go:build unix

package plot

import (
	"bytes"
	"encoding/gob"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// kernelMsg is what a GoNB kernel decodes from $GONB_PIPE.
type kernelMsg struct {
	Data      map[string]any
	Metadata  map[string]any
	DisplayID string
}

// fakeKernel plays the GoNB side of the pipes: it collects display messages
// and, when ack is true, answers each sync request as GoNB does.
type fakeKernel struct {
	pngs  [][]byte
	meta  []map[string]any
	syncs []int
	done  chan error
}

func startFakeKernel(t *testing.T, ack bool) *fakeKernel {
	t.Helper()
	dir := t.TempDir()
	pipe, back := filepath.Join(dir, "gonb_pipe"), filepath.Join(dir, "gonb_pipe_back")
	for _, p := range []string{pipe, back} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skipf("no named pipes here: %v", err)
		}
	}
	t.Setenv(envGonbPipe, pipe)
	t.Setenv(envGonbPipeBack, back)
	resetConn()
	t.Cleanup(resetConn)
	k := &fakeKernel{done: make(chan error, 1)}
	go func() {
		r, err := os.Open(pipe)
		if err != nil {
			k.done <- err
			return
		}
		defer r.Close()
		w, err := os.OpenFile(back, os.O_WRONLY, 0)
		if err != nil {
			k.done <- err
			return
		}
		defer w.Close()
		dec, enc := gob.NewDecoder(r), gob.NewEncoder(w)
		for {
			var m kernelMsg
			if err := dec.Decode(&m); err != nil {
				k.done <- nil // writer closed
				return
			}
			if v, ok := m.Data[mimeCommValue]; ok {
				cv, ok := v.(commValue)
				if !ok || cv.Address != syncAddress {
					k.done <- errors.New("bad sync message")
					return
				}
				id := cv.Value.(int)
				k.syncs = append(k.syncs, id)
				if ack {
					if err := enc.Encode(commValue{Address: syncAckAddr, Value: id}); err != nil {
						k.done <- err
						return
					}
				}
				continue
			}
			b, _ := m.Data[mimePNG].([]byte)
			k.pngs = append(k.pngs, b)
			k.meta = append(k.meta, m.Metadata)
		}
	}()
	return k
}

func TestShowSpeaksGoNBProtocol(t *testing.T) {
	k := startFakeKernel(t, true)
	if !InNotebook() {
		t.Fatal("InNotebook() = false with GONB_PIPE set")
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
	resetConn() // closes the pipe: the fake kernel sees EOF
	select {
	case err := <-k.done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("fake kernel did not finish")
	}
	if len(k.pngs) != 2 || !bytes.Equal(k.pngs[0], want) || !bytes.Equal(k.pngs[1], want) {
		t.Fatalf("kernel got %d PNGs (equal to the figure: %v)", len(k.pngs), len(k.pngs) > 0 && bytes.Equal(k.pngs[0], want))
	}
	// Width metadata: 7 in at 96 CSS px per inch.
	meta, _ := k.meta[0][mimePNG].(map[string]any)
	if w, _ := meta["width"].(int); w != 672 {
		t.Fatalf("metadata %v, want image/png width 672", k.meta[0])
	}
	if len(k.syncs) != 2 || k.syncs[0] != 0 || k.syncs[1] != 1 {
		t.Fatalf("sync ids %v, want [0 1]", k.syncs)
	}
}

func TestShowTimesOutWithoutAck(t *testing.T) {
	old := syncTimeout
	syncTimeout = 200 * time.Millisecond
	defer func() { syncTimeout = old }()
	startFakeKernel(t, false)
	f, err := Scatter([]float64{0}, []float64{0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := Show(f); !errors.Is(err, errSyncTimeout) {
		t.Fatalf("Show = %v, want %v", err, errSyncTimeout)
	}
}

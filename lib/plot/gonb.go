package plot

// This file speaks the part of GoNB's display protocol that Show needs.
//
// A GoNB cell program finds two named pipes in its environment: $GONB_PIPE,
// which the kernel reads, and $GONB_PIPE_BACK, which the kernel writes. On
// $GONB_PIPE the program sends a gob stream of display messages, structs
// with the fields Data (MIME type -> content), Metadata and DisplayID; a PNG
// is Data["image/png"] = the encoded bytes. Gob matches struct fields by
// name, so local types with the same fields decode on the kernel side.
//
// The kernel stops reading when the program exits, so a figure sent just
// before exit could be lost. To flush, the program sends a comm value with
// Address "#gonbui/sync" and an int id, and waits until the kernel answers
// on $GONB_PIPE_BACK with Address "#gonbui/sync_ack" and the same id.
// Inside an interface, gob names the concrete type by its registered name,
// so the comm value is registered under the name GoNB's protocol package
// uses. If that name is already taken (a program that also links GoNB's own
// gonbui package), the sync step is skipped.

import (
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

const (
	envGonbPipe     = "GONB_PIPE"
	envGonbPipeBack = "GONB_PIPE_BACK"

	mimePNG       = "image/png"
	mimeCommValue = "gonb/comm_value"
	syncAddress   = "#gonbui/sync"
	syncAckAddr   = "#gonbui/sync_ack"
	// commValueName is the gob name of GoNB's protocol.CommValue.
	commValueName = "github.com/janpfeifer/gonb/gonbui/protocol.CommValue"
)

// syncTimeout bounds the wait for the kernel's acknowledgement.
var syncTimeout = 10 * time.Second

// InNotebook reports whether the program runs inside a GoNB cell.
func InNotebook() bool { return os.Getenv(envGonbPipe) != "" }

// displayData mirrors GoNB's display message.
type displayData struct {
	Data      map[string]any
	Metadata  map[string]any
	DisplayID string
}

// commValue mirrors GoNB's comm value message.
type commValue struct {
	Address string
	Request bool
	Value   any
}

var (
	registerOnce sync.Once
	canSync      bool
)

func register() {
	registerOnce.Do(func() {
		gob.Register(map[string]any{})
		defer func() {
			if recover() != nil {
				canSync = false
			}
		}()
		gob.RegisterName(commValueName, commValue{})
		canSync = true
	})
}

// gonbConn guards the connection to the kernel; one per process.
type gonbConn struct {
	mu  sync.Mutex
	s   *session // nil until the first display
	err error    // sticky: once broken, stays broken
}

// session is one opening of the pipes.
type session struct {
	enc     *gob.Encoder
	w       *os.File
	nextID  int
	waiters map[int]chan struct{}
	backOK  bool // the acknowledgement reader is running
}

var conn = &gonbConn{}

// resetConn closes the connection so that the next display reopens the
// pipes; tests use it between cases.
func resetConn() {
	conn.mu.Lock()
	defer conn.mu.Unlock()
	if conn.s != nil {
		_ = conn.s.w.Close()
	}
	conn.s, conn.err = nil, nil
}

// open opens the pipes if needed; c.mu must be held. Opening a FIFO blocks
// until the other end is open, which the kernel does as soon as the cell
// starts.
func (c *gonbConn) open() (*session, error) {
	if c.err != nil {
		return nil, c.err
	}
	if c.s != nil {
		return c.s, nil
	}
	path := os.Getenv(envGonbPipe)
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		c.err = fmt.Errorf("plot: opening GoNB pipe %s=%q: %w", envGonbPipe, path, err)
		return nil, c.err
	}
	s := &session{enc: gob.NewEncoder(w), w: w, waiters: map[int]chan struct{}{}}
	if back := os.Getenv(envGonbPipeBack); back != "" && canSync {
		r, err := os.OpenFile(back, os.O_RDONLY, 0)
		if err == nil {
			s.backOK = true
			go c.readAcks(s, r)
		}
	}
	c.s = s
	return s, nil
}

// readAcks reads the kernel's messages and wakes the matching waiter.
func (c *gonbConn) readAcks(s *session, r *os.File) {
	dec := gob.NewDecoder(r)
	for {
		var m commValue
		if err := dec.Decode(&m); err != nil {
			c.mu.Lock()
			s.backOK = false
			for id, ch := range s.waiters {
				close(ch)
				delete(s.waiters, id)
			}
			c.mu.Unlock()
			_ = r.Close()
			return
		}
		if m.Address != syncAckAddr {
			continue
		}
		id, ok := m.Value.(int)
		if !ok {
			continue
		}
		c.mu.Lock()
		if ch, ok := s.waiters[id]; ok {
			close(ch)
			delete(s.waiters, id)
		}
		c.mu.Unlock()
	}
}

// send encodes one message; c.mu must be held.
func (c *gonbConn) send(m *displayData) (*session, error) {
	s, err := c.open()
	if err != nil {
		return nil, err
	}
	if err := s.enc.Encode(m); err != nil {
		c.err = fmt.Errorf("plot: writing to GoNB pipe: %w", err)
		_ = s.w.Close()
		return nil, c.err
	}
	return s, nil
}

// errSyncTimeout is returned when the kernel does not acknowledge a sync.
var errSyncTimeout = errors.New("plot: GoNB did not acknowledge the display in time")

// displayPNG sends a PNG to the notebook, shown widthPx CSS pixels wide,
// and waits until the kernel has received it.
func displayPNG(data []byte, widthPx int) error {
	register()
	done := make(chan error, 1)
	go func() {
		conn.mu.Lock()
		msg := &displayData{Data: map[string]any{mimePNG: data}}
		if widthPx > 0 {
			msg.Metadata = map[string]any{mimePNG: map[string]any{"width": widthPx}}
		}
		s, err := conn.send(msg)
		var wait chan struct{}
		if err == nil && s.backOK {
			id := s.nextID
			s.nextID++
			wait = make(chan struct{})
			s.waiters[id] = wait
			_, err = conn.send(&displayData{Data: map[string]any{
				mimeCommValue: commValue{Address: syncAddress, Value: id},
			}})
		}
		conn.mu.Unlock()
		if err == nil && wait != nil {
			<-wait
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(syncTimeout):
		return errSyncTimeout
	}
}

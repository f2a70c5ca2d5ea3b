package plot

// Inline display goes through GoNB's own gonbui package, so that the
// program and the kernel always speak the kernel's protocol (the kernel tool
// is pinned to the same gonb version in tools/go.mod).

import (
	"fmt"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"

	"github.com/prefscope/prefscope/lib/progress"
)

// InNotebook reports whether the program runs inside a GoNB cell.
func InNotebook() bool { return gonbui.IsNotebook }

// The display calls, replaced in tests.
var (
	sendDisplay = gonbui.SendData
	syncDisplay = gonbui.Sync
	displayErr  = gonbui.Error
)

// syncTimeout bounds the wait for the kernel's acknowledgement (see
// progress.SyncNotebook).
var syncTimeout = 10 * time.Second

// errSyncTimeout is returned when the kernel does not acknowledge a display.
var errSyncTimeout = progress.ErrSyncTimeout

// displayPNG sends a PNG to the notebook, shown widthPx CSS pixels wide, and
// waits until the kernel has received it, so that a figure shown just before
// the cell exits is not lost.
func displayPNG(data []byte, widthPx int) error {
	msg := &protocol.DisplayData{Data: map[protocol.MIMEType]any{protocol.MIMEImagePNG: data}}
	if widthPx > 0 {
		// map[string]int is among the types gonb's protocol registers with gob.
		msg.Metadata = map[string]any{string(protocol.MIMEImagePNG): map[string]int{"width": widthPx}}
	}
	sendDisplay(msg)
	return waitDisplayed()
}

// waitDisplayed waits for the kernel to acknowledge what was sent so far and
// returns gonbui's sticky communication error, if any.
func waitDisplayed() error {
	if err := progress.SyncNotebook(syncDisplay, syncTimeout); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	if err := displayErr(); err != nil {
		return fmt.Errorf("plot: GoNB display: %w", err)
	}
	return nil
}

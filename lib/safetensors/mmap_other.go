//go:build !unix

package safetensors

import (
	"fmt"
	"os"
)

// Open reads a safetensors file whole (no memory mapping on this platform)
// and validates its header.
func Open(path string) (*File, error) {
	buf, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	f, err := newFile(path, buf, nil)
	if err != nil {
		return nil, err
	}
	return f, nil
}

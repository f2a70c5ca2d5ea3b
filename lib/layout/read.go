package layout

import (
	"fmt"
	"io"
	"os"
)

// ReadOwned reads a whole file the study owns (a run's run.yaml, a fit, an
// extract.yaml) without following a symlink (OpenNoFollow), and fails
// rather than truncate when it holds more than limit bytes. A missing file
// gives an error that wraps os.ErrNotExist.
func ReadOwned(path string, limit int64) ([]byte, error) {
	f, err := OpenNoFollow(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return b, nil
}

package task

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Size limits on task sources, checked before anything is read. A loaded
// task costs about three times its bytes in memory (the prompt, its ID and
// tags, the slice), and a study keeps its whole task universe in memory, so
// sources past these limits are refused up front with an error saying so,
// rather than loaded for minutes into gigabytes. To use a larger dataset,
// sample it down once (Load, Sample, WriteJSONL) and name the sample.
const (
	// MaxSourceBytes bounds one source: its file, or the files of a MATH
	// directory.
	MaxSourceBytes = 256 << 20
	// MaxTotalBytes bounds all the sources of one study together.
	MaxTotalBytes = 512 << 20
)

// ErrTooLarge is wrapped by the error of a source (or a set of sources)
// over the size limits.
var ErrTooLarge = errors.New("over the size limit for task sources")

// SourceBytes is the size of what loading src would read: its file, or the
// sum of the .json files under a MATH directory; 0 for the default set.
func SourceBytes(src Source) (int64, error) {
	if src.Format == FormatDefault || src.Path == "" {
		return 0, nil
	}
	info, err := os.Stat(src.Path)
	if err != nil {
		return 0, fmt.Errorf("task: %w", err)
	}
	if !info.IsDir() {
		return info.Size(), nil
	}
	var total int64
	err = filepath.WalkDir(src.Path, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		total += fi.Size()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("task: %w", err)
	}
	return total, nil
}

// CheckSizes checks every source against MaxSourceBytes and all of them
// together against MaxTotalBytes, reading nothing but file sizes. The
// error names the source (or the total) and the limit, and wraps
// ErrTooLarge. A missing file is left to the loader to report.
func CheckSizes(srcs []Source) error {
	var total int64
	for _, src := range srcs {
		n, err := SourceBytes(src)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if n > MaxSourceBytes {
			return fmt.Errorf("task: source %s: %s, %w of %s for one source (sample it down first: Load, Sample, WriteJSONL)", src, mib(n), ErrTooLarge, mib(MaxSourceBytes))
		}
		total += n
	}
	if total > MaxTotalBytes {
		return fmt.Errorf("task: %d sources total %s, %w of %s for a study's tasks together (sample them down first: Load, Sample, WriteJSONL)", len(srcs), mib(total), ErrTooLarge, mib(MaxTotalBytes))
	}
	return nil
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

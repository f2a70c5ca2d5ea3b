package measure

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/prefscope/prefscope/lib/layout"
)

// StoreDigest names the records of a run's measurements.jsonl that a reader
// saw: the complete lines (a torn last line, still being written or left by
// a kill, is not part of them), their count, their size in bytes and the
// SHA-256 of those bytes. A fit stores the digest of the records it was
// fitted on, so a reader can tell that the run has changed since (a fit
// made while measure was still appending, say).
type StoreDigest struct {
	Records int    `yaml:"records" json:"records"`
	Bytes   int64  `yaml:"bytes" json:"bytes"`
	SHA256  string `yaml:"sha256" json:"sha256"`
}

// String describes the digest for error messages.
func (d StoreDigest) String() string {
	short := d.SHA256
	if len(short) > 12 {
		short = short[:12]
	}
	return fmt.Sprintf("%d records (%d bytes, sha256 %s)", d.Records, d.Bytes, short)
}

// readStore reads the complete lines of a run's measurements.jsonl, never
// through a symlink, and their digest. A missing file is no records.
func readStore(path string) ([]byte, StoreDigest, error) {
	f, err := layout.OpenNoFollow(path, os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil, digestOf(nil), nil
	}
	if err != nil {
		return nil, StoreDigest{}, err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, StoreDigest{}, fmt.Errorf("%s: %w", path, err)
	}
	// One consistent snapshot: everything up to the last newline. Appends
	// are whole lines, so this is a prefix of the records in write order.
	b = b[:bytes.LastIndexByte(b, '\n')+1]
	return b, digestOf(b), nil
}

func digestOf(b []byte) StoreDigest {
	n := 0
	for line := range bytes.Lines(b) {
		if len(bytes.TrimSpace(line)) > 0 {
			n++
		}
	}
	sum := sha256.Sum256(b)
	return StoreDigest{Records: n, Bytes: int64(len(b)), SHA256: hex.EncodeToString(sum[:])}
}

// ReadStoreDigest returns the digest of the records a run directory holds
// now (see StoreDigest).
func ReadStoreDigest(runDir string) (StoreDigest, error) {
	_, d, err := readStore(layout.Measurements(runDir))
	if err != nil {
		return d, fmt.Errorf("measure: %w", err)
	}
	return d, nil
}

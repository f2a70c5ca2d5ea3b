package utility

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
)

// ErrStaleFit is wrapped by CheckRunFit's error when a run's fit does not
// match the records the run holds now.
var ErrStaleFit = errors.New("stale fit")

// maxFitFileBytes bounds the fit files read back (a fit of a few thousand
// tasks is a few hundred kilobytes).
const maxFitFileBytes = 64 << 20

// CheckRunFit reads a run's fit.yaml and utilities.csv (never through a
// symlink) and returns utilities.csv's bytes when the fit is current: its
// fitted_on names exactly the records measurements.jsonl holds now, and
// utilities.csv is the file written with fit.yaml. (A directory with no
// records, utilities written by hand, needs no fit.yaml.) Otherwise the error
// names the run directory, what the fit used and what the run holds, and
// wraps ErrStaleFit: refit (prefscope fit, or FitRun and WriteRunFit) once
// measure has finished.
func CheckRunFit(runDir string) ([]byte, error) {
	fitPath, csvPath := layout.Fit(runDir), layout.Utilities(runDir)
	now, err := measure.ReadStoreDigest(runDir)
	if err != nil {
		return nil, fmt.Errorf("utility: %w", err)
	}
	csv, err := layout.ReadOwned(csvPath, maxFitFileBytes)
	if err != nil {
		return nil, fmt.Errorf("utility: %w", err)
	}
	fb, err := layout.ReadOwned(fitPath, maxFitFileBytes)
	if errors.Is(err, os.ErrNotExist) && now.Records == 0 {
		// Utilities of no stored records (written by hand, or by a
		// simulation): there is nothing they could be stale against.
		return csv, nil
	}
	if err != nil {
		return nil, fmt.Errorf("utility: run %s: %w (fit the run first: prefscope fit)", runDir, err)
	}
	var ff FitFile
	if err := yaml.Unmarshal(fb, &ff); err != nil {
		return nil, fmt.Errorf("utility: %s: %w", fitPath, err)
	}
	if ff.UtilitiesSHA256 != "" && ff.UtilitiesSHA256 != sha256Hex(csv) {
		return nil, fmt.Errorf("utility: %s: not the utilities fit.yaml was written with (a fit was interrupted or edited): %w; refit the run", csvPath, ErrStaleFit)
	}
	if ff.FittedOn == nil && now.Records == 0 {
		return csv, nil // a fit of no stored run (a directory without records)
	}
	if ff.FittedOn == nil {
		return nil, fmt.Errorf("utility: run %s: %s does not say which records it was fitted on (written by an older version); the run holds %s: %w; refit it (prefscope fit)", runDir, fitPath, now, ErrStaleFit)
	}
	if *ff.FittedOn != now {
		return nil, fmt.Errorf("utility: run %s was fitted on %s but measurements.jsonl now holds %s (fitted while measure was still writing?): %w; refit it (prefscope fit) after measure has finished", runDir, *ff.FittedOn, now, ErrStaleFit)
	}
	return csv, nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

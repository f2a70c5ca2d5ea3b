package utility

import (
	"os"
	"testing"
)

// TestCompareSettingsTable prints the evidence behind the FitOptions
// defaults (go test -run CompareSettingsTable -v). It runs in -short mode
// on a smaller design.
func TestCompareSettingsTable(t *testing.T) {
	n, seeds := 1000, 3
	if testing.Short() {
		n, seeds = 200, 1
	}
	rows, err := CompareSettings(CandidateScenarios(n), CandidateSettings(), seeds)
	if err != nil {
		t.Fatal(err)
	}
	if testing.Verbose() {
		WriteSettingsTable(os.Stdout, rows)
	}
}

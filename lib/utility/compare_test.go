package utility

import (
	"os"
	"testing"
)

// TestCompareSettingsTable is the evidence behind the FitOptions defaults:
// on each simulated design the default's held-out log-loss must be within
// 0.5% of the best candidate's, and the reference implementation's
// settings (free σ, no priors) must overfit with one sample per pair
// (log-loss above 1.5× the planted truth's). With -v it prints the table.
// It is skipped in -short mode (about 10 s of fits).
func TestCompareSettingsTable(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 3 seeds × 4 designs × 8 settings")
	}
	n, seeds := 1000, 3
	settings := CandidateSettings()
	rows, err := CompareSettings(CandidateScenarios(n), settings, seeds)
	if err != nil {
		t.Fatal(err)
	}
	if testing.Verbose() {
		WriteSettingsTable(os.Stdout, rows)
	}
	const defaultRow = 6 // "log-sigma prior sd 0.25 (default)"
	if settings[defaultRow].Options != nil {
		t.Fatalf("candidate %d is %q, not the defaults", defaultRow, settings[defaultRow].Name)
	}
	for s := 0; s < len(rows); s += len(settings) {
		group := rows[s : s+len(settings)]
		best := group[0].LogLoss
		for _, r := range group {
			best = min(best, r.LogLoss)
		}
		if d := group[defaultRow]; d.LogLoss > 1.005*best {
			t.Errorf("%s: default log-loss %.4f, best candidate %.4f", d.Scenario, d.LogLoss, best)
		}
		if ref := group[0]; ref.Scenario[len(ref.Scenario)-len("s=1 sigma=1"):] == "s=1 sigma=1" && ref.LogLoss < 1.5*ref.Oracle.LogLoss {
			t.Errorf("%s: reference settings log-loss %.4f, expected overfitting above 1.5×%.4f", ref.Scenario, ref.LogLoss, ref.Oracle.LogLoss)
		}
	}
}

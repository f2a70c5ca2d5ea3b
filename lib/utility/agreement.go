package utility

import (
	"fmt"
	"math"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/stats"
)

// DefaultSettingName names the default fit (nil FitOptions) among
// CandidateSettings.
const DefaultSettingName = "log-sigma prior sd 0.25 (default)"

// AlternativeSettings returns the default fit and the alternatives whose
// rankings the robustness notebook compares with it: other starting σ,
// tighter and wider σ bounds, no priors at all (the reference
// implementation's setting), and equal σ (Thurstone's Case V).
func AlternativeSettings() []Setting {
	inf := math.Inf(1)
	return []Setting{
		{"default", nil},
		{"start σ 0.5", &FitOptions{StartSigma: 0.5}},
		{"start σ 2", &FitOptions{StartSigma: 2}},
		{"σ in [e^-1, e^1]", &FitOptions{SigmaMin: math.Exp(-1), SigmaMax: math.Exp(1)}},
		{"σ in [e^-3, e^3]", &FitOptions{SigmaMin: math.Exp(-3), SigmaMax: math.Exp(3)}},
		{"no priors", &FitOptions{LogSigmaPriorSD: inf, MuPriorSD: inf}},
		{"case V", &FitOptions{EqualSigma: true}},
	}
}

// Agreement is how much fits under different settings agree on the
// ranking of tasks.
type Agreement struct {
	// Settings names the settings, in the order given.
	Settings []string
	// Spearman[i][j] is the mean over runs of the Spearman correlation of
	// μ fitted under settings i and j.
	Spearman [][]float64
	// Runs is the number of runs averaged.
	Runs int
}

// RankAgreement fits every run under every setting (FitRun) and averages,
// over runs, the Spearman correlation of μ between every two settings.
func RankAgreement(runs []*measure.Run, settings []Setting) (*Agreement, error) {
	if len(runs) == 0 || len(settings) == 0 {
		return nil, fmt.Errorf("utility: rank agreement: %d runs and %d settings, need at least one of each", len(runs), len(settings))
	}
	k := len(settings)
	a := &Agreement{Spearman: make([][]float64, k), Runs: len(runs)}
	for i, s := range settings {
		a.Settings = append(a.Settings, s.Name)
		a.Spearman[i] = make([]float64, k)
	}
	for _, run := range runs {
		mus := make([][]float64, k)
		for i, s := range settings {
			u, _, err := FitRun(run, s.Options)
			if err != nil {
				return nil, fmt.Errorf("utility: rank agreement: setting %q: %w", s.Name, err)
			}
			mus[i] = u.Mu
		}
		for i := range mus {
			for j := range mus {
				rho, err := stats.Spearman(mus[i], mus[j])
				if err != nil {
					return nil, fmt.Errorf("utility: rank agreement: run %s: %w", run.File.ID, err)
				}
				a.Spearman[i][j] += rho / float64(len(runs))
			}
		}
	}
	return a, nil
}

// Min is the lowest mean Spearman correlation between two settings.
func (a *Agreement) Min() float64 {
	low := math.Inf(1)
	for _, row := range a.Spearman {
		for _, v := range row {
			low = math.Min(low, v)
		}
	}
	return low
}

// SettingRow returns the CompareSettings row of one scenario and setting.
func SettingRow(rows []SettingResult, scenario, setting string) (SettingResult, error) {
	for _, r := range rows {
		if r.Scenario == scenario && r.Setting == setting {
			return r, nil
		}
	}
	return SettingResult{}, fmt.Errorf("utility: no result for setting %q in scenario %q", setting, scenario)
}

// LogLossRatios returns, for one scenario of CompareSettings rows, each
// setting's held-out log-loss divided by the planted truth's (1 means as
// good as the truth). Settings with a ratio below limit come back as names
// and ratios, in row order; the others, too far off to share an axis with
// them, as "setting: 3.1×" labels in off.
func LogLossRatios(rows []SettingResult, scenario string, limit float64) (names []string, ratios []float64, off []string) {
	for _, r := range rows {
		if r.Scenario != scenario {
			continue
		}
		if q := r.LogLoss / r.Oracle.LogLoss; q < limit {
			names, ratios = append(names, r.Setting), append(ratios, q)
		} else {
			off = append(off, fmt.Sprintf("%s: %.1f×", r.Setting, q))
		}
	}
	return names, ratios, off
}

package utility

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"
)

// Setting is a named set of fit options, one row group of CompareSettings.
type Setting struct {
	Name    string
	Options *FitOptions
}

// Scenario is a named simulated study design.
type Scenario struct {
	Name string
	Sim  SimOptions
}

// SettingResult is one (scenario, setting) cell of CompareSettings, averaged
// over seeds.
type SettingResult struct {
	Scenario, Setting string
	Score
	// Oracle is the planted truth's held-out score on the same data.
	Oracle Metrics
	// Seconds is the mean wall time of one fit; Iterations the mean number
	// of L-BFGS iterations.
	Seconds    float64
	Iterations float64
}

// CandidateSettings returns the fit settings compared when choosing the
// defaults: the reference implementation's (free σ in [e^-2, e^2], no
// prior), Case V, and a range of log σ prior widths.
func CandidateSettings() []Setting {
	inf := math.Inf(1)
	return []Setting{
		{"reference: free sigma, no prior", &FitOptions{LogSigmaPriorSD: inf, MuPriorSD: inf}},
		{"case V (equal sigma)", &FitOptions{EqualSigma: true}},
		{"case V, mu prior sd 10", &FitOptions{EqualSigma: true, MuPriorSD: 10}},
		{"log-sigma prior sd 0.25, mu prior sd 10", &FitOptions{MuPriorSD: 10}},
		{"log-sigma prior sd 1", &FitOptions{LogSigmaPriorSD: 1}},
		{"log-sigma prior sd 0.5", &FitOptions{LogSigmaPriorSD: 0.5}},
		{DefaultSettingName, nil},
		{"log-sigma prior sd 0.1", &FitOptions{LogSigmaPriorSD: 0.1}},
	}
}

// CandidateScenarios returns the simulated designs used to choose the
// defaults: the benchmark design (1 sample per pair, 20 pairs per task),
// more samples per pair, and heterogeneous planted σ.
func CandidateScenarios(n int) []Scenario {
	return []Scenario{
		{fmt.Sprintf("n=%d k=20 s=1 sigma=1", n), SimOptions{N: n, PairsPerTask: 20, SamplesPerPair: 1}},
		{fmt.Sprintf("n=%d k=20 s=1 sigma~logU(.5,2)", n), SimOptions{N: n, PairsPerTask: 20, SamplesPerPair: 1, HeteroSigma: true}},
		{fmt.Sprintf("n=%d k=20 s=5 sigma~logU(.5,2)", n), SimOptions{N: n, PairsPerTask: 20, SamplesPerPair: 5, HeteroSigma: true}},
		{fmt.Sprintf("n=%d dense s=5 sigma~logU(.5,2)", n/10), SimOptions{N: n / 10, SamplesPerPair: 5, HeteroSigma: true}},
	}
}

// CompareSettings fits every setting on every scenario for seeds
// 1..seeds and returns the mean held-out log-loss, accuracy, and Spearman
// and Pearson correlation with the planted μ, next to the planted truth's
// own held-out score on the same data.
func CompareSettings(scenarios []Scenario, settings []Setting, seeds int) ([]SettingResult, error) {
	if seeds < 1 {
		seeds = 1
	}
	var out []SettingResult
	for _, sc := range scenarios {
		rows := make([]SettingResult, len(settings))
		for seed := 1; seed <= seeds; seed++ {
			sim := sc.Sim
			sim.Seed = uint64(seed)
			st, err := Simulate(sim)
			if err != nil {
				return nil, fmt.Errorf("utility: scenario %q: %w", sc.Name, err)
			}
			oracle := Evaluate(st.Truth, st.Test)
			for k, set := range settings {
				t0 := time.Now()
				u, err := Fit(st.Train, set.Options)
				if err != nil {
					return nil, fmt.Errorf("utility: scenario %q setting %q: %w", sc.Name, set.Name, err)
				}
				r := &rows[k]
				r.Seconds += time.Since(t0).Seconds()
				s := ScoreFit(u, st)
				r.Accuracy += s.Accuracy
				r.LogLoss += s.LogLoss
				r.Comparisons += s.Comparisons
				r.Spearman += s.Spearman
				r.Pearson += s.Pearson
				r.Iterations += float64(u.Iterations)
				r.Oracle.Accuracy += oracle.Accuracy
				r.Oracle.LogLoss += oracle.LogLoss
				r.Oracle.Comparisons += oracle.Comparisons
			}
		}
		f := 1 / float64(seeds)
		for k := range rows {
			r := &rows[k]
			r.Scenario, r.Setting = sc.Name, settings[k].Name
			r.Accuracy *= f
			r.LogLoss *= f
			r.Comparisons *= f
			r.Spearman *= f
			r.Pearson *= f
			r.Iterations *= f
			r.Seconds *= f
			r.Oracle.Accuracy *= f
			r.Oracle.LogLoss *= f
			r.Oracle.Comparisons *= f
		}
		out = append(out, rows...)
	}
	return out, nil
}

// WriteSettingsTable prints CompareSettings results as an aligned text
// table: scenario, setting, held-out log-loss and accuracy (truth's in
// brackets), Spearman and Pearson with planted μ, iterations.
func WriteSettingsTable(w io.Writer, rows []SettingResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tsetting\tlog-loss (truth)\taccuracy (truth)\tspearman\tpearson\titers")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%.3f (%.3f)\t%.3f (%.3f)\t%.3f\t%.3f\t%.0f\n", r.Scenario, r.Setting,
			r.LogLoss, r.Oracle.LogLoss, r.Accuracy, r.Oracle.Accuracy, r.Spearman, r.Pearson, r.Iterations)
	}
	return tw.Flush()
}

package utility

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/template"
)

// simulatedRun stores a simulated study's training comparisons as a
// measurement run in memory: tasks t00, t01, ..., one choice record each.
func simulatedRun(t *testing.T, o SimOptions) *measure.Run {
	t.Helper()
	st, err := Simulate(o)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, o.N)
	for i := range ids {
		ids[i] = fmt.Sprintf("t%02d", i)
	}
	r := &measure.Run{File: measure.RunFile{ID: fmt.Sprintf("sim-%d", o.Seed), Config: measure.RunConfig{Tasks: ids}}}
	for k, s := range st.TrainSamples {
		a, b := ids[s.A], ids[s.B]
		winner := a
		if s.WinsA == 0 {
			winner = b
		}
		if a > b {
			a, b = b, a
		}
		r.Records = append(r.Records, measure.Record{Key: fmt.Sprintf("%s|%s|%d", a, b, k), TaskA: a, TaskB: b, Outcome: template.OutcomeChoice, Winner: winner})
	}
	return r
}

// TestRankAgreement: identical settings agree perfectly; the alternative
// settings rank a well-measured study (40 tasks, every pair, 5 samples)
// nearly alike (mean Spearman about 0.99 here; 0.95 leaves room), and the
// matrix is symmetric with ones on the diagonal.
func TestRankAgreement(t *testing.T) {
	runs := []*measure.Run{
		simulatedRun(t, SimOptions{N: 40, SamplesPerPair: 5, Seed: 1}),
		simulatedRun(t, SimOptions{N: 40, SamplesPerPair: 5, Seed: 2}),
	}
	a, err := RankAgreement(runs, AlternativeSettings())
	if err != nil {
		t.Fatal(err)
	}
	if a.Runs != 2 || len(a.Settings) != 7 || a.Settings[0] != "default" {
		t.Fatalf("agreement over %d runs, settings %v", a.Runs, a.Settings)
	}
	for i := range a.Spearman {
		if math.Abs(a.Spearman[i][i]-1) > 1e-12 {
			t.Errorf("%s with itself: %v, want 1", a.Settings[i], a.Spearman[i][i])
		}
		for j := range a.Spearman {
			if a.Spearman[i][j] != a.Spearman[j][i] {
				t.Errorf("not symmetric at (%d, %d)", i, j)
			}
		}
	}
	if low := a.Min(); low < 0.95 || low > 1 {
		t.Errorf("lowest agreement %.4f, want in [0.95, 1]", low)
	}
	same, _ := RankAgreement(runs[:1], []Setting{{"a", nil}, {"b", nil}})
	if !reflect.DeepEqual(same.Spearman, [][]float64{{1, 1}, {1, 1}}) {
		t.Errorf("two default fits: %v, want all ones", same.Spearman)
	}
	if _, err := RankAgreement(nil, AlternativeSettings()); err == nil {
		t.Error("no runs: want an error")
	}
}

func TestSettingRowsAndRatios(t *testing.T) {
	row := func(sc, set string, ll, oracle float64) SettingResult {
		r := SettingResult{Scenario: sc, Setting: set}
		r.LogLoss, r.Oracle.LogLoss = ll, oracle
		return r
	}
	rows := []SettingResult{
		row("s1", "free", 1.5, 0.5), row("s1", DefaultSettingName, 0.55, 0.5),
		row("s2", DefaultSettingName, 0.9, 0.6), row("s1", "case V", 0.6, 0.5),
	}
	names, ratios, off := LogLossRatios(rows, "s1", 2)
	// 0.55/0.5 = 1.1 and 0.6/0.5 = 1.2 on the chart; 1.5/0.5 = 3 off it.
	if !reflect.DeepEqual(names, []string{DefaultSettingName, "case V"}) || math.Abs(ratios[0]-1.1) > 1e-12 || math.Abs(ratios[1]-1.2) > 1e-12 ||
		!reflect.DeepEqual(off, []string{"free: 3.0×"}) {
		t.Errorf("LogLossRatios: %v %v %v", names, ratios, off)
	}
	r, err := SettingRow(rows, "s2", DefaultSettingName)
	if err != nil || r.LogLoss != 0.9 {
		t.Errorf("SettingRow: %+v, %v", r, err)
	}
	if _, err := SettingRow(rows, "s3", DefaultSettingName); err == nil {
		t.Error("missing scenario: want an error")
	}
	var named bool
	for _, s := range CandidateSettings() {
		named = named || (s.Name == DefaultSettingName && s.Options == nil)
	}
	if !named {
		t.Errorf("CandidateSettings has no %q with default options", DefaultSettingName)
	}
}

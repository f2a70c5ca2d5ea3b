package study

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/progress"
	"github.com/prefscope/prefscope/lib/robustness"
)

// TestCalibrateSmall runs robustness.Calibrate on CalibrationDesign's replicates: a small calibration (8 studies of 12 runs over 16
// tasks) end to end. Eight replicates cannot pin a ratio down (the sd of
// 8 draws is uncertain by about 25%), so the bounds are loose: every kind
// reports a finite, positive SE for every term, the mean estimate of the
// largest planted effect (language) has the planted sign, and the task
// bootstrap's ratio lies within 0.5-2 on every field. The full calibration
// (60 replicates of 24 runs over 30 tasks, where the bar is 0.8-1.25) is in
// notebooks/robustness.ipynb; 100 replicates gave task-bootstrap ratios
// of 0.96-1.08 on every field.
func TestCalibrateSmall(t *testing.T) {
	bars := &countingBars{}
	dir := t.TempDir()
	opts := CalibrationDesign{Runs: 12, Tasks: 16}.Options(robustness.CalibrationOptions{Replicates: 8, Bootstrap: 60, Progress: bars.start, Dir: dir})
	c, err := robustness.Calibrate(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if bars.labels != 1 || bars.total != 8 || bars.added != 8 || !bars.finished {
		t.Errorf("progress: %+v, want one bar of 8 items, finished", bars)
	}
	// Resuming reads the eight finished replicates back instead of
	// measuring them: a result edited on disk comes back as edited.
	c2, err := robustness.Calibrate(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, c2) {
		t.Error("resumed calibration differs")
	}
	path := filepath.Join(dir, "rep-03.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	rep["beta"].([]any)[0] = 42.0
	if b, err = json.Marshal(rep); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if c3, err := robustness.Calibrate(context.Background(), opts); err != nil || c3.Beta[3][0] != 42 {
		t.Errorf("replicate 3 was measured again instead of read back (%v)", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "rep-*", "runs")); len(left) != 0 {
		t.Errorf("finished replicates left their runs: %v", left)
	}
	if len(c.Beta) != 8 || c.Runs != 12 || c.Pairs != 66 || len(c.Terms) != len(c.Planted) {
		t.Fatalf("%d replicates, %d runs, %d pairs, terms %v", len(c.Beta), c.Runs, c.Pairs, c.Terms)
	}
	if h, rows := c.Table(); len(h) != 6+len(robustness.SEMethods) || len(rows) != len(c.Terms) || rows[0][0] != "intercept" || !strings.HasSuffix(rows[0][len(h)-1], "%") {
		t.Errorf("calibration table %v %v", h, rows)
	}
	// Fitting noise attenuates every correlation, so the intercept at the
	// runs' measured reliability is below the noiseless one; coverage is a
	// share of the 8 replicates, and the text quotes it.
	if len(c.PlantedMeasured) != len(c.Terms) || !(c.PlantedMeasured[0] < c.Planted[0] && c.PlantedMeasured[0] > 0) {
		t.Errorf("planted intercept %v noiseless, %v measured", c.Planted, c.PlantedMeasured)
	}
	for j, cov := range c.Coverage {
		if math.Abs(cov*8-math.Round(cov*8)) > 1e-9 || cov < 0 || cov > 1 {
			t.Errorf("term %s: coverage %v is not a share of 8 replicates", c.Terms[j], cov)
		}
	}
	if txt := c.Text(); !strings.Contains(txt, "measured reliability in ") {
		t.Errorf("calibration text lacks coverage: %s", txt)
	}
	for _, k := range robustness.SEMethods {
		for j, term := range c.Terms {
			if se := c.MeanSE[k][j]; !(se > 0) || math.IsInf(se, 0) {
				t.Errorf("%s %s: mean SE %v", k, term, se)
			}
		}
	}
	for j, term := range c.Terms {
		t.Logf("%-22s planted %.4f mean %.4f sd %.4f | OLS %.2f dyadic %.2f run boot %.2f task boot %.2f", term, c.Planted[j], c.MeanBeta[j], c.SD[j],
			c.Ratio[robustness.SEOLS][j], c.Ratio[robustness.SEDyadic][j], c.Ratio[robustness.SERunBootstrap][j], c.Ratio[robustness.SETaskBootstrap][j])
		switch term {
		case "language":
			if !(c.Planted[j] > 0.03 && c.MeanBeta[j] > 0) {
				t.Errorf("language: planted %v, mean estimate %v", c.Planted[j], c.MeanBeta[j])
			}
		}
		// The intercept is left out: with 16 tasks the bootstrap of a
		// correlation overstates its spread (ratio 0.55 here, 1.0 at 30 tasks).
		if r := c.Ratio[robustness.SETaskBootstrap][j]; term != "intercept" && !(r >= 0.5 && r <= 2) {
			t.Errorf("%s: sd / mean task-bootstrap SE = %.2f, want within 0.5-2", term, r)
		}
	}
}

// countingBars records what a job reports to its progress bars.
type countingBars struct {
	labels, total, added int
	finished             bool
}

func (b *countingBars) start(label string, total int) progress.Bar {
	b.labels++
	b.total = total
	return b
}

func (b *countingBars) Add(n int) { b.added += n }
func (b *countingBars) Finish()   { b.finished = true }

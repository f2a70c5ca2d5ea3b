package positivity_test

import (
	"testing"

	"github.com/prefscope/prefscope/lib/internal/synthtest"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/positivity"
	"github.com/prefscope/prefscope/lib/study"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// TestSyntheticStudyRecoversPlanted measures a small configuration of the
// default study's positivity parts through the real engine, parser and store
// (the six framings x one three-option and two two-option sets, 120 tasks,
// 5 samples, two simulated models) and checks that measured shares cover the
// planted ones as 95% intervals should: at least 90% of (cell, class)
// shares, where cells are model x framing x option set x origin.
func TestSyntheticStudyRecoversPlanted(t *testing.T) {
	all, err := task.Default()
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := task.Sample(all, task.SampleOptions{N: 120, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	framings := []string{"did_enjoy", "be_honest", "honest_dislike_ok", "experience", "future", "reflect"}
	scales := []string{"yes_somewhat_no", "yes_no", "enjoyed_disliked"}
	seeds := []int64{2026, 7}
	for _, seed := range seeds {
		fx := synthtest.NewWith(t, seed, tasks)
		eng, ids := fx.Engine(2), fx.IDs(1)
		for _, f := range framings {
			for _, sc := range scales {
				tpl := fx.Template(t, template.PostStated, sc, func(fl template.Fields) bool { return fl.Phrasing == f && synthtest.Plain(fl) })
				cfg := measure.RunConfig{Study: "test", Part: "positivity", Model: fx.Spec(),
					Template: tpl, Tasks: ids, Samples: 5, Temperature: 1, Seed: seed, CompletionSeed: 1}
				synthtest.Measure(t, eng, dir, cfg)
			}
		}
	}
	runs, err := measure.ReadRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	planted, err := study.PlantedTruths(runs, tasks)
	if err != nil {
		t.Fatal(err)
	}
	ratings, err := positivity.FromRuns(runs, tasks, &positivity.RunOptions{Planted: planted})
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * len(framings) * len(scales) * len(tasks) * 5; len(ratings) != want {
		t.Fatalf("%d ratings, want %d", len(ratings), want)
	}
	cells, err := positivity.Table(ratings, positivity.ByModel, positivity.ByFraming, positivity.ByOptionSet, positivity.ByOrigin)
	if err != nil {
		t.Fatal(err)
	}
	valid, n := 0, 0
	for _, c := range cells {
		if c.Planted == nil {
			t.Fatalf("cell %s/%s/%s/%s has no planted shares", c.Model, c.Framing, c.OptionSet, c.Origin)
		}
		valid += c.Valid
		n += c.N
	}
	// The respondent refuses 1% and garbles 2% of answers; everything else,
	// two-option answers included, must parse.
	if rate := float64(valid) / float64(n); rate < 0.95 {
		t.Errorf("parse rate %.3f, want at least 0.95 (planted misbehaviour is 3%%)", rate)
	}
	in, total := positivity.Coverage(cells)
	t.Logf("%d cells; planted share inside the measured 95%% interval in %d of %d (%.1f%%)", len(cells), in, total, 100*float64(in)/float64(total))
	if float64(in) < 0.9*float64(total) {
		t.Errorf("planted shares covered in %d of %d, want at least 90%%", in, total)
	}

	// Negative control: against a truth without the planted origin shifts
	// the same measurements must fail the bar, so the bar can detect a
	// respondent whose positivity does not depend on origin as planted.
	wrong := map[string]positivity.PlantedRatings{}
	for _, seed := range seeds {
		p := synth.NewTruth(tasks, seed, synth.Params{}).Params
		p.OriginPositivity = map[string]float64{}
		wrong[synth.ModelName(seed)] = study.PlantedRatings(synth.NewTruth(tasks, seed, p))
	}
	ratings, err = positivity.FromRuns(runs, tasks, &positivity.RunOptions{Planted: wrong})
	if err != nil {
		t.Fatal(err)
	}
	cells, _ = positivity.Table(ratings, positivity.ByModel, positivity.ByFraming, positivity.ByOptionSet, positivity.ByOrigin)
	win, wtotal := positivity.Coverage(cells)
	t.Logf("without origin shifts: %d of %d (%.1f%%)", win, wtotal, 100*float64(win)/float64(wtotal))
	if float64(win) >= 0.9*float64(wtotal) {
		t.Errorf("a truth without origin shifts still covered in %d of %d: the bar cannot tell", win, wtotal)
	}
}

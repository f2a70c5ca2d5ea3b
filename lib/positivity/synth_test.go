package positivity

import (
	"context"
	"testing"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// plainTemplate is the post_stated template of a phrasing and scale with the
// other fields held as the default study holds them (English, plain text,
// no perturbations, no situating context).
func plainTemplate(t *testing.T, cat *template.Catalog, phrasing, scale string) template.Template {
	t.Helper()
	for _, tp := range cat.Generate(template.PostStated, scale) {
		f := tp.Fields
		if f.Phrasing == phrasing && f.Language == "en" && f.ResponseFormat == template.FormatPlain &&
			!f.Typos && !f.Punctuation && !f.InstructionXML && !f.SituatingContext {
			return tp
		}
	}
	t.Fatalf("no post_stated template %s/%s", phrasing, scale)
	return template.Template{}
}

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
	cat, err := template.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]task.Task{}
	var ids []string
	for _, tk := range tasks {
		byID[tk.ID] = tk
		ids = append(ids, tk.ID)
	}
	dir := t.TempDir()
	framings := []string{"did_enjoy", "be_honest", "honest_dislike_ok", "experience", "future", "reflect"}
	scales := []string{"yes_somewhat_no", "yes_no", "enjoyed_disliked"}
	for _, seed := range []int64{2026, 7} {
		m, err := synth.New(synth.Options{Seed: seed, Tasks: tasks, Catalog: cat})
		if err != nil {
			t.Fatal(err)
		}
		eng := &measure.Engine{Model: m, Catalog: cat, Tasks: byID, Concurrency: 2}
		for _, f := range framings {
			for _, sc := range scales {
				cfg := measure.RunConfig{
					Study: "test", Part: "positivity", Model: model.Spec{Kind: "synth", Seed: seed},
					Template: plainTemplate(t, cat, f, sc), Tasks: ids, Samples: 5, Temperature: 1, Seed: seed, CompletionSeed: 1,
				}
				if _, err := eng.Run(context.Background(), dir+"/runs", cfg); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	runs, err := measure.ReadRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	ratings, err := FromRuns(runs, tasks, &RunOptions{Truths: PlantedTruths(runs, tasks)})
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * len(framings) * len(scales) * len(ids) * 5; len(ratings) != want {
		t.Fatalf("%d ratings, want %d", len(ratings), want)
	}
	cells, err := Table(ratings, ByModel, ByFraming, ByOptionSet, ByOrigin)
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
	in, total := Coverage(cells)
	t.Logf("%d cells; planted share inside the measured 95%% interval in %d of %d (%.1f%%)", len(cells), in, total, 100*float64(in)/float64(total))
	if float64(in) < 0.9*float64(total) {
		t.Errorf("planted shares covered in %d of %d, want at least 90%%", in, total)
	}

	// Negative control: against a truth without the planted origin shifts
	// the same measurements must fail the bar, so the bar can detect a
	// respondent whose positivity does not depend on origin as planted.
	wrong := map[string]*synth.Truth{}
	for label, tr := range PlantedTruths(runs, tasks) {
		p := tr.Params
		p.OriginPositivity = map[string]float64{}
		wrong[label] = synth.NewTruth(tasks, tr.Seed, p)
	}
	ratings, err = FromRuns(runs, tasks, &RunOptions{Truths: wrong})
	if err != nil {
		t.Fatal(err)
	}
	cells, _ = Table(ratings, ByModel, ByFraming, ByOptionSet, ByOrigin)
	win, wtotal := Coverage(cells)
	t.Logf("without origin shifts: %d of %d (%.1f%%)", win, wtotal, 100*float64(win)/float64(wtotal))
	if float64(win) >= 0.9*float64(wtotal) {
		t.Errorf("a truth without origin shifts still covered in %d of %d: the bar cannot tell", win, wtotal)
	}
}

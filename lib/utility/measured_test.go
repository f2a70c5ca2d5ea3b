package utility

import (
	"context"
	"testing"

	"github.com/prefscope/prefscope/lib/internal/synthtest"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/template"
)

// engineFor is the respondent with seed 4 over the default tasks, its
// engine and every sixth task id (40 tasks).
func engineFor(t *testing.T) (*measure.Engine, *synth.Model, *template.Catalog, []string) {
	f := synthtest.New(t, 4)
	return f.Engine(4), f.Model, f.Catalog, f.IDs(6)
}

// TestFitRunRecoversPlantedUtilities measures a dense simulated run through
// the whole pipeline (render, respond, parse, store) and fits it: the fit
// must rank tasks like the planted context utilities. With 40 tasks, 780
// pairs and 4 samples each, Spearman is about 0.95; 0.85 leaves room for
// sampling noise.
func TestFitRunRecoversPlantedUtilities(t *testing.T) {
	eng, m, cat, ids := engineFor(t)
	tp := cat.Generate(template.PreRevealed, "")[0]
	tp.Fields.TaskOrder = template.OrderRandom
	cfg := measure.RunConfig{Part: "dense", Template: tp, Tasks: ids, Pairs: synthtest.AllPairs(ids), Samples: 4, Temperature: 1, Seed: 9}
	run := synthtest.Measure(t, eng, t.TempDir(), cfg)
	u, counts, err := FitRun(run, nil)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Choices+counts.Refusals+counts.Unparseable != len(run.Records) || counts.Choices < len(run.Records)*9/10 {
		t.Errorf("counts %+v for %d records", counts, len(run.Records))
	}
	ctx := synth.ContextOf(tp)
	planted := make([]float64, len(u.IDs))
	for i, id := range u.IDs {
		planted[i] = m.Truth().Utility(id, ctx)
	}
	rho, err := stats.Spearman(u.Mu, planted)
	if err != nil {
		t.Fatal(err)
	}
	if rho < 0.85 {
		t.Errorf("Spearman with planted utilities %.3f, want >= 0.85", rho)
	}
}

// TestRunActiveResumes runs live active learning twice on the same store:
// the second call makes no model calls and returns the same utilities.
func TestRunActiveResumes(t *testing.T) {
	eng, _, cat, ids := engineFor(t)
	tp := cat.Generate(template.PreRevealed, "")[3]
	base := measure.RunConfig{Part: "al", Template: tp, Tasks: ids, Samples: 1, Temperature: 1, Seed: 2}
	dir := t.TempDir()
	strategy := func() Strategy { return &RandomStrategy{BatchSize: 60, MaxPairs: 240} }
	u1, sums1, err := RunActive(context.Background(), eng, dir, base, strategy(), &ActiveOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	done := 0
	for _, s := range sums1 {
		done += s.Done
	}
	if len(sums1) < 4 || done < 240 {
		t.Fatalf("%d batches, %d calls; want at least 4 batches and 240 calls", len(sums1), done)
	}
	u2, sums2, err := RunActive(context.Background(), eng, dir, base, strategy(), &ActiveOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sums2 {
		if s.Done != 0 {
			t.Errorf("resumed batch %s made %d calls, want 0", s.RunID, s.Done)
		}
	}
	for i := range u1.Mu {
		if u1.Mu[i] != u2.Mu[i] {
			t.Fatalf("mu[%d] %v then %v after resume", i, u1.Mu[i], u2.Mu[i])
		}
	}
	if len(u1.IDs) != len(ids) {
		t.Errorf("%d ids, want %d", len(u1.IDs), len(ids))
	}
}

func TestWriteRunFitRoundTrip(t *testing.T) {
	d, err := NewDataIDs([]string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	d.AddID("a", "b", 3, 1)
	d.AddID("b", "c", 2, 1)
	d.AddID("a", "c", 4, 0)
	u, err := Fit(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteRunFit(dir, u, RunCounts{Choices: 11}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRunUtilities(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range u.IDs {
		if got[id] != u.Mu[i] {
			t.Errorf("%s: read %v, wrote %v", id, got[id], u.Mu[i])
		}
	}
	if !(got["a"] > got["b"] && got["b"] > got["c"]) {
		t.Errorf("utilities %v do not follow the wins", got)
	}
}

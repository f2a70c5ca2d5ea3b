package study

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/probe"
	"github.com/prefscope/prefscope/lib/steering"
)

func TestSteerStudyErrors(t *testing.T) {
	head := "name: s\nmodel: {kind: synth}\ntasks: {default: true}\nparts:\n" +
		"  - {name: src, kind: pre_revealed, templates: {sample: 1}, pairs: {per_task: 2}, samples: 1}\n"
	steer := func(kind, extra string) string {
		return "  - {name: st, kind: " + kind + ", templates: {sample: 1, scale: 1-5}, samples: 1, steer: {direction: d, multipliers: [0, 0.1]" + extra + "}}\n"
	}
	cases := []struct{ name, body, want string }{
		{"served model", "name: s\nmodel: {kind: openai, name: m, base_url: http://localhost}\ntasks: {default: true}\nparts:\n" + steer("pre_stated", ", mode: all"), "cannot steer"},
		{"differential on ratings", head + steer("pre_stated", ", mode: differential"), "needs two tasks"},
		{"unknown mode", head + steer("pre_stated", ", mode: sideways"), "not one of"},
		{"borderline on ratings", head + steer("pre_stated", ", mode: all, borderline: {part: src}"), "need a revealed kind"},
		{"borderline later part", head + steer("pre_revealed", ", mode: differential, borderline: {part: nope}"), "not a part listed before"},
		{"duplicate multiplier", head + "  - {name: st, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1, steer: {direction: d, mode: all, multipliers: [0.1, 0.1]}}\n", "listed twice"},
		{"bad bounds", head + steer("pre_revealed", ", mode: differential, borderline: {part: src, low: 0.9, high: 0.1}"), "low < high"},
		{"only the baseline", head + "  - {name: st, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1, steer: {direction: d, mode: all, multipliers: [0]}}\n", "non-zero multiplier"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := loadTestStudy(t, c.body)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}

// The steering parts of the default synthetic study, end to end: the probe
// direction is fitted and saved, the steering parts run (and resume with
// nothing left to do), and on the simulated respondent the measured slope
// covers the planted one, the pooled random directions cover zero at every
// multiplier, and answers lose coherence only beyond the planted limit.
func TestSteerDefaultStudy(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the default study's steering parts (about 20 s)")
	}
	dir := t.TempDir()
	y, err := os.ReadFile(filepath.Join("..", "..", "data", "studies", "default", "study.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), y, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	parts := []string{"steer_choice", "steer_rating"}
	// Before the probe is saved: skipped in a whole-study run, an error by name.
	if _, err := Run(ctx, dir, Options{Parts: []string{"post_rating", "steer_source"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, dir, Options{Parts: parts}); err == nil || !strings.Contains(err.Error(), "fit and save the probe first") {
		t.Fatalf("missing direction: err = %v", err)
	}
	store, err := Extract(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	runs, err := PartRuns(dir, "post_rating")
	if err != nil {
		t.Fatal(err)
	}
	target, _, err := probe.RatingTargets(runs)
	if err != nil {
		t.Fatal(err)
	}
	set, err := activations.Load(store, 16)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := probe.FromSet(set, target)
	if err != nil {
		t.Fatal(err)
	}
	d, err := probe.FitDirection(ds, &probe.Options{Shuffle: true}, probe.Direction{Study: "default", Layer: 16, Position: "token", Target: "post-task rating"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := probe.SaveDirection(dir, "valence_l16", d); err != nil {
		t.Fatal(err)
	}
	res, err := Run(ctx, dir, Options{Parts: parts})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range res.Configs {
		ids[c.ID()] = true
	}
	if len(ids) != len(res.Configs) || len(ids) != 2*(1+6*8)+(1+6*8) {
		t.Fatalf("%d distinct run ids for %d runs, want 147", len(ids), len(res.Configs))
	}
	var log bytes.Buffer
	again, err := Run(ctx, dir, Options{Parts: parts, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range again.Summaries {
		if s.Done != 0 {
			t.Fatalf("resume made %d calls in %s", s.Done, s.RunID)
		}
	}
	truth, err := LoadTruth(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range parts {
		sr, err := SteerRuns(dir, part)
		if err != nil {
			t.Fatal(err)
		}
		answers, err := steering.FromRuns(sr, PlantedSteering(truth))
		if err != nil {
			t.Fatal(err)
		}
		slope, err := steering.Slope(answers, steering.Probe, truth.Params.CoherenceLimit)
		if err != nil {
			t.Fatal(err)
		}
		if !slope.CI.Contains(slope.Planted) || slope.CI.Low <= 0 {
			t.Errorf("%s: slope %.3f %v, planted %.3f", part, slope.Slope, slope.CI, slope.Planted)
		}
		curves, err := steering.Shifts(answers)
		if err != nil {
			t.Fatal(err)
		}
		pooled := curves[len(curves)-1]
		if pooled.Direction != steering.PooledRandom || len(pooled.Points) != 9 {
			t.Fatalf("%s: last curve %s with %d points", part, pooled.Direction, len(pooled.Points))
		}
		for _, p := range pooled.Points {
			if !p.CI.Contains(0) {
				t.Errorf("%s: random directions at %v: %v excludes 0", part, p.Multiplier, p.CI)
			}
		}
		points := steering.Coherence(answers)
		base := points[0].Parsed.P
		for _, p := range points[1:] {
			beyond := math.Abs(p.Multiplier) > truth.Params.CoherenceLimit
			// Within the limit the respondent plants no extra incoherence:
			// 0.08 is about three standard errors of a parse rate over the
			// 320 answers of a multiplier. Beyond it, answers degrade by far more.
			if beyond && p.Parsed.P > base-0.2 || !beyond && p.Parsed.P < base-0.08 {
				t.Errorf("%s: %s at %v: parse rate %.3f, baseline %.3f", part, p.Direction, p.Multiplier, p.Parsed.P, base)
			}
		}
	}
}

// A whole-study run skips a steering part whose direction is not saved yet,
// and says so; the other parts run.
func TestSteerPartWaitsForItsDirection(t *testing.T) {
	dir := t.TempDir()
	y := "name: s\nmodel: {kind: synth, seed: 3}\ntasks: {default: true}\nparts:\n" +
		"  - {name: src, kind: pre_stated, tasks: {n: 4, seed: 1}, templates: {sample: 1, seed: 1, scale: 1-5}, samples: 1, temperature: 1}\n" +
		"  - {name: st, kind: pre_stated, tasks: {n: 4, seed: 1}, templates: {sample: 1, seed: 1, scale: 1-5}, samples: 1, temperature: 1, steer: {direction: later, mode: all, multipliers: [0.1]}}\n"
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	res, err := Run(context.Background(), dir, Options{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Summaries) != 1 || !strings.Contains(log.String(), `part st: skipped, its direction "later" is not saved yet`) {
		t.Fatalf("%d runs, log:\n%s", len(res.Summaries), log.String())
	}
}

package study

import (
	"math"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/internal/synthtest"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/template"
)

// TestPlantedAdaptersAnswerFromTheTruth checks the adapters against the
// planted formulas written out here: the steering shift
// SteerGain·L·tanh(m/L)·cos, no shift without a vector, and rating
// probabilities that are those of the truth and sum to one.
func TestPlantedAdaptersAnswerFromTheTruth(t *testing.T) {
	if PlantedSteering(nil) != nil || PlantedRatings(nil) != nil {
		t.Fatal("a nil truth must give a nil interface, not one holding nil")
	}
	fx := synthtest.New(t, 11)
	truth := fx.Truth()
	st := PlantedSteering(truth)
	p := truth.Params
	if st.Gain() != p.SteerGain || st.CoherenceLimit() != p.CoherenceLimit {
		t.Fatalf("gain %v limit %v, want %v and %v", st.Gain(), st.CoherenceLimit(), p.SteerGain, p.CoherenceLimit)
	}
	const layer = 1
	dir := make([]float32, len(truth.Direction[layer]))
	for i, x := range truth.Direction[layer] {
		dir[i] = float32(2 * x) // parallel, not unit: the cosine is 1
	}
	if c := st.Cosine(dir, layer); math.Abs(c-1) > 1e-6 {
		t.Fatalf("cosine with the planted direction %v, want 1", c)
	}
	for _, m := range []float64{-0.2, 0.01, 0.05} {
		want := p.SteerGain * p.CoherenceLimit * math.Tanh(m/p.CoherenceLimit)
		if got := st.Shift(dir, layer, m); math.Abs(got-want) > 1e-6*math.Abs(want) {
			t.Errorf("shift at %v: %v, want %v", m, got, want)
		}
		if got := st.Shift(nil, layer, m); got != 0 {
			t.Errorf("shift without a vector at %v: %v, want 0", m, got)
		}
	}

	tpl := fx.Template(t, template.PostStated, "yes_somewhat_no", synthtest.Plain)
	id := fx.IDs(1)[0]
	probs, ok := PlantedRatings(truth).RatingProbs(id, tpl, 3, 1)
	want := truth.RatingProbsAt(id, synth.ContextOf(tpl), synth.Framing(tpl), tpl.Scale, 3, 1)
	if !ok || len(probs) != 3 {
		t.Fatalf("rating probabilities %v (ok %v), want 3", probs, ok)
	}
	var sum float64
	for i := range probs {
		sum += probs[i]
		if probs[i] != want[i] {
			t.Errorf("option %d: %v, truth says %v", i, probs[i], want[i])
		}
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("probabilities sum to %v", sum)
	}
	// Unsteered, the steering view rates as the positivity view does.
	if got := st.RatingProbs(id, tpl, 3, 1, 0); math.Abs(got[0]-probs[0]) > 1e-9 {
		t.Errorf("unsteered P(best) %v, unsteered rating view %v", got[0], probs[0])
	}
}

// TestPlantedTruthsKeysByLabel checks that PlantedTruths keys each synth
// model by its label, skips other models, and names a run whose task is
// not in the list.
func TestPlantedTruthsKeysByLabel(t *testing.T) {
	fx := synthtest.New(t, 5)
	run := func(spec model.Spec, tasks ...string) *measure.Run {
		return &measure.Run{File: measure.RunFile{ID: "r-" + spec.Kind, Config: measure.RunConfig{Model: spec, Tasks: tasks}}}
	}
	ids := fx.IDs(1)
	got, err := PlantedTruths([]*measure.Run{run(fx.Spec(), ids...), run(model.Spec{Kind: model.KindOpenAI, Name: "gpt"}, "x")}, fx.Tasks)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["synth:5"] == nil {
		t.Fatalf("planted models %v, want only synth:5", got)
	}
	_, err = PlantedTruths([]*measure.Run{run(fx.Spec(), "no-such-task")}, fx.Tasks)
	if err == nil || !strings.Contains(err.Error(), "no-such-task") || !strings.Contains(err.Error(), "r-synth") {
		t.Fatalf("unknown task: error %v, want one naming the run and the task", err)
	}
}

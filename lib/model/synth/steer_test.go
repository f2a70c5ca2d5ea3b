package synth

import (
	"context"
	"math"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// steerChoice renders one English plain pre_revealed prompt for a pair.
func steerChoice(t *testing.T, m *Model, tasks []task.Task, cat *template.Catalog, a, b string) (template.Prompt, Context) {
	t.Helper()
	byID := map[string]task.Task{}
	for _, tk := range tasks {
		byID[tk.ID] = tk
	}
	tp := pick(t, cat, template.PreRevealed, "", func(f template.Fields) bool {
		return f.ResponseFormat == template.FormatXML && f.Language == "en"
	})
	p, err := cat.RenderChoice(tp, byID[a].Prompt, byID[b].Prompt)
	if err != nil {
		t.Fatal(err)
	}
	return p, ContextOf(tp)
}

func f32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// orthogonal returns a unit vector orthogonal to d.
func orthogonal(d []float64) []float32 {
	v := make([]float64, len(d))
	v[0], v[1] = 1, -1
	var dot float64
	for i := range v {
		dot += v[i] * d[i]
	}
	var n float64
	for i := range v {
		v[i] -= dot * d[i]
		n += v[i] * v[i]
	}
	for i := range v {
		v[i] /= math.Sqrt(n)
	}
	return f32(v)
}

// winRate asks n seeds and returns the first-shown task's share of parsed
// choices and the share of replies parsed.
func winRate(t *testing.T, m *Model, p template.Prompt, st *model.Steering, n int) (win, parsed float64) {
	t.Helper()
	wins, ok := 0, 0
	for s := 0; s < n; s++ {
		resp, err := m.Chat(context.Background(), model.Request{Messages: p.Messages, Tools: p.Tools, Temperature: 1, Seed: int64(s), Steering: st})
		if err != nil {
			t.Fatal(err)
		}
		got := template.ParseChoice(p, resp)
		if got.Outcome == template.OutcomeChoice {
			ok++
			if got.Choice == 0 {
				wins++
			}
		}
	}
	return float64(wins) / float64(ok), float64(ok) / float64(n)
}

// Differential steering along the planted direction moves the first task's
// win rate to the planted SteeredChoiceProb; multiplier 0 leaves every
// answer exactly as it was and an orthogonal direction leaves the win rate
// at the unsteered probability; past the coherence limit the parse rate
// falls to the planted incoherence.
func TestSteeringRespondsCausally(t *testing.T) {
	m, tasks, cat := newModel(t, 3)
	tr := m.Truth()
	const layer, n = 16, 3000
	p, c := steerChoice(t, m, tasks, cat, "alpaca_010", "alpaca_011")
	steerAt := func(dir []float32, mult float64) *model.Steering {
		return &model.Steering{Direction: dir, DirectionID: "test", Layer: layer, Multiplier: mult, Norm: 1,
			Mode: model.SteerDifferential, Plus: p.TaskTexts[0], Minus: p.TaskTexts[1]}
	}
	planted := f32(tr.Direction[layer])
	for s := 0; s < 200; s++ {
		req := model.Request{Messages: p.Messages, Temperature: 1, Seed: int64(s)}
		base, _ := m.Chat(context.Background(), req)
		req.Steering = steerAt(planted, 0)
		got, err := m.Chat(context.Background(), req)
		if err != nil || got.Text != base.Text {
			t.Fatalf("seed %d, multiplier 0: reply %q (err %v), want the unsteered %q", s, got.Text, err, base.Text)
		}
	}
	unsteered := tr.SteeredChoiceProb("alpaca_010", "alpaca_011", c, 1, 0, 0)
	if win, parsed := winRate(t, m, p, steerAt(orthogonal(tr.Direction[layer]), 0.04), n); math.Abs(win-unsteered) > 4*math.Sqrt(unsteered*(1-unsteered)/(parsed*n)) {
		t.Errorf("orthogonal direction: win rate %.3f, unsteered planted %.3f", win, unsteered)
	}
	for _, mult := range []float64{-0.03, 0.03} {
		win, parsed := winRate(t, m, p, steerAt(planted, mult), n)
		sh := tr.SteerShift(1, mult)
		want := tr.SteeredChoiceProb("alpaca_010", "alpaca_011", c, 1, sh, -sh)
		if se := math.Sqrt(want * (1 - want) / (parsed * n)); math.Abs(win-want) > 4*se {
			t.Errorf("multiplier %v: win rate %.3f, planted %.3f (4 SE = %.3f)", mult, win, want, 4*se)
		}
		if base := tr.SteeredChoiceProb("alpaca_010", "alpaca_011", c, 1, 0, 0); (want-base)*mult <= 0 || math.Abs(want-base) < 0.05 {
			t.Errorf("multiplier %v: planted shift %.3f is not a clear move in the multiplier's direction", mult, want-base)
		}
	}
	_, parsed := winRate(t, m, p, steerAt(planted, 0.12), n)
	// Coherent answers still fail at the planted refusal and malformed rates.
	want := (1 - tr.Incoherence(0.12)) * (1 - tr.Params.RefusalRate - tr.Params.MalformedRate)
	if math.Abs(parsed-want) > 0.04 || tr.Incoherence(0.12) < 0.5 {
		t.Errorf("multiplier 0.12: parse rate %.3f, planted about %.3f", parsed, want)
	}
}

func TestSteeringRejectsBadRequests(t *testing.T) {
	m, tasks, cat := newModel(t, 3)
	p, _ := steerChoice(t, m, tasks, cat, "alpaca_010", "alpaca_011")
	dir := f32(m.Truth().Direction[16])
	for name, st := range map[string]*model.Steering{
		"short direction":  {Direction: dir[:10], Layer: 16, Mode: model.SteerAll},
		"layer":            {Direction: dir, Layer: 99, Mode: model.SteerAll},
		"mode":             {Direction: dir, Layer: 16, Mode: "sideways"},
		"no spans":         {Direction: dir, Layer: 16, Mode: model.SteerDifferential},
		"span not in task": {Direction: dir, Layer: 16, Mode: model.SteerDifferential, Plus: "nope", Minus: p.TaskTexts[1]},
	} {
		if _, err := m.Chat(context.Background(), model.Request{Messages: p.Messages, Steering: st}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

package synth

import (
	"context"
	"math"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

func newModel(t *testing.T, seed int64) (*Model, []task.Task, *template.Catalog) {
	t.Helper()
	tasks, err := task.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := template.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(Options{Seed: seed, Tasks: tasks, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	return m, tasks, cat
}

// pick returns the first template of kind in the catalog whose fields match.
func pick(t *testing.T, cat *template.Catalog, kind template.Kind, scale string, match func(template.Fields) bool) template.Template {
	t.Helper()
	for _, tp := range cat.Generate(kind, scale) {
		if match(tp.Fields) {
			return tp
		}
	}
	t.Fatalf("no %s template matches", kind)
	return template.Template{}
}

// TestChoiceRatesMatchPlantedProbabilities asks the same pairs many times with
// different seeds, parses the replies with the real parsers, and checks the
// first-shown task's win rate against the planted Thurstonian probability.
// Tolerance: 4 binomial standard errors, sqrt(p(1-p)/n) with n the parsed
// replies, so a correct respondent fails a check with probability ~6e-5.
func TestChoiceRatesMatchPlantedProbabilities(t *testing.T) {
	m, tasks, cat := newModel(t, 7)
	byID := map[string]task.Task{}
	for _, tk := range tasks {
		byID[tk.ID] = tk
	}
	formats := []string{template.FormatPlain, template.FormatXML, template.FormatToolCall}
	pairs := [][2]string{{"math_001", "alpaca_002"}, {"bailbench_003", "wildchat_004"}, {"alpaca_010", "alpaca_011"}, {"wildchat_020", "bailbench_021"}}
	const n = 600
	for _, f := range formats {
		tp := pick(t, cat, template.PreRevealed, "", func(fl template.Fields) bool { return fl.ResponseFormat == f && fl.Language == "en" })
		ctx := ContextOf(tp)
		for _, pr := range pairs {
			a, b := byID[pr[0]], byID[pr[1]]
			p, err := cat.RenderChoice(tp, a.Prompt, b.Prompt)
			if err != nil {
				t.Fatal(err)
			}
			tr := m.Truth()
			want := normCDF((tr.Utility(a.ID, ctx) + tr.Params.PositionBias - tr.Utility(b.ID, ctx)) / math.Hypot(tr.Sigma[a.ID], tr.Sigma[b.ID]))
			wins, parsed := 0, 0
			for s := 0; s < n; s++ {
				resp, err := m.Chat(context.Background(), model.Request{Messages: p.Messages, Tools: p.Tools, Temperature: 1, Seed: int64(s)})
				if err != nil {
					t.Fatal(err)
				}
				got := template.ParseChoice(p, resp)
				if got.Outcome != template.OutcomeChoice {
					continue
				}
				parsed++
				if got.Choice == 0 {
					wins++
				}
			}
			if parsed < n*9/10 {
				t.Errorf("%s %v: only %d of %d replies parsed", f, pr, parsed, n)
				continue
			}
			rate := float64(wins) / float64(parsed)
			se := math.Sqrt(want * (1 - want) / float64(parsed))
			if math.Abs(rate-want) > 4*se+1e-9 {
				t.Errorf("%s %v: first-shown win rate %.3f, planted %.3f (4 SE = %.3f)", f, pr, rate, want, 4*se)
			}
		}
	}
}

func TestRatingDistributionMatchesPlanted(t *testing.T) {
	m, tasks, cat := newModel(t, 11)
	tp := pick(t, cat, template.PreStated, "good_neutral_bad", func(fl template.Fields) bool {
		return fl.ResponseFormat == template.FormatXML && fl.Language == "en"
	})
	ctx := ContextOf(tp)
	const n = 800
	for _, x := range []task.Task{tasks[0], tasks[70], tasks[200]} {
		p, err := cat.RenderRating(tp, x.Prompt)
		if err != nil {
			t.Fatal(err)
		}
		want := m.Truth().RatingProbs(x.ID, ctx, Framing(tp), tp.Scale, len(p.Options))
		counts := make([]int, len(p.Options))
		parsed := 0
		for s := 0; s < n; s++ {
			resp, _ := m.Chat(context.Background(), model.Request{Messages: p.Messages, Tools: p.Tools, Temperature: 1, Seed: int64(s)})
			got := template.ParseRating(p, resp)
			if got.Outcome == template.OutcomeRating {
				counts[got.Option]++
				parsed++
			}
		}
		for k, c := range counts {
			rate := float64(c) / float64(parsed)
			se := math.Sqrt(want[k] * (1 - want[k]) / float64(parsed))
			if math.Abs(rate-want[k]) > 4*se+0.002 {
				t.Errorf("task %s option %q: rate %.3f, planted %.3f (4 SE = %.3f)", x.ID, p.Options[k], rate, want[k], 4*se)
			}
		}
	}
}

func TestSameRequestSameSeedSameAnswer(t *testing.T) {
	m, tasks, cat := newModel(t, 3)
	tp := cat.Generate(template.PreRevealed, "")[5]
	p, err := cat.RenderChoice(tp, tasks[1].Prompt, tasks[2].Prompt)
	if err != nil {
		t.Fatal(err)
	}
	req := model.Request{Messages: p.Messages, Tools: p.Tools, Temperature: 1, Seed: 42}
	first, _ := m.Chat(context.Background(), req)
	m2, _, _ := newModel(t, 3)
	for i := 0; i < 20; i++ {
		again, _ := m2.Chat(context.Background(), req)
		if again.Text != first.Text || len(again.ToolCalls) != len(first.ToolCalls) {
			t.Fatalf("same request and seed gave %+v then %+v", first, again)
		}
	}
	differs := false
	for s := int64(0); s < 50 && !differs; s++ {
		req.Seed = s
		r, _ := m.Chat(context.Background(), req)
		differs = r.Text != first.Text || len(r.ToolCalls) > 0 && len(first.ToolCalls) > 0 && r.ToolCalls[0].Arguments != first.ToolCalls[0].Arguments
	}
	if !differs {
		t.Error("50 seeds all gave the same answer; seeds are not used")
	}
}

func TestRefusalAndMalformedRates(t *testing.T) {
	m, tasks, cat := newModel(t, 5)
	tp := pick(t, cat, template.PreRevealed, "", func(fl template.Fields) bool { return fl.ResponseFormat == template.FormatPlain && fl.Language == "fr" })
	p, _ := cat.RenderChoice(tp, tasks[0].Prompt, tasks[1].Prompt) // neither is BailBench
	const n = 4000
	count := map[template.Outcome]int{}
	for s := 0; s < n; s++ {
		resp, _ := m.Chat(context.Background(), model.Request{Messages: p.Messages, Temperature: 1, Seed: int64(s)})
		count[template.ParseChoice(p, resp).Outcome]++
	}
	par := m.Truth().Params
	for _, c := range []struct {
		o    template.Outcome
		want float64
	}{{template.OutcomeRefusal, par.RefusalRate}, {template.OutcomeUnparseable, par.MalformedRate}} {
		rate := float64(count[c.o]) / n
		se := math.Sqrt(c.want * (1 - c.want) / n)
		if math.Abs(rate-c.want) > 4*se {
			t.Errorf("%s rate %.4f, planted %.4f (4 SE = %.4f)", c.o, rate, c.want, 4*se)
		}
	}
}

func TestActivationsCarryPlantedValence(t *testing.T) {
	m, tasks, _ := newModel(t, 9)
	tr := m.Truth()
	layer := tr.Params.Layers / 2
	var xs, ys []float64
	for _, tk := range tasks {
		a, err := m.Activations(context.Background(), model.ActivationRequest{
			Messages:  []model.Message{{Role: model.RoleUser, Content: tk.Prompt}, {Role: model.RoleAssistant, Content: "done"}},
			Layers:    []int{0, layer},
			Positions: model.Positions{Kind: model.PosToken, Token: "<|eot_id|>"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Vectors) != 2 || len(a.Vectors[1]) != 1 || len(a.Vectors[1][0]) != m.HiddenSize() {
			t.Fatalf("activation shape %d x %d", len(a.Vectors), len(a.Vectors[1]))
		}
		var proj float64
		for i, v := range a.Vectors[1][0] {
			proj += float64(v) * tr.Direction[layer][i]
		}
		xs = append(xs, proj)
		ys = append(ys, tr.Valence(tk.ID))
	}
	// Projection = Strength·v + offset·d + N(0,1): with Strength 3 at the
	// peak the correlation with v is about 3/sqrt(9+1+offset var) > 0.85.
	if r := pearson(xs, ys); r < 0.85 {
		t.Errorf("projection on the planted direction correlates %.3f with valence, want > 0.85", r)
	}
	if _, err := m.Activations(context.Background(), model.ActivationRequest{Messages: []model.Message{{Role: model.RoleUser, Content: "unknown"}}, Layers: []int{1}}); err == nil {
		t.Error("no error for a conversation without a known task")
	}
}

func TestExpectedCorrelation(t *testing.T) {
	m, tasks, _ := newModel(t, 13)
	tr := m.Truth()
	a := Context{"language": "en", "phrasing": "p1", "kind": "pre_revealed"}
	b := Context{"language": "fr", "phrasing": "p1", "kind": "pre_revealed"}
	var ua, ub []float64
	for _, tk := range tasks {
		ua = append(ua, tr.Utility(tk.ID, a))
		ub = append(ub, tr.Utility(tk.ID, b))
	}
	// Sampling error of a correlation near 0.8 over 240 tasks is ~0.025.
	if got, want := pearson(ua, ub), tr.ExpectedCorrelation(a, b); math.Abs(got-want) > 0.08 {
		t.Errorf("empirical correlation %.3f, planted %.3f", got, want)
	}
}

func pearson(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

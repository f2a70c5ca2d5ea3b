package utility

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

func TestStandardize(t *testing.T) {
	// Mean 2.5, sample sd √(5/3) = 1.2909944: z = ∓1.161895, ∓0.387298.
	got := Standardize([]float64{1, 2, 3, 4})
	want := []float64{-1.161895, -0.387298, 0.387298, 1.161895}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-6 {
			t.Errorf("z[%d] = %.6f, want %.6f", i, got[i], want[i])
		}
	}
}

func TestWinCounts(t *testing.T) {
	d := NewData(3)
	d.Add(0, 1, 2, 1) // 0 beats 1 twice, loses once
	d.Add(2, 0, 1, 0) // 2 beats 0
	d.Add(1, 2, 0.5, 0.5)
	wins, n := d.WinCounts()
	if wins[0] != 2 || wins[1] != 1.5 || wins[2] != 1.5 || n[0] != 4 || n[1] != 4 || n[2] != 2 {
		t.Errorf("wins %v, comparisons %v; want [2 1.5 1.5], [4 4 2]", wins, n)
	}
}

// TestAskRandomPairs asks the simulated respondent directly: every call is
// counted by outcome, every choice is one comparison, and win rates rank
// tasks like the planted μ (about 0.8 with 3000 calls over 240 tasks; 0.6
// leaves room).
func TestAskRandomPairs(t *testing.T) {
	tasks, _ := task.Default()
	cat, _ := template.DefaultCatalog()
	m, _ := synth.New(synth.Options{Seed: 2026, Tasks: tasks, Catalog: cat})
	tpl := cat.Generate(template.PreRevealed, "")[0]
	d, outcomes, err := AskRandomPairs(context.Background(), m, cat, tpl, tasks, 3000, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range outcomes {
		total += n
	}
	if total < 2950 || total > 3000 || d.Comparisons() != float64(outcomes[template.OutcomeChoice]) || outcomes[template.OutcomeChoice] < total*9/10 {
		t.Errorf("outcomes %v (total %d), comparisons %v", outcomes, total, d.Comparisons())
	}
	wins, n := d.WinCounts()
	var rate, mu []float64
	for i, tk := range tasks {
		if n[i] >= 5 {
			rate, mu = append(rate, wins[i]/n[i]), append(mu, m.Truth().Mu[tk.ID])
		}
	}
	if rho, _ := Spearman(rate, mu); rho < 0.6 {
		t.Errorf("win rate vs planted μ: Spearman %.3f over %d tasks, want ≥ 0.6", rho, len(rate))
	}
	if _, _, err := AskRandomPairs(context.Background(), failing{}, cat, tpl, tasks, 10, rand.New(rand.NewPCG(1, 2))); !errors.Is(err, errDown) {
		t.Errorf("failing model: error %v, want errDown", err)
	}
}

var errDown = errors.New("model down")

type failing struct{}

func (failing) Name() string { return "failing" }
func (failing) Chat(context.Context, model.Request) (model.Response, error) {
	return model.Response{}, errDown
}

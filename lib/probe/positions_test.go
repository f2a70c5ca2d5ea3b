package probe

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/task"
)

// ComparePositions recovers the planted ordering of signal strength over
// positions (synth's PositionStrength) on a store extracted in one pass.
func TestComparePositionsRecoversPlantedOrder(t *testing.T) {
	tasks, err := task.Default()
	if err != nil {
		t.Fatal(err)
	}
	m, err := synth.New(synth.Options{Seed: 2, Tasks: tasks})
	if err != nil {
		t.Fatal(err)
	}
	var items []activations.Item
	target := map[string]float64{}
	for _, tk := range tasks {
		items = append(items, activations.Item{ID: tk.ID, Meta: map[string]string{"origin": tk.Origin},
			Messages: []model.Message{{Role: model.RoleUser, Content: tk.Prompt}, {Role: model.RoleAssistant, Content: "ok"}}})
		target[tk.ID] = m.Truth().Valence(tk.ID)
	}
	dir := filepath.Join(t.TempDir(), "store")
	spec := activations.Spec{Layers: []int{16}, Positions: activations.PositionList{
		{Kind: model.PosAssistantMean}, {Kind: model.PosEndOfTurn}, {Kind: model.PosUserEnd}, {Kind: model.PosPromptLast}}}
	if _, err := activations.Extract(context.Background(), m, items, spec, dir, nil); err != nil {
		t.Fatal(err)
	}
	scores, err := ComparePositions(dir, []int{16}, nil, target, &Options{Shuffle: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(scores) != 4 || scores[0].Position != "assistant_mean" || scores[0].N != len(tasks) {
		t.Fatalf("scores %+v", scores)
	}
	planted := m.Truth().Params.PositionStrength
	byR2 := append([]PositionScore(nil), scores...)
	sort.Slice(byR2, func(a, b int) bool { return byR2[a].R2 > byR2[b].R2 })
	for i := 1; i < len(byR2); i++ {
		if planted[byR2[i-1].Position] < planted[byR2[i].Position] {
			t.Errorf("R² order %v does not follow the planted strengths %v", byR2, planted)
		}
	}
	for _, s := range scores {
		if s.SE <= 0 || s.R2 <= 0 || s.R2 >= 1 {
			t.Errorf("%s: R² %.3f ± %.3f", s.Position, s.R2, s.SE)
		}
		t.Logf("%-15s planted %.2f  R² %.3f ± %.3f (α %g)", s.Position, planted[s.Position], s.R2, s.SE, s.Alpha)
	}
	fig, err := PositionsFigure(scores, "planted valence", planted)
	if err != nil {
		t.Fatal(err)
	}
	png, err := fig.PNG()
	if err != nil || len(png) == 0 {
		t.Fatalf("figure: %v", err)
	}
	if out := os.Getenv("PREFSCOPE_TEST_FIGURES"); out != "" {
		if err := os.WriteFile(filepath.Join(out, "positions.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ComparePositions(dir, []int{16}, []string{"middle"}, target, nil); err == nil {
		t.Error("an unknown position should be an error")
	}
}

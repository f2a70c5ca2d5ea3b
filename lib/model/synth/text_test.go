package synth

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/task"
	"gonum.org/v1/gonum/mat"
)

// TestTextComponent: the planted text part of Mu is (K⁴c) standardised,
// with K the within-origin-demeaned TF-IDF kernel (recomputed here with
// gonum's dense products, independently of plantText's passes); its realised
// share of the within-origin variance is near TextShare; switching it off
// leaves Mu free of it; and truth.json keeps it.
func TestTextComponent(t *testing.T) {
	tasks, err := task.Default()
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTruth(tasks, 2026, Params{})
	tx := tr.Text
	if tx.Share != 0.25 || tx.Dim != task.DefaultTextDim {
		t.Fatalf("share %v dim %d", tx.Share, tx.Dim)
	}
	prompts, origins := make([]string, len(tasks)), make([]string, len(tasks))
	c := mat.NewVecDense(len(tasks), nil)
	for i, tk := range tasks {
		prompts[i], origins[i] = tk.Prompt, tk.Origin
		c.SetVec(i, tr.rng("text", tk.ID).NormFloat64())
	}
	f, err := task.TextFeatures(prompts, tx.Dim)
	if err != nil {
		t.Fatal(err)
	}
	stats.DemeanByGroup(f, tx.Dim, origins)
	fm := mat.NewDense(len(tasks), tx.Dim, f)
	var k, k2, k4 mat.Dense
	k.Mul(fm, fm.T())
	k2.Mul(&k, &k)
	k4.Mul(&k2, &k2)
	var raw mat.VecDense
	raw.MulVec(&k4, c)
	_, sd := meanSD(raw.RawVector().Data)
	for i, tk := range tasks {
		want := tr.Params.WithinSD * math.Sqrt(0.25) * raw.AtVec(i) / sd
		if math.Abs(tx.Component[tk.ID]-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Fatalf("task %s: component %v, recomputed %v", tk.ID, tx.Component[tk.ID], want)
		}
	}
	if tx.WithinOriginShare < 0.15 || tx.WithinOriginShare > 0.4 {
		t.Errorf("realised within-origin text share %.3f, planted 0.25", tx.WithinOriginShare)
	}
	off := NewTruth(tasks, 2026, Params{TextShare: 1e-12})
	if off.Text.WithinOriginShare > 0.05 {
		t.Errorf("text switched off still explains %.3f of Mu", off.Text.WithinOriginShare)
	}
	b, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "truth.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := ReadTruth(path)
	if err != nil || back.Text == nil || back.Text.Component[tasks[3].ID] != tx.Component[tasks[3].ID] {
		t.Fatalf("truth.json round trip lost the text component: %v", err)
	}
	t.Logf("realised within-origin text share %.3f", tx.WithinOriginShare)
}

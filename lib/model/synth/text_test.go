package synth

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/prefscope/prefscope/lib/task"
)

// TestTextComponent: the planted text part of Mu is a linear function of
// lexicon words, its realised share of the within-origin variance is near
// TextShare, switching it off leaves Mu free of it, and truth.json keeps it.
func TestTextComponent(t *testing.T) {
	tasks, err := task.Default()
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTruth(tasks, 2026, Params{})
	tx := tr.Text
	if len(tx.Lexicon) != lexiconSize || tx.Share != 0.25 {
		t.Fatalf("lexicon of %d words, share %v; want %d and 0.25", len(tx.Lexicon), tx.Share, lexiconSize)
	}
	// Recompute each task's component from the lexicon by hand.
	raw := make([]float64, len(tasks))
	for i, tk := range tasks {
		ws := Words(tk.Prompt)
		slices.Sort(ws)
		for _, w := range slices.Compact(ws) {
			raw[i] += tx.Lexicon[w]
		}
	}
	m, sd := meanSD(raw)
	for i, tk := range tasks {
		want := tr.Params.WithinSD * math.Sqrt(0.25) * (raw[i] - m) / sd
		if math.Abs(tx.Component[tk.ID]-want) > 1e-12 {
			t.Fatalf("task %s: component %v, recomputed %v", tk.ID, tx.Component[tk.ID], want)
		}
	}
	if tx.WithinOriginShare < 0.12 || tx.WithinOriginShare > 0.4 {
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
	t.Logf("lexicon %v; realised within-origin share %.3f", tx.Lexicon, tx.WithinOriginShare)
}

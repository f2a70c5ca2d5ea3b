package activations

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prefscope/prefscope/lib/internal/synthtest"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
)

// countingModel counts activation calls and can fail after a number of them,
// as a killed extraction would stop.
type countingModel struct {
	*synth.Model
	calls     atomic.Int64
	failAfter int64
}

var errKilled = errors.New("killed")

func (m *countingModel) Activations(ctx context.Context, req model.ActivationRequest) (model.Activations, error) {
	if n := m.calls.Add(1); m.failAfter > 0 && n > m.failAfter {
		return model.Activations{}, errKilled
	}
	return m.Model.Activations(ctx, req)
}

// Capture counts conversations as Activations counts calls, so a kill
// lands at the same item on the batched path.
func (m *countingModel) Capture(ctx context.Context, req model.CaptureRequest) ([][][][]float32, error) {
	for range req.Conversations {
		if n := m.calls.Add(1); m.failAfter > 0 && n > m.failAfter {
			return nil, errKilled
		}
	}
	return m.Model.Capture(ctx, req)
}

func setup(t *testing.T, n int) (*synth.Model, []Item) {
	t.Helper()
	fx := synthtest.New(t, 3)
	items := make([]Item, n)
	for i, tk := range fx.Tasks[:n] {
		items[i] = Item{ID: tk.ID, Messages: []model.Message{{Role: model.RoleUser, Content: tk.Prompt}, {Role: model.RoleAssistant, Content: "Done."}}, Meta: map[string]string{"origin": tk.Origin}}
	}
	return fx.Model, items
}

var spec = Spec{Layers: []int{2, 5}, Positions: PositionList{{Kind: model.PosLast}}, ShardSize: 4}

// reference extracts items in one uninterrupted pass.
func reference(t *testing.T, m *synth.Model, items []Item) map[string][]float32 {
	t.Helper()
	dir := t.TempDir()
	if _, err := Extract(context.Background(), m, items, spec, dir, nil); err != nil {
		t.Fatal(err)
	}
	return byID(t, dir, 5)
}

func byID(t *testing.T, dir string, layer int) map[string][]float32 {
	t.Helper()
	set, err := Load(dir, layer)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]float32{}
	for i, id := range set.IDs {
		if _, dup := out[id]; dup {
			t.Fatalf("item %s read twice", id)
		}
		out[id] = set.X[i]
	}
	return out
}

func checkSame(t *testing.T, got, want map[string][]float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d items stored, want %d", len(got), len(want))
	}
	for id, v := range want {
		if !slices.Equal(got[id], v) {
			t.Fatalf("item %s differs from an uninterrupted extraction", id)
		}
	}
}

func TestExtractResumesAfterKill(t *testing.T) {
	m, items := setup(t, 18)
	want := reference(t, m, items)
	dir := t.TempDir()
	cm := &countingModel{Model: m, failAfter: 9} // dies inside the third shard
	done, err := Extract(context.Background(), cm, items, spec, dir, nil)
	if !errors.Is(err, errKilled) || done != 8 {
		t.Fatalf("first pass: done %d, err %v; want 8 and the kill", done, err)
	}
	cm = &countingModel{Model: m}
	if done, err = Extract(context.Background(), cm, items, spec, dir, nil); err != nil || done != 10 {
		t.Fatalf("resume: done %d, err %v; want 10 new", done, err)
	}
	if cm.calls.Load() != 10 {
		t.Errorf("resume made %d model calls, want 10", cm.calls.Load())
	}
	checkSame(t, byID(t, dir, 5), want)
	if done, err = Extract(context.Background(), m, items, spec, dir, nil); err != nil || done != 0 {
		t.Fatalf("finished store: done %d, err %v; want nothing to do", done, err)
	}
}

// A torn index line (a kill during the append) loses only that line's
// item, which the next pass extracts again.
func TestExtractRepairsTornIndexLine(t *testing.T) {
	m, items := setup(t, 10)
	want := reference(t, m, items)
	dir := t.TempDir()
	if _, err := Extract(context.Background(), m, items[:8], spec, dir, nil); err != nil {
		t.Fatal(err)
	}
	index := filepath.Join(dir, IndexFile)
	b, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(index, b[:len(b)-7], 0o644); err != nil { // cut into the last line
		t.Fatal(err)
	}
	cm := &countingModel{Model: m}
	done, err := Extract(context.Background(), cm, items, spec, dir, nil)
	if err != nil || done != 3 {
		t.Fatalf("resume: done %d, err %v; want 3 (the torn item and two new)", done, err)
	}
	checkSame(t, byID(t, dir, 5), want)
}

// A damaged last shard (truncated on disk) is set aside and its items
// extracted again into a new shard; nothing else is redone.
func TestExtractReplacesTornLastShard(t *testing.T) {
	m, items := setup(t, 12)
	want := reference(t, m, items)
	dir := t.TempDir()
	if _, err := Extract(context.Background(), m, items, spec, dir, nil); err != nil {
		t.Fatal(err)
	}
	last := filepath.Join(dir, shardName(2))
	fi, err := os.Stat(last)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(last, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir, 5); err == nil || !strings.Contains(err.Error(), shardName(2)) {
		t.Fatalf("reading a torn shard: error %v, want one naming %s", err, shardName(2))
	}
	cm := &countingModel{Model: m}
	done, err := Extract(context.Background(), cm, items, spec, dir, nil)
	if err != nil || done != 4 || cm.calls.Load() != 4 {
		t.Fatalf("resume: done %d, %d calls, err %v; want the torn shard's 4 items again", done, cm.calls.Load(), err)
	}
	if _, err := os.Stat(last + ".damaged"); err != nil {
		t.Errorf("the torn shard should be kept aside as .damaged: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, shardName(3))); err != nil {
		t.Errorf("re-extracted items should be in a new shard: %v", err)
	}
	checkSame(t, byID(t, dir, 5), want)
	set, err := Load(dir, 2)
	if err != nil || len(set.IDs) != 12 || set.Meta[0]["origin"] == "" {
		t.Fatalf("layer 2: %v items, err %v, meta %v", len(set.IDs), err, set.Meta)
	}
}

func TestExtractRefusesOtherSettings(t *testing.T) {
	m, items := setup(t, 4)
	dir := t.TempDir()
	if _, err := Extract(context.Background(), m, items, spec, dir, nil); err != nil {
		t.Fatal(err)
	}
	other := spec
	other.Layers = []int{3}
	if _, err := Extract(context.Background(), m, items, other, dir, nil); err == nil || !strings.Contains(err.Error(), "extract.yaml") {
		t.Fatalf("other layers into the same store: %v, want an error naming extract.yaml", err)
	}
	if _, err := Load(dir, 7); err == nil || !strings.Contains(err.Error(), "layer_7") {
		t.Fatalf("missing layer: %v, want an error naming the tensor", err)
	}
}

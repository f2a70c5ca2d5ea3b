package activations

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/safetensors"
)

// store extracts n items into a fresh store and returns its directory.
func store(t *testing.T, n int) string {
	t.Helper()
	m, items := setup(t, n)
	dir := filepath.Join(t.TempDir(), "store")
	if _, err := Extract(context.Background(), m, items, spec, dir, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeIndex(t *testing.T, dir string, entries ...IndexEntry) {
	t.Helper()
	var b strings.Builder
	for _, e := range entries {
		line, _ := json.Marshal(e)
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(dir, IndexFile), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeShard(t *testing.T, path string, ts ...safetensors.Tensor) {
	t.Helper()
	if err := safetensors.WriteFile(path, ts, nil); err != nil {
		t.Fatal(err)
	}
}

// Every hostile index or shard gives a clear error naming the index line
// (or the shard), never a panic, and nothing outside the store is read.
func TestLoadRefusesHostileStores(t *testing.T) {
	good := func(name string, shape []int) safetensors.Tensor {
		n := 1
		for _, d := range shape {
			n *= d
		}
		return safetensors.F32Tensor(name, shape, make([]float32, n))
	}
	cases := []struct {
		name    string
		prepare func(t *testing.T, dir string)
		want    string
	}{
		{"shard outside the store", func(t *testing.T, dir string) {
			writeShard(t, filepath.Join(dir, "..", "other.safetensors"), good("layer_5", []int{240, 4}))
			writeIndex(t, dir, IndexEntry{ID: "x", Shard: "../other.safetensors", Row: 0})
		}, "leaves its directory"},
		{"absolute shard", func(t *testing.T, dir string) {
			writeIndex(t, dir, IndexEntry{ID: "x", Shard: "/etc/passwd", Row: 0})
		}, "leaves its directory"},
		{"negative row", func(t *testing.T, dir string) {
			writeIndex(t, dir, IndexEntry{ID: "x", Shard: shardName(0), Row: -1})
		}, "negative"},
		{"row past the shard", func(t *testing.T, dir string) {
			writeIndex(t, dir, IndexEntry{ID: "x", Shard: shardName(0), Row: 4})
		}, "beyond shard"},
		{"two ids on one row", func(t *testing.T, dir string) {
			writeIndex(t, dir, IndexEntry{ID: "a", Shard: shardName(0), Row: 1}, IndexEntry{ID: "b", Shard: shardName(0), Row: 1})
		}, "already holds item a"},
		{"scalar tensor", func(t *testing.T, dir string) {
			writeShard(t, filepath.Join(dir, shardName(0)), safetensors.F32Tensor("layer_5", []int{}, []float32{1}))
		}, "want [rows, hidden]"},
		{"1-D tensor", func(t *testing.T, dir string) {
			writeShard(t, filepath.Join(dir, shardName(0)), good("layer_5", []int{4}))
		}, "want [rows, hidden]"},
		{"F64 tensor", func(t *testing.T, dir string) {
			writeShard(t, filepath.Join(dir, shardName(0)), safetensors.Tensor{Name: "layer_5", DType: safetensors.F64, Shape: []int{4, 2}, Data: make([]byte, 64)})
		}, "want F32"},
		{"bytes inconsistent with dtype", func(t *testing.T, dir string) {
			// F32 bytes whose header says F64 (same header length).
			path := filepath.Join(dir, shardName(0))
			writeShard(t, path, good("layer_5", []int{4, 2}))
			b, _ := os.ReadFile(path)
			if err := os.WriteFile(path, []byte(strings.Replace(string(b), `"F32"`, `"F64"`, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "needs 64 bytes"},
		{"FIFO as a shard", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, shardName(0)))
			if err := syscall.Mkfifo(filepath.Join(dir, shardName(0)), 0o644); err != nil {
				t.Skip(err)
			}
		}, "not a regular file"},
		{"symlinked shard", func(t *testing.T, dir string) {
			outside := filepath.Join(dir, "..", "real.safetensors")
			if err := os.Rename(filepath.Join(dir, shardName(0)), outside); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(dir, shardName(0))); err != nil {
				t.Fatal(err)
			}
		}, "symlink"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := store(t, 4)
			c.prepare(t, dir)
			_, err := Load(dir, 5)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load: %v, want an error containing %q", err, c.want)
			}
			if strings.Contains(err.Error(), "root:") {
				t.Errorf("error quotes a file's contents: %v", err)
			}
		})
	}
}

// Extract never opens or renames a file outside its store: an index line
// naming one is an error naming the line.
func TestExtractRefusesShardOutsideStore(t *testing.T) {
	m, items := setup(t, 4)
	dir := store(t, 4)
	victim := filepath.Join(dir, "..", "victim.txt")
	if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeIndex(t, dir, IndexEntry{ID: items[0].ID, Shard: "../victim.txt", Row: 0})
	_, err := Extract(context.Background(), m, items, spec, dir, nil)
	if err == nil || !strings.Contains(err.Error(), "line 1") || !strings.Contains(err.Error(), "leaves its directory") {
		t.Fatalf("Extract: %v, want an error naming index line 1", err)
	}
	if b, err := os.ReadFile(victim); err != nil || string(b) != "keep me" {
		t.Fatalf("the file outside the store was touched: %q, %v", b, err)
	}
}

// oneAtATime hides a model's Capture, so Extract asks it item by item.
type oneAtATime struct{ model.ActivationModel }

// Several positions in one pass: batched capture and item-by-item
// extraction store the same vectors in the same tensors, every position
// has its own tensor, and the index names each completion's author.
func TestExtractSeveralPositions(t *testing.T) {
	m, items := setup(t, 9)
	for i := range items {
		items[i].Author = "served-model"
	}
	multi := Spec{Layers: []int{4, 16}, ShardSize: 4, Positions: PositionList{
		{Kind: model.PosEndOfTurn}, {Kind: model.PosUserEnd}, {Kind: model.PosAssistantMean}, {Kind: model.PosPromptLast}}}
	dirs := []string{filepath.Join(t.TempDir(), "batched"), filepath.Join(t.TempDir(), "single")}
	if _, err := Extract(context.Background(), m, items, multi, dirs[0], nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Extract(context.Background(), oneAtATime{m}, items, multi, dirs[1], nil); err != nil {
		t.Fatal(err)
	}
	pl, err := Positions(dirs[0])
	if err != nil || len(pl) != 4 {
		t.Fatalf("positions %v, %v", pl, err)
	}
	for _, p := range pl {
		var sets []*Set
		for _, d := range dirs {
			s, err := LoadPosition(d, 16, p.Name())
			if err != nil {
				t.Fatal(err)
			}
			sets = append(sets, s)
		}
		a, b := byIDOf(sets[0]), byIDOf(sets[1])
		if len(a) != 9 {
			t.Fatalf("%s: %d items", p.Name(), len(a))
		}
		for id, v := range a {
			if !slices.Equal(v, b[id]) {
				t.Errorf("%s item %s: batched and item-by-item differ", p.Name(), id)
			}
		}
		if sets[0].Authors[0] != "served-model" {
			t.Errorf("author %q", sets[0].Authors[0])
		}
	}
	first, _ := Load(dirs[0], 16)
	eot, _ := LoadPosition(dirs[0], 16, "end_of_turn")
	user, _ := LoadPosition(dirs[0], 16, "user_end")
	if !slices.Equal(first.X[0], eot.X[0]) || slices.Equal(eot.X[0], user.X[0]) {
		t.Error("Load should read the first position, and positions should differ")
	}
	if _, err := LoadPosition(dirs[0], 16, "nope"); err == nil || !strings.Contains(err.Error(), "user_end") {
		t.Errorf("unknown position: %v", err)
	}
}

func byIDOf(s *Set) map[string][]float32 {
	out := map[string][]float32{}
	for i, id := range s.IDs {
		out[id] = s.X[i]
	}
	return out
}

func TestPositionListYAML(t *testing.T) {
	var single, list struct {
		P PositionList `yaml:"positions"`
	}
	if err := yaml.Unmarshal([]byte("positions: {kind: token, token: \"<|eot_id|>\"}"), &single); err != nil || len(single.P) != 1 || single.P[0].Token != "<|eot_id|>" {
		t.Fatalf("one mapping: %v, %v", single.P, err)
	}
	if err := yaml.Unmarshal([]byte("positions: [end_of_turn, {kind: indices, indices: [-2]}]"), &list); err != nil || len(list.P) != 2 || list.P[1].Indices[0] != -2 || list.P[0].Kind != model.PosEndOfTurn {
		t.Fatalf("a list: %v, %v", list.P, err)
	}
	if b, _ := yaml.Marshal(single.P); !strings.HasPrefix(string(b), "kind: token") {
		t.Errorf("one position marshals as a mapping (older stores' extract.yaml): %s", b)
	}
	if d := (PositionList{}).OrDefault(); len(d) != 1 || d[0].Kind != model.PosLast {
		t.Errorf("default %v", d)
	}
	bad := PositionList{{Kind: "middle"}}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "unknown kind") {
		t.Errorf("unknown kind: %v", err)
	}
	dup := PositionList{{Kind: model.PosUserEnd}, {Kind: model.PosUserEnd}}
	if err := dup.Validate(); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate: %v", err)
	}
}

// A conversation the model cannot read is an error naming its item, on the
// batched path as on the one-at-a-time path.
func TestExtractErrorNamesItem(t *testing.T) {
	m, items := setup(t, 6)
	items[3].Messages = []model.Message{{Role: model.RoleUser, Content: "not a task"}, {Role: model.RoleAssistant, Content: "x"}}
	for name, am := range map[string]model.ActivationModel{"batched": m, "one at a time": oneAtATime{m}} {
		_, err := Extract(context.Background(), am, items, spec, filepath.Join(t.TempDir(), "store"), nil)
		if err == nil || !strings.Contains(err.Error(), "item "+items[3].ID) {
			t.Errorf("%s: %v, want an error naming item %s", name, err, items[3].ID)
		}
	}
}

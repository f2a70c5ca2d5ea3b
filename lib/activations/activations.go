package activations

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/progress"
	"github.com/prefscope/prefscope/lib/repo"
	"github.com/prefscope/prefscope/lib/safetensors"
)

// Spec configures activation capture, in a study's `extract` key.
type Spec struct {
	// Layers in Hugging Face hidden_states convention (0 = embeddings,
	// l = output of decoder layer l).
	Layers    []int           `yaml:"layers" json:"layers"`
	Positions model.Positions `yaml:"positions" json:"positions"`
	// CompletionTemperature, CompletionMaxTokens and CompletionSeed pick the
	// completion each conversation [user task, assistant completion] uses.
	CompletionTemperature float64 `yaml:"completion_temperature,omitempty" json:"completion_temperature"`
	CompletionMaxTokens   int     `yaml:"completion_max_tokens,omitempty" json:"completion_max_tokens"`
	CompletionSeed        int64   `yaml:"completion_seed,omitempty" json:"completion_seed"`
	// ShardSize is the number of conversations per safetensors shard
	// (default 256): the unit of resumption.
	ShardSize int `yaml:"shard_size,omitempty" json:"shard_size"`
}

// Item is one conversation to read activations from.
type Item struct {
	ID       string            `json:"id"`
	Messages []model.Message   `json:"-"`
	Meta     map[string]string `json:"meta,omitempty"`
}

// IndexEntry is one line of index.jsonl: which shard and row hold an item.
type IndexEntry struct {
	ID    string            `json:"id"`
	Shard string            `json:"shard"`
	Row   int               `json:"row"`
	Meta  map[string]string `json:"meta,omitempty"`
}

// Extract captures activations of every item not yet in outDir/index.jsonl,
// writing shards of spec.ShardSize rows: shard-NNNNN.safetensors with one
// float32 tensor per layer named "layer_<l>", shape [rows, hidden] (or
// [rows, positions, hidden] for explicit indices). A shard is written
// atomically before its rows enter the index, so a killed extraction resumes
// without losing or duplicating an item: a torn index line is dropped (its
// items are extracted again), and a shard that no longer reads back (a torn
// or damaged file) is set aside as <name>.damaged and its items extracted
// again into a new shard.
func Extract(ctx context.Context, m model.ActivationModel, items []Item, spec Spec, outDir string, bars progress.Bars) (done int, err error) {
	if len(spec.Layers) == 0 {
		return 0, errors.New("activations: extract spec has no layers")
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return 0, fmt.Errorf("activations: %w", err)
	}
	if err := checkConfig(outDir, spec); err != nil {
		return 0, err
	}
	var entries []IndexEntry
	index, err := measure.OpenAppendLog(filepath.Join(outDir, IndexFile), func(line []byte, _ int) error {
		var e IndexEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return err
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("activations: %w", err)
	}
	defer index.Close()
	have, next, err := usableEntries(outDir, entries)
	if err != nil {
		return 0, err
	}
	var todo []Item
	for _, it := range items {
		if !have[it.ID] {
			todo = append(todo, it)
		}
	}
	size := spec.ShardSize
	if size <= 0 {
		size = 256
	}
	bar := progress.Start(bars, "extract", len(todo))
	defer bar.Finish()
	for start := 0; start < len(todo); start += size {
		chunk := todo[start:min(start+size, len(todo))]
		tensors, err := capture(ctx, m, chunk, spec, bar)
		if err != nil {
			return done, err
		}
		name := shardName(next)
		next++
		if err := safetensors.WriteFile(filepath.Join(outDir, name), tensors, map[string]string{"format": "prefscope-activations"}); err != nil {
			return done, fmt.Errorf("activations: %w", err)
		}
		for row, it := range chunk {
			if err := index.Append(IndexEntry{ID: it.ID, Shard: name, Row: row, Meta: it.Meta}); err != nil {
				return done, err
			}
			done++
		}
		if err := index.Sync(); err != nil {
			return done, err
		}
	}
	return done, nil
}

// capture runs the model over one shard's items and returns its tensors.
func capture(ctx context.Context, m model.ActivationModel, chunk []Item, spec Spec, bar progress.Bar) ([]safetensors.Tensor, error) {
	perLayer := make([][]float32, len(spec.Layers))
	var shape []int
	for _, it := range chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		act, err := m.Activations(ctx, model.ActivationRequest{Messages: it.Messages, Layers: spec.Layers, Positions: spec.Positions})
		if err != nil {
			return nil, fmt.Errorf("activations: item %s: %w", it.ID, err)
		}
		if len(act.Vectors) != len(spec.Layers) {
			return nil, fmt.Errorf("activations: item %s: model returned %d layers, want %d", it.ID, len(act.Vectors), len(spec.Layers))
		}
		for k, vs := range act.Vectors {
			s := []int{len(vs), 0}
			if len(vs) > 0 {
				s[1] = len(vs[0])
			}
			if shape == nil {
				shape = s
			} else if !slices.Equal(shape, s) {
				return nil, fmt.Errorf("activations: item %s: layer %d has shape %v, earlier items %v", it.ID, spec.Layers[k], s, shape)
			}
			for _, v := range vs {
				perLayer[k] = append(perLayer[k], v...)
			}
		}
		bar.Add(1)
	}
	tensors := make([]safetensors.Tensor, len(spec.Layers))
	for k, l := range spec.Layers {
		dims := []int{len(chunk), shape[1]}
		if spec.Positions.Kind == model.PosIndices {
			dims = []int{len(chunk), shape[0], shape[1]}
		}
		tensors[k] = safetensors.F32Tensor(TensorName(l), dims, perLayer[k])
	}
	return tensors, nil
}

// usableEntries checks every shard the index names and returns the ids whose
// rows can be read back, and the number of the next new shard (past every
// shard file or index entry, damaged ones included, so no name is reused).
func usableEntries(dir string, entries []IndexEntry) (map[string]bool, int, error) {
	next := 0
	files, _ := filepath.Glob(filepath.Join(dir, "shard-*"))
	for _, f := range files {
		if n, ok := shardNumber(filepath.Base(f)); ok {
			next = max(next, n+1)
		}
	}
	rows := map[string]int{}
	for _, e := range entries {
		if _, seen := rows[e.Shard]; seen {
			continue
		}
		if n, ok := shardNumber(e.Shard); ok {
			next = max(next, n+1)
		}
		rows[e.Shard] = shardRows(filepath.Join(dir, e.Shard))
		if rows[e.Shard] < 0 {
			path := filepath.Join(dir, e.Shard)
			if _, err := os.Stat(path); err == nil {
				if err := os.Rename(path, path+".damaged"); err != nil {
					return nil, 0, fmt.Errorf("activations: setting aside damaged shard: %w", err)
				}
			}
		}
	}
	have := map[string]bool{}
	for _, e := range entries {
		if e.Row < rows[e.Shard] {
			have[e.ID] = true
		}
	}
	return have, next, nil
}

// shardRows is the row count of a shard that reads back whole, or -1.
func shardRows(path string) int {
	sf, err := safetensors.Open(path)
	if err != nil {
		return -1
	}
	defer sf.Close()
	n := -1
	for _, name := range sf.Names() {
		info, _ := sf.Info(name)
		if len(info.Shape) == 0 {
			return -1
		}
		if n >= 0 && info.Shape[0] != n {
			return -1
		}
		n = info.Shape[0]
	}
	return n
}

// IndexFile is the name of the index of an activation store.
const IndexFile = "index.jsonl"

// TensorName is the tensor holding layer l in a shard.
func TensorName(layer int) string { return "layer_" + strconv.Itoa(layer) }

func shardName(n int) string { return fmt.Sprintf("shard-%05d.safetensors", n) }

func shardNumber(name string) (int, bool) {
	var n int
	if _, err := fmt.Sscanf(name, "shard-%05d.safetensors", &n); err != nil {
		return 0, false
	}
	return n, true
}

// checkConfig records the layers and positions of a store in extract.yaml,
// and refuses to add rows captured with other settings.
func checkConfig(dir string, spec Spec) error {
	path := filepath.Join(dir, "extract.yaml")
	want := struct {
		Layers    []int           `yaml:"layers"`
		Positions model.Positions `yaml:"positions"`
	}{spec.Layers, spec.Positions}
	b, err := yaml.Marshal(want)
	if err != nil {
		return fmt.Errorf("activations: encoding %s: %w", path, err)
	}
	old, err := os.ReadFile(path)
	switch {
	case err == nil && string(old) != string(b):
		return fmt.Errorf("activations: %s was written with other layers or positions; use a new output directory", path)
	case err == nil:
		return nil
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("activations: %w", err)
	}
	return repo.WriteFileAtomic(path, b, 0o644)
}

// Set is one layer of an activation store read back, in index order.
type Set struct {
	IDs  []string
	Meta []map[string]string
	// X[i] is the vector of item IDs[i] (for explicit indices, positions are
	// concatenated).
	X [][]float32
}

// Load reads one layer of the store in dir. An item indexed more than once
// (extracted again after its shard was damaged) is read from its last entry;
// an entry whose shard or tensor is missing is an error naming both.
func Load(dir string, layer int) (*Set, error) {
	path := filepath.Join(dir, IndexFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("activations: %w", err)
	}
	defer f.Close()
	var entries []IndexEntry
	last := map[string]int{}
	if _, err := measure.ScanLines(f, path, func(line []byte, _ int) error {
		var e IndexEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return err
		}
		if i, ok := last[e.ID]; ok {
			entries[i] = e
			return nil
		}
		last[e.ID] = len(entries)
		entries = append(entries, e)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("activations: %w", err)
	}
	shards := map[string][][]float32{}
	name := TensorName(layer)
	out := &Set{}
	for _, e := range entries {
		rows, ok := shards[e.Shard]
		if !ok {
			if rows, err = readLayer(filepath.Join(dir, e.Shard), name); err != nil {
				return nil, fmt.Errorf("activations: %s: item %s: %w", path, e.ID, err)
			}
			shards[e.Shard] = rows
		}
		if e.Row >= len(rows) {
			return nil, fmt.Errorf("activations: %s: item %s row %d beyond shard %s's %d rows", path, e.ID, e.Row, e.Shard, len(rows))
		}
		out.IDs = append(out.IDs, e.ID)
		out.Meta = append(out.Meta, e.Meta)
		out.X = append(out.X, rows[e.Row])
	}
	return out, nil
}

func readLayer(path, tensor string) ([][]float32, error) {
	sf, err := safetensors.Open(path)
	if err != nil {
		return nil, err
	}
	defer sf.Close()
	vals, shape, err := safetensors.Float32(sf, tensor)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	width := len(vals) / max(shape[0], 1)
	rows := make([][]float32, shape[0])
	for r := range rows {
		rows[r] = vals[r*width : (r+1)*width]
	}
	return rows, nil
}

// Dir is where a study keeps a model's activation store.
func Dir(studyDir, modelName string) string {
	return filepath.Join(studyDir, "activations", layout.SafeName(modelName))
}

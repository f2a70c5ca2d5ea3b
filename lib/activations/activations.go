package activations

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

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
	Layers    []int        `yaml:"layers" json:"layers"`
	Positions PositionList `yaml:"positions" json:"positions"`
	// CompletionTemperature, CompletionMaxTokens and CompletionSeed pick the
	// completion each conversation [user task, assistant completion] uses.
	CompletionTemperature float64 `yaml:"completion_temperature,omitempty" json:"completion_temperature"`
	CompletionMaxTokens   int     `yaml:"completion_max_tokens,omitempty" json:"completion_max_tokens"`
	CompletionSeed        int64   `yaml:"completion_seed,omitempty" json:"completion_seed"`
	// ShardSize is the number of conversations per safetensors shard
	// (default 256): the unit of resumption.
	ShardSize int `yaml:"shard_size,omitempty" json:"shard_size"`
	// MaxBatchTokens bounds the padded tokens of one batch for models that
	// batch (model.CaptureModel); 0 is the model's default.
	MaxBatchTokens int `yaml:"max_batch_tokens,omitempty" json:"max_batch_tokens"`
}

// Item is one conversation to read activations from.
type Item struct {
	ID       string            `json:"id"`
	Messages []model.Message   `json:"-"`
	Meta     map[string]string `json:"meta,omitempty"`
	// Author is the model that wrote the conversation's assistant turn
	// (the completion), recorded in the index.
	Author string `json:"-"`
}

// IndexEntry is one line of index.jsonl: which shard and row hold an item,
// and which model wrote its completion.
type IndexEntry struct {
	ID     string            `json:"id"`
	Shard  string            `json:"shard"`
	Row    int               `json:"row"`
	Author string            `json:"completion_author,omitempty"`
	Meta   map[string]string `json:"meta,omitempty"`
}

// Extract captures activations of every item not yet in outDir/index.jsonl,
// writing shards of spec.ShardSize rows: shard-NNNNN.safetensors with one
// float32 tensor per layer and position (PositionTensorName), shape
// [rows, hidden] (or [rows, indices, hidden] for one position of several
// explicit indices). A model.CaptureModel gets the items sorted by length,
// a shard at a time, and batches them itself; other models are asked one
// item at a time. A shard is written atomically before its rows enter the
// index, so a killed extraction resumes without losing or duplicating an
// item: a torn index line is dropped (its items are extracted again), and a
// shard that no longer reads back (a torn or damaged file) is set aside as
// <name>.damaged and its items extracted again into a new shard. bars show
// conversations/s and tokens/s (the latter for CaptureModels).
func Extract(ctx context.Context, m model.ActivationModel, items []Item, spec Spec, outDir string, bars progress.Bars) (done int, err error) {
	if len(spec.Layers) == 0 {
		return 0, errors.New("activations: extract spec has no layers")
	}
	spec.Positions = spec.Positions.OrDefault()
	if err := spec.Positions.Validate(); err != nil {
		return 0, fmt.Errorf("activations: extract spec: %w", err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return 0, fmt.Errorf("activations: %w", err)
	}
	if err := checkConfig(outDir, spec); err != nil {
		return 0, err
	}
	indexPath := layout.Index(outDir)
	if err := layout.CheckNotSymlink(indexPath); err != nil {
		return 0, fmt.Errorf("activations: %w", err)
	}
	var entries []IndexEntry
	var lines []int
	index, err := measure.OpenAppendLog(indexPath, func(line []byte, n int) error {
		var e IndexEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return err
		}
		entries, lines = append(entries, e), append(lines, n)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("activations: %w", err)
	}
	defer index.Close()
	have, next, err := usableEntries(outDir, entries, lines)
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
	cm, batched := m.(model.CaptureModel)
	batched = batched && !(len(spec.Positions) == 1 && spec.Positions[0].Kind == model.PosIndices && len(spec.Positions[0].Indices) > 1)
	var tokenBar progress.Bar
	if batched {
		total, err := sortByLength(cm, todo)
		if err != nil {
			return 0, err
		}
		tokenBar = progress.Start(bars, "extract tokens", total)
		defer tokenBar.Finish()
	}
	bar := progress.Start(bars, "extract", len(todo))
	defer bar.Finish()
	for start := 0; start < len(todo); start += size {
		chunk := todo[start:min(start+size, len(todo))]
		var tensors []safetensors.Tensor
		if batched {
			tensors, err = captureBatched(ctx, cm, chunk, spec, bar, tokenBar)
		} else {
			tensors, err = capture(ctx, m, chunk, spec, bar)
		}
		if err != nil {
			return done, err
		}
		name := shardName(next)
		next++
		if err := safetensors.WriteFile(filepath.Join(outDir, name), tensors, map[string]string{"format": "prefscope-activations"}); err != nil {
			return done, fmt.Errorf("activations: %w", err)
		}
		for row, it := range chunk {
			if err := index.Append(IndexEntry{ID: it.ID, Shard: name, Row: row, Author: it.Author, Meta: it.Meta}); err != nil {
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

// sortByLength orders items by encoded length (stable, so ties keep the
// caller's order), so that a shard's batches hold similar lengths, and
// returns the total tokens.
func sortByLength(m model.CaptureModel, items []Item) (int, error) {
	lengths := map[string]int{}
	total := 0
	for _, it := range items {
		n, err := m.ConversationLength(it.Messages)
		if err != nil {
			return 0, fmt.Errorf("activations: item %s: %w", it.ID, err)
		}
		lengths[it.ID] = n
		total += n
	}
	slices.SortStableFunc(items, func(a, b Item) int { return cmp.Compare(lengths[a.ID], lengths[b.ID]) })
	return total, nil
}

// captureBatched reads one shard's items in one Capture call.
func captureBatched(ctx context.Context, m model.CaptureModel, chunk []Item, spec Spec, bar, tokenBar progress.Bar) ([]safetensors.Tensor, error) {
	req := model.CaptureRequest{Layers: spec.Layers, Positions: spec.Positions, MaxBatchTokens: spec.MaxBatchTokens,
		Progress: func(convs, tokens int) { bar.Add(convs); tokenBar.Add(tokens) }}
	for _, it := range chunk {
		req.Conversations = append(req.Conversations, it.Messages)
	}
	vecs, err := m.Capture(ctx, req)
	var ce *model.ConversationError
	if errors.As(err, &ce) && ce.Index >= 0 && ce.Index < len(chunk) {
		return nil, fmt.Errorf("activations: item %s: %w", chunk[ce.Index].ID, ce.Err)
	}
	if err != nil {
		return nil, fmt.Errorf("activations: shard of %s..%s: %w", chunk[0].ID, chunk[len(chunk)-1].ID, err)
	}
	if len(vecs) != len(chunk) {
		return nil, fmt.Errorf("activations: model returned %d conversations, want %d", len(vecs), len(chunk))
	}
	var out []safetensors.Tensor
	for k, l := range spec.Layers {
		for p, pos := range spec.Positions {
			var flat []float32
			width := -1
			for i, it := range chunk {
				if len(vecs[i]) != len(spec.Layers) || len(vecs[i][k]) != len(spec.Positions) {
					return nil, fmt.Errorf("activations: item %s: model returned the wrong number of layers or positions", it.ID)
				}
				v := vecs[i][k][p]
				if width >= 0 && len(v) != width {
					return nil, fmt.Errorf("activations: item %s: layer %d %s has %d values, earlier items %d", it.ID, l, pos.Name(), len(v), width)
				}
				width = len(v)
				flat = append(flat, v...)
			}
			out = append(out, safetensors.F32Tensor(PositionTensorName(l, p, pos), []int{len(chunk), width}, flat))
		}
	}
	return out, nil
}

// capture asks the model for one item at a time (one call per position)
// and returns one shard's tensors.
func capture(ctx context.Context, m model.ActivationModel, chunk []Item, spec Spec, bar progress.Bar) ([]safetensors.Tensor, error) {
	P := len(spec.Positions)
	perTensor := make([][]float32, len(spec.Layers)*P)
	shapes := make([][]int, len(spec.Layers)*P)
	for _, it := range chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for p, pos := range spec.Positions {
			act, err := m.Activations(ctx, model.ActivationRequest{Messages: it.Messages, Layers: spec.Layers, Positions: pos})
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
				t := k*P + p
				if shapes[t] == nil {
					shapes[t] = s
				} else if !slices.Equal(shapes[t], s) {
					return nil, fmt.Errorf("activations: item %s: layer %d %s has shape %v, earlier items %v", it.ID, spec.Layers[k], pos.Name(), s, shapes[t])
				}
				for _, v := range vs {
					if len(v) != s[1] {
						return nil, fmt.Errorf("activations: item %s: layer %d: ragged vectors", it.ID, spec.Layers[k])
					}
					perTensor[t] = append(perTensor[t], v...)
				}
			}
		}
		bar.Add(1)
	}
	var tensors []safetensors.Tensor
	for k, l := range spec.Layers {
		for p, pos := range spec.Positions {
			t := k*P + p
			dims := []int{len(chunk), shapes[t][1]}
			if pos.Kind == model.PosIndices && len(pos.Indices) > 1 {
				dims = []int{len(chunk), shapes[t][0], shapes[t][1]}
			}
			tensors = append(tensors, safetensors.F32Tensor(PositionTensorName(l, p, pos), dims, perTensor[t]))
		}
	}
	return tensors, nil
}

// IndexFile is the name of the index of an activation store (lib/layout
// spells it).
const IndexFile = layout.IndexFile

// ConfigFile records a store's layers and positions.
const ConfigFile = layout.ExtractFile

// storeConfig is extract.yaml.
type storeConfig struct {
	Layers    []int        `yaml:"layers"`
	Positions PositionList `yaml:"positions"`
}

// checkConfig records the layers and positions of a store in extract.yaml,
// and refuses to add rows captured with other settings.
func checkConfig(dir string, spec Spec) error {
	path := layout.ExtractSettings(dir)
	b, err := yaml.Marshal(storeConfig{spec.Layers, spec.Positions})
	if err != nil {
		return fmt.Errorf("activations: encoding %s: %w", path, err)
	}
	old, err := layout.ReadOwned(path, maxConfigBytes)
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

// Dir is where a study keeps a model's activation store.
func Dir(studyDir, modelName string) string { return layout.Activations(studyDir, modelName) }

package measure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/safetensors"
)

// ExtractSpec configures activation capture, in a study's `extract` key.
type ExtractSpec struct {
	// Layers in Hugging Face hidden_states convention (0 = embeddings,
	// l = output of decoder layer l).
	Layers    []int           `yaml:"layers" json:"layers"`
	Positions model.Positions `yaml:"positions" json:"positions"`
	// Tasks samples the tasks to extract; N = 0 takes all.
	Tasks SampleSpec `yaml:"tasks,omitempty" json:"tasks"`
	// CompletionTemperature, CompletionMaxTokens and CompletionSeed pick the
	// completion each conversation [user task, assistant completion] uses.
	CompletionTemperature float64 `yaml:"completion_temperature,omitempty" json:"completion_temperature"`
	CompletionMaxTokens   int     `yaml:"completion_max_tokens,omitempty" json:"completion_max_tokens"`
	CompletionSeed        int64   `yaml:"completion_seed,omitempty" json:"completion_seed"`
	// ShardSize is the number of conversations per safetensors shard
	// (default 256): the unit of resumption.
	ShardSize int `yaml:"shard_size,omitempty" json:"shard_size"`
}

// ExtractItem is one conversation to read activations from.
type ExtractItem struct {
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
// [rows, positions, hidden] for explicit indices). A shard is written to a
// temporary name and renamed into place before its rows enter the index, so
// a killed extraction resumes without losing or duplicating an item.
func Extract(ctx context.Context, m model.ActivationModel, items []ExtractItem, spec ExtractSpec, outDir string, progress io.Writer) (done int, err error) {
	if len(spec.Layers) == 0 {
		return 0, errors.New("measure: extract: no layers")
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return 0, fmt.Errorf("measure: %w", err)
	}
	if err := checkExtractConfig(outDir, spec); err != nil {
		return 0, err
	}
	have := map[string]bool{}
	shards := 0
	index, err := openAppendLog(filepath.Join(outDir, "index.jsonl"), func(line []byte, _ int) error {
		var e IndexEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return err
		}
		have[e.ID] = true
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("measure: extract: %w", err)
	}
	defer index.Close()
	existing, _ := filepath.Glob(filepath.Join(outDir, "shard-*.safetensors"))
	shards = len(existing)
	var todo []ExtractItem
	for _, it := range items {
		if !have[it.ID] {
			todo = append(todo, it)
		}
	}
	size := spec.ShardSize
	if size <= 0 {
		size = 256
	}
	bar := newProgress(progress, "extract", len(todo))
	for start := 0; start < len(todo); start += size {
		chunk := todo[start:min(start+size, len(todo))]
		perLayer := make([][]float32, len(spec.Layers))
		var shape []int
		for _, it := range chunk {
			if err := ctx.Err(); err != nil {
				return done, err
			}
			act, err := m.Activations(ctx, model.ActivationRequest{Messages: it.Messages, Layers: spec.Layers, Positions: spec.Positions})
			if err != nil {
				return done, fmt.Errorf("measure: extract %s: %w", it.ID, err)
			}
			if len(act.Vectors) != len(spec.Layers) {
				return done, fmt.Errorf("measure: extract %s: model returned %d layers, want %d", it.ID, len(act.Vectors), len(spec.Layers))
			}
			for k, vs := range act.Vectors {
				s := []int{len(vs), 0}
				if len(vs) > 0 {
					s[1] = len(vs[0])
				}
				if shape == nil {
					shape = s
				} else if !slices.Equal(shape, s) {
					return done, fmt.Errorf("measure: extract %s: layer %d has shape %v, earlier items %v", it.ID, spec.Layers[k], s, shape)
				}
				for _, v := range vs {
					perLayer[k] = append(perLayer[k], v...)
				}
			}
			bar.Add(1)
		}
		name := fmt.Sprintf("shard-%05d.safetensors", shards)
		tensors := make([]safetensors.Tensor, len(spec.Layers))
		for k, l := range spec.Layers {
			dims := []int{len(chunk), shape[1]}
			if spec.Positions.Kind == model.PosIndices {
				dims = []int{len(chunk), shape[0], shape[1]}
			}
			tensors[k] = safetensors.F32Tensor("layer_"+strconv.Itoa(l), dims, perLayer[k])
		}
		tmp := filepath.Join(outDir, name+".tmp")
		if err := safetensors.WriteFile(tmp, tensors, map[string]string{"format": "prefscope-activations"}); err != nil {
			return done, fmt.Errorf("measure: extract: %w", err)
		}
		if err := os.Rename(tmp, filepath.Join(outDir, name)); err != nil {
			return done, fmt.Errorf("measure: extract: %w", err)
		}
		shards++
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

func checkExtractConfig(dir string, spec ExtractSpec) error {
	path := filepath.Join(dir, "extract.yaml")
	want := struct {
		Layers    []int           `yaml:"layers"`
		Positions model.Positions `yaml:"positions"`
	}{spec.Layers, spec.Positions}
	b, _ := yaml.Marshal(want)
	old, err := os.ReadFile(path)
	if err == nil {
		if string(old) != string(b) {
			return fmt.Errorf("measure: extract: %s was written with other layers or positions; use a new output directory", path)
		}
		return nil
	}
	return os.WriteFile(path, b, 0o644)
}

// Activations read back from an extraction directory.
type ActivationSet struct {
	IDs  []string
	Meta []map[string]string
	// X[i] is the vector of item IDs[i] (for explicit indices, positions are
	// concatenated).
	X [][]float32
}

// LoadActivations reads one layer of an extraction, in index order.
func LoadActivations(dir string, layer int) (*ActivationSet, error) {
	path := filepath.Join(dir, "index.jsonl")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("measure: %w", err)
	}
	defer f.Close()
	var entries []IndexEntry
	if _, err := scanLines(f, path, func(line []byte, _ int) error {
		var e IndexEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return err
		}
		entries = append(entries, e)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("measure: %w", err)
	}
	shards := map[string][][]float32{}
	name := "layer_" + strconv.Itoa(layer)
	out := &ActivationSet{}
	for _, e := range entries {
		rows, ok := shards[e.Shard]
		if !ok {
			sf, err := safetensors.Open(filepath.Join(dir, e.Shard))
			if err != nil {
				return nil, fmt.Errorf("measure: %w", err)
			}
			vals, shape, err := safetensors.Float32(sf, name)
			sf.Close()
			if err != nil {
				return nil, fmt.Errorf("measure: %s: %w", e.Shard, err)
			}
			width := len(vals) / max(shape[0], 1)
			for r := 0; r < shape[0]; r++ {
				rows = append(rows, vals[r*width:(r+1)*width])
			}
			shards[e.Shard] = rows
		}
		if e.Row >= len(rows) {
			return nil, fmt.Errorf("measure: %s: item %s row %d beyond shard %s's %d rows", path, e.ID, e.Row, e.Shard, len(rows))
		}
		out.IDs = append(out.IDs, e.ID)
		out.Meta = append(out.Meta, e.Meta)
		out.X = append(out.X, rows[e.Row])
	}
	return out, nil
}

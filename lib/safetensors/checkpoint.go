package safetensors

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// Checkpoint is a Hugging Face checkpoint directory: one model.safetensors, or
// shards listed in model.safetensors.index.json.
type Checkpoint struct {
	Dir    string
	files  []*File
	byName map[string]*File
	names  []string
}

// IndexFile and SingleFile are the names Hugging Face gives a sharded
// checkpoint's index and an unsharded checkpoint.
const (
	IndexFile  = "model.safetensors.index.json"
	SingleFile = "model.safetensors"
)

// OpenCheckpoint opens dir's index (if present) and every shard it names,
// memory-mapped; otherwise dir/model.safetensors. A tensor the index lists
// but its shard lacks, or a tensor present in two shards, is an error.
func OpenCheckpoint(dir string) (*Checkpoint, error) {
	c := &Checkpoint{Dir: dir, byName: map[string]*File{}}
	indexPath := filepath.Join(dir, IndexFile)
	raw, err := os.ReadFile(indexPath)
	switch {
	case errors.Is(err, os.ErrNotExist):
		f, err := Open(filepath.Join(dir, SingleFile))
		if err != nil {
			return nil, err
		}
		c.files = []*File{f}
		for _, n := range f.names {
			c.byName[n] = f
		}
		c.names = f.Names()
		return c, nil
	case err != nil:
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	var index struct {
		WeightMap map[string]string `json:"weight_map"`
	}
	if err := json.Unmarshal(raw, &index); err != nil {
		return nil, fmt.Errorf("safetensors: %s: %w", indexPath, err)
	}
	if len(index.WeightMap) == 0 {
		return nil, fmt.Errorf("safetensors: %s: empty or missing weight_map", indexPath)
	}
	shards := map[string]*File{}
	for _, shard := range index.WeightMap {
		if _, ok := shards[shard]; ok {
			continue
		}
		if filepath.IsAbs(shard) || filepath.Clean(shard) != filepath.Base(shard) {
			c.Close()
			return nil, fmt.Errorf("safetensors: %s: shard name %q is not a plain file name", indexPath, shard)
		}
		f, err := Open(filepath.Join(dir, shard))
		if err != nil {
			c.Close()
			return nil, err
		}
		shards[shard] = f
		c.files = append(c.files, f)
	}
	for name, shard := range index.WeightMap {
		f := shards[shard]
		if _, ok := f.infos[name]; !ok {
			c.Close()
			return nil, fmt.Errorf("safetensors: %s lists tensor %q in %s, which lacks it", indexPath, name, shard)
		}
		c.byName[name] = f
	}
	seen := map[string]*File{}
	for _, f := range c.files {
		for _, n := range f.names {
			if g, ok := seen[n]; ok {
				c.Close()
				return nil, fmt.Errorf("safetensors: tensor %q is in both %s and %s", n, g.path, f.path)
			}
			seen[n] = f
		}
	}
	for n := range c.byName {
		c.names = append(c.names, n)
	}
	slices.Sort(c.names)
	return c, nil
}

// Names lists the tensor names in sorted order.
func (c *Checkpoint) Names() []string { return slices.Clone(c.names) }

// Info describes the named tensor.
func (c *Checkpoint) Info(name string) (Info, bool) {
	f, ok := c.byName[name]
	if !ok {
		return Info{}, false
	}
	return f.Info(name)
}

// Bytes returns a read-only view of the named tensor's bytes.
func (c *Checkpoint) Bytes(name string) ([]byte, error) {
	f, ok := c.byName[name]
	if !ok {
		return nil, fmt.Errorf("safetensors: %s: no tensor %q", c.Dir, name)
	}
	return f.Bytes(name)
}

// Close unmaps every shard.
func (c *Checkpoint) Close() error {
	var errs []error
	for _, f := range c.files {
		errs = append(errs, f.Close())
	}
	return errors.Join(errs...)
}

package activations

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/safetensors"
)

// MaxShardBytes bounds one shard read into memory (4 GiB): a damaged or
// hostile index cannot make a reader allocate without limit.
const MaxShardBytes = 4 << 30

// maxConfigBytes bounds extract.yaml read back (a few hundred bytes).
const maxConfigBytes = 1 << 20

// usableEntries checks every shard the index names and returns the ids whose
// rows can be read back, and the number of the next new shard (past every
// shard file or index entry, damaged ones included, so no name is reused).
// A shard name that leaves the store is an error naming the index line;
// nothing outside the store is opened or renamed.
func usableEntries(dir string, entries []IndexEntry, lines []int) (map[string]bool, int, error) {
	next := 0
	files, _ := filepath.Glob(filepath.Join(dir, layout.ShardPrefix+"*"))
	for _, f := range files {
		if n, ok := shardNumber(filepath.Base(f)); ok {
			next = max(next, n+1)
		}
	}
	index := layout.Index(dir)
	rows := map[string]int{}
	for i, e := range entries {
		path, err := layout.Within(dir, e.Shard, fmt.Sprintf("%s line %d: shard", index, lines[i]))
		if err != nil {
			return nil, 0, fmt.Errorf("activations: %w", err)
		}
		if _, seen := rows[e.Shard]; seen {
			continue
		}
		if n, ok := shardNumber(e.Shard); ok {
			next = max(next, n+1)
		}
		rows[e.Shard] = shardRows(path)
		if rows[e.Shard] < 0 {
			if _, err := os.Lstat(path); err == nil {
				// Within keeps path inside dir, and rename moves a symlink
				// itself, never its target.
				if err := os.Rename(path, path+".damaged"); err != nil {
					return nil, 0, fmt.Errorf("activations: setting aside damaged shard: %w", err)
				}
			}
		}
	}
	have := map[string]bool{}
	for _, e := range entries {
		if e.Row >= 0 && e.Row < rows[e.Shard] {
			have[e.ID] = true
		}
	}
	return have, next, nil
}

// shardRows is the row count of a shard that reads back whole, or -1.
func shardRows(path string) int {
	sf, err := openShard(path)
	if err != nil {
		return -1
	}
	defer sf.Close()
	n := -1
	for _, name := range sf.Names() {
		info, _ := sf.Info(name)
		if len(info.Shape) < 2 || info.DType != safetensors.F32 || (n >= 0 && info.Shape[0] != n) {
			return -1
		}
		n = info.Shape[0]
	}
	return n
}

// openShard reads a shard without following a symlink, refusing anything
// but a regular file (a FIFO would hang the reader) and files over
// MaxShardBytes.
func openShard(path string) (*safetensors.File, error) {
	f, err := layout.OpenNoFollow(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxShardBytes {
		return nil, fmt.Errorf("%s: %d bytes, over the shard limit of %d", path, st.Size(), MaxShardBytes)
	}
	buf, err := io.ReadAll(io.LimitReader(f, MaxShardBytes))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sf, err := safetensors.Parse(buf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return sf, nil
}

func shardName(n int) string { return layout.ShardName(n) }

func shardNumber(name string) (int, bool) {
	var n int
	if _, err := fmt.Sscanf(name, layout.ShardPrefix+"%05d"+layout.ShardSuffix, &n); err != nil || shardName(n) != name {
		return 0, false
	}
	return n, true
}

// Positions reads the positions a store was extracted at (extract.yaml).
func Positions(dir string) (PositionList, error) {
	path := layout.ExtractSettings(dir)
	b, err := layout.ReadOwned(path, maxConfigBytes)
	if err != nil {
		return nil, fmt.Errorf("activations: %w", err)
	}
	var c storeConfig
	if err := yaml.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("activations: %s: %w", path, err)
	}
	if len(c.Positions) == 0 {
		c.Positions = PositionList{{Kind: model.PosLast}}
	}
	return c.Positions, nil
}

// Set is one layer (at one position) of an activation store read back, in
// index order.
type Set struct {
	IDs  []string
	Meta []map[string]string
	// Authors[i] is the model that wrote item i's completion ("" in stores
	// written before authors were recorded).
	Authors []string
	// X[i] is the vector of item IDs[i] (for explicit indices, positions are
	// concatenated).
	X [][]float32
}

// Load reads one layer of the store in dir at its first position.
func Load(dir string, layer int) (*Set, error) {
	return loadTensor(dir, TensorName(layer))
}

// LoadPosition reads one layer of the store at the position named name
// (model.Positions.Name, as listed by Positions).
func LoadPosition(dir string, layer int, name string) (*Set, error) {
	pl, err := Positions(dir)
	if err != nil {
		return nil, err
	}
	for k, p := range pl {
		if p.Name() == name {
			return loadTensor(dir, PositionTensorName(layer, k, p))
		}
	}
	names := make([]string, len(pl))
	for k, p := range pl {
		names[k] = p.Name()
	}
	return nil, fmt.Errorf("activations: %s: no position %q (the store has %v)", dir, name, names)
}

// loadTensor reads one tensor of every shard, joined to the index. An item
// indexed more than once (extracted again after its shard was damaged) is
// read from its last entry. Every shard name is checked to stay in dir and
// opened without following links; an entry whose row is negative or past
// its shard, two items on one row, a tensor that is not float32 of rank 2
// or 3, or a missing shard or tensor is an error naming the index line.
func loadTensor(dir, tensor string) (*Set, error) {
	path := layout.Index(dir)
	f, err := layout.OpenNoFollow(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("activations: %w", err)
	}
	defer f.Close()
	var entries []IndexEntry
	var lines []int
	last := map[string]int{}
	if _, err := measure.ScanLines(f, path, func(line []byte, n int) error {
		var e IndexEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return err
		}
		if _, err := layout.Within(dir, e.Shard, "shard"); err != nil {
			return err
		}
		if e.Row < 0 {
			return fmt.Errorf("item %s: row %d is negative", e.ID, e.Row)
		}
		if i, ok := last[e.ID]; ok {
			entries[i], lines[i] = e, n
			return nil
		}
		last[e.ID] = len(entries)
		entries, lines = append(entries, e), append(lines, n)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("activations: %w", err)
	}
	type rowKey struct {
		shard string
		row   int
	}
	owner := map[rowKey]string{}
	shards := map[string][][]float32{}
	out := &Set{}
	for i, e := range entries {
		where := fmt.Sprintf("%s line %d: item %s", path, lines[i], e.ID)
		if prev, dup := owner[rowKey{e.Shard, e.Row}]; dup {
			return nil, fmt.Errorf("activations: %s: shard %s row %d already holds item %s", where, e.Shard, e.Row, prev)
		}
		owner[rowKey{e.Shard, e.Row}] = e.ID
		rows, ok := shards[e.Shard]
		if !ok {
			if rows, err = readTensor(filepath.Join(dir, e.Shard), tensor); err != nil {
				return nil, fmt.Errorf("activations: %s: %w", where, err)
			}
			shards[e.Shard] = rows
		}
		if e.Row >= len(rows) {
			return nil, fmt.Errorf("activations: %s: row %d beyond shard %s's %d rows", where, e.Row, e.Shard, len(rows))
		}
		out.IDs = append(out.IDs, e.ID)
		out.Meta = append(out.Meta, e.Meta)
		out.Authors = append(out.Authors, e.Author)
		out.X = append(out.X, rows[e.Row])
	}
	return out, nil
}

// readTensor reads one float32 tensor of rank 2 ([rows, hidden]) or 3
// ([rows, indices, hidden]) as rows.
func readTensor(path, tensor string) ([][]float32, error) {
	sf, err := openShard(path)
	if err != nil {
		return nil, err
	}
	defer sf.Close()
	info, ok := sf.Info(tensor)
	if !ok {
		return nil, fmt.Errorf("%s: no tensor %q", path, tensor)
	}
	if info.DType != safetensors.F32 {
		return nil, fmt.Errorf("%s: tensor %q is %s, want F32", path, tensor, info.DType)
	}
	if len(info.Shape) != 2 && len(info.Shape) != 3 {
		return nil, fmt.Errorf("%s: tensor %q has shape %v, want [rows, hidden]", path, tensor, info.Shape)
	}
	vals, shape, err := safetensors.Float32(sf, tensor)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	width := 1
	for _, d := range shape[1:] {
		width *= d
	}
	if len(vals) != shape[0]*width {
		return nil, fmt.Errorf("%s: tensor %q: %d values for shape %v", path, tensor, len(vals), shape)
	}
	rows := make([][]float32, shape[0])
	for r := range rows {
		rows[r] = slices.Clip(vals[r*width : (r+1)*width])
	}
	return rows, nil
}

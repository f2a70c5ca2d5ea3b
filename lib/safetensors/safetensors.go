package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/gomlx/compute/dtypes/bfloat16"
	"github.com/gomlx/compute/dtypes/float16"
)

// DType is a safetensors element type as written in the header.
type DType string

// DTypes known to this package.
const (
	F64  DType = "F64"
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
	I64  DType = "I64"
	I32  DType = "I32"
	I16  DType = "I16"
	I8   DType = "I8"
	U64  DType = "U64"
	U32  DType = "U32"
	U16  DType = "U16"
	U8   DType = "U8"
	Bool DType = "BOOL"
)

// Size is the number of bytes of one element, or 0 for an unknown dtype.
func (d DType) Size() int {
	switch d {
	case F64, I64, U64:
		return 8
	case F32, I32, U32:
		return 4
	case F16, BF16, I16, U16:
		return 2
	case I8, U8, Bool:
		return 1
	}
	return 0
}

// MaxHeaderSize bounds the JSON header (100 MB, as the reference
// implementation does), so a corrupt length cannot make Parse allocate
// without limit.
const MaxHeaderSize = 100 << 20

// ErrFormat is wrapped by every error about a malformed file.
var ErrFormat = errors.New("malformed safetensors file")

// Info describes one tensor stored in a file.
type Info struct {
	Name  string
	DType DType
	Shape []int
	// Begin and End are byte offsets of the tensor's data relative to the
	// start of the data section.
	Begin, End int64
}

// NumElements is the product of the shape (1 for a scalar).
func (i Info) NumElements() int {
	n := 1
	for _, d := range i.Shape {
		n *= d
	}
	return n
}

// Source is anything that serves tensors by name: a single File or a sharded
// Checkpoint.
type Source interface {
	// Names lists the tensor names in sorted order.
	Names() []string
	// Info describes a tensor; ok is false when the name is absent.
	Info(name string) (info Info, ok bool)
	// Bytes returns the raw little-endian bytes of a tensor, a view into the
	// mapped file that must not be modified and is valid until Close.
	Bytes(name string) ([]byte, error)
}

type headerEntry struct {
	DType       string  `json:"dtype"`
	Shape       []int64 `json:"shape"`
	DataOffsets []int64 `json:"data_offsets"`
}

// parseHeader validates the layout of buf (a whole file) and returns the
// tensors, the metadata and the start of the data section.
func parseHeader(buf []byte) (map[string]Info, map[string]string, int64, error) {
	if len(buf) < 8 {
		return nil, nil, 0, fmt.Errorf("%w: %d bytes, shorter than the 8-byte header length", ErrFormat, len(buf))
	}
	n := binary.LittleEndian.Uint64(buf[:8])
	if n > MaxHeaderSize {
		return nil, nil, 0, fmt.Errorf("%w: header length %d exceeds the %d-byte limit", ErrFormat, n, MaxHeaderSize)
	}
	if n > uint64(len(buf)-8) {
		return nil, nil, 0, fmt.Errorf("%w: header length %d exceeds the file's %d bytes", ErrFormat, n, len(buf)-8)
	}
	hdr := buf[8 : 8+n]
	trimmed := bytes.TrimLeft(hdr, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, nil, 0, fmt.Errorf("%w: header is not a JSON object", ErrFormat)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(hdr, &raw); err != nil {
		return nil, nil, 0, fmt.Errorf("%w: header JSON: %v", ErrFormat, err)
	}
	dataStart := int64(8 + n)
	dataLen := int64(len(buf)) - dataStart
	infos := make(map[string]Info, len(raw))
	var meta map[string]string
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &meta); err != nil {
				return nil, nil, 0, fmt.Errorf("%w: __metadata__ is not an object of strings: %v", ErrFormat, err)
			}
			continue
		}
		var e headerEntry
		if err := json.Unmarshal(msg, &e); err != nil {
			return nil, nil, 0, fmt.Errorf("%w: tensor %q: %v", ErrFormat, name, err)
		}
		info, err := checkEntry(name, e, dataLen)
		if err != nil {
			return nil, nil, 0, err
		}
		infos[name] = info
	}
	// Ranges must not overlap.
	list := make([]Info, 0, len(infos))
	for _, in := range infos {
		list = append(list, in)
	}
	sort.Slice(list, func(a, b int) bool {
		if list[a].Begin != list[b].Begin {
			return list[a].Begin < list[b].Begin
		}
		return list[a].Name < list[b].Name
	})
	for k := 1; k < len(list); k++ {
		if list[k].Begin < list[k-1].End {
			return nil, nil, 0, fmt.Errorf("%w: tensor %q bytes [%d,%d) overlap tensor %q [%d,%d)", ErrFormat,
				list[k].Name, list[k].Begin, list[k].End, list[k-1].Name, list[k-1].Begin, list[k-1].End)
		}
	}
	return infos, meta, dataStart, nil
}

func checkEntry(name string, e headerEntry, dataLen int64) (Info, error) {
	dt := DType(e.DType)
	if dt.Size() == 0 {
		return Info{}, fmt.Errorf("%w: tensor %q: unknown dtype %q", ErrFormat, name, e.DType)
	}
	if len(e.DataOffsets) != 2 {
		return Info{}, fmt.Errorf("%w: tensor %q: data_offsets has %d values, want 2", ErrFormat, name, len(e.DataOffsets))
	}
	begin, end := e.DataOffsets[0], e.DataOffsets[1]
	if begin < 0 || end < begin || end > dataLen {
		return Info{}, fmt.Errorf("%w: tensor %q: data_offsets [%d,%d) outside the %d data bytes", ErrFormat, name, begin, end, dataLen)
	}
	shape := make([]int, len(e.Shape))
	count := int64(1)
	for k, d := range e.Shape {
		if d < 0 {
			return Info{}, fmt.Errorf("%w: tensor %q: negative dimension %d", ErrFormat, name, d)
		}
		if d > 0 && count > math.MaxInt64/8/d {
			return Info{}, fmt.Errorf("%w: tensor %q: shape %v overflows", ErrFormat, name, e.Shape)
		}
		count *= d
		shape[k] = int(d)
	}
	if want := count * int64(dt.Size()); want != end-begin {
		return Info{}, fmt.Errorf("%w: tensor %q: shape %v of %s needs %d bytes, data_offsets give %d", ErrFormat, name, e.Shape, dt, want, end-begin)
	}
	return Info{Name: name, DType: dt, Shape: shape, Begin: begin, End: end}, nil
}

// File is one safetensors file, memory-mapped.
type File struct {
	path     string
	buf      []byte
	unmap    func() error
	data     []byte
	infos    map[string]Info
	names    []string
	Metadata map[string]string
}

// Parse reads a safetensors file held in memory; the File keeps buf.
func Parse(buf []byte) (*File, error) {
	return newFile("<memory>", buf, nil)
}

func newFile(path string, buf []byte, unmap func() error) (*File, error) {
	infos, meta, start, err := parseHeader(buf)
	if err != nil {
		if unmap != nil {
			_ = unmap()
		}
		return nil, fmt.Errorf("safetensors: %s: %w", path, err)
	}
	f := &File{path: path, buf: buf, unmap: unmap, data: buf[start:], infos: infos, Metadata: meta}
	for name := range infos {
		f.names = append(f.names, name)
	}
	slices.Sort(f.names)
	return f, nil
}

// Path is the file's path ("<memory>" for Parse).
func (f *File) Path() string { return f.path }

// Names lists the tensor names in sorted order.
func (f *File) Names() []string { return slices.Clone(f.names) }

// Info describes the named tensor.
func (f *File) Info(name string) (Info, bool) {
	in, ok := f.infos[name]
	if ok {
		in.Shape = slices.Clone(in.Shape)
	}
	return in, ok
}

// Bytes returns a read-only view of the named tensor's bytes.
func (f *File) Bytes(name string) ([]byte, error) {
	in, ok := f.infos[name]
	if !ok {
		return nil, fmt.Errorf("safetensors: %s: no tensor %q", f.path, name)
	}
	return f.data[in.Begin:in.End:in.End], nil
}

// Close unmaps the file; views returned by Bytes become invalid.
func (f *File) Close() error {
	if f.unmap == nil {
		return nil
	}
	err := f.unmap()
	f.unmap, f.buf, f.data = nil, nil, nil
	return err
}

// Float32 returns the named tensor of src converted to float32 (from F32,
// F16, BF16 or F64), with its shape.
func Float32(src Source, name string) ([]float32, []int, error) {
	in, ok := src.Info(name)
	if !ok {
		return nil, nil, fmt.Errorf("safetensors: no tensor %q", name)
	}
	b, err := src.Bytes(name)
	if err != nil {
		return nil, nil, err
	}
	out, err := ToFloat32(in.DType, b)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: tensor %q: %w", name, err)
	}
	return out, in.Shape, nil
}

// ToFloat32 converts little-endian bytes of a floating dtype to float32.
func ToFloat32(dt DType, b []byte) ([]float32, error) {
	size := dt.Size()
	if size == 0 || len(b)%size != 0 {
		return nil, fmt.Errorf("%d bytes are not a whole number of %s elements", len(b), dt)
	}
	n := len(b) / size
	out := make([]float32, n)
	switch dt {
	case F32:
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
	case F64:
		for i := range out {
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
		}
	case BF16:
		for i := range out {
			out[i] = bfloat16.BFloat16(binary.LittleEndian.Uint16(b[2*i:])).Float32()
		}
	case F16:
		for i := range out {
			out[i] = float16.Float16(binary.LittleEndian.Uint16(b[2*i:])).Float32()
		}
	default:
		return nil, fmt.Errorf("dtype %s is not a floating type", dt)
	}
	return out, nil
}

package probe

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/safetensors"
)

// Direction is a fitted probe's direction saved for steering: the unit
// vector of its weights and where it came from. Steering scales it by a
// multiplier times MeanNorm, the mean norm of the activations at that layer
// and position, so a multiplier means the same push at any width.
type Direction struct {
	// Vector is the unit direction in activation space (the probe's
	// weights divided by their norm; fit without Standardize so that the
	// weights live in the activations' own coordinates).
	Vector []float32
	Study  string
	Layer  int
	// Position is the read-out position the activations came from.
	Position string
	Target   string
	Alpha    float64
	// CVR2 is the probe's mean cross-validated R² at Alpha.
	CVR2     float64
	MeanNorm float64
}

// directionTensor is the one tensor of a direction file; the metadata keys
// are the Direction's fields in snake_case.
const directionTensor = "direction"

// NewDirection normalises a probe's weights w into a Direction; meta gives
// the other fields (its Vector is ignored). Zero or non-finite weights, or
// a non-positive mean norm, are errors.
func NewDirection(w []float64, meta Direction) (*Direction, error) {
	var n2 float64
	for i, x := range w {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("probe: direction: weight %d is %v", i, x)
		}
		n2 += x * x
	}
	if n2 == 0 {
		return nil, errors.New("probe: direction: the weights are all zero, so there is no direction")
	}
	if !(meta.MeanNorm > 0) || math.IsInf(meta.MeanNorm, 0) {
		return nil, fmt.Errorf("probe: direction: mean activation norm %v must be positive and finite", meta.MeanNorm)
	}
	n := math.Sqrt(n2)
	d := meta
	d.Vector = make([]float32, len(w))
	for i, x := range w {
		d.Vector[i] = float32(x / n)
	}
	return &d, nil
}

// MeanNorm is the mean Euclidean norm of the dataset's activation rows.
func MeanNorm(ds *Dataset) float64 {
	n := ds.Rows()
	if n == 0 || ds.D == 0 {
		return 0
	}
	var sum float64
	for i := 0; i < n; i++ {
		var s float64
		for _, x := range ds.X[i*ds.D : (i+1)*ds.D] {
			s += x * x
		}
		sum += math.Sqrt(s)
	}
	return sum / float64(n)
}

// SaveDirection writes d as <study>/probes/<name>.safetensors (layout.Probe):
// one F32 tensor "direction" [hidden] and the metadata as strings, so that
// Python's safetensors reads it too. It returns the path.
func SaveDirection(studyDir, name string, d *Direction) (string, error) {
	path, err := layout.Probe(studyDir, name)
	if err != nil {
		return "", err
	}
	if len(d.Vector) == 0 {
		return "", fmt.Errorf("probe: direction %s: empty vector", name)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("probe: %w", err)
	}
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	meta := map[string]string{
		"study": d.Study, "layer": strconv.Itoa(d.Layer), "position": d.Position, "target": d.Target,
		"alpha": g(d.Alpha), "cv_r2": g(d.CVR2), "mean_norm": g(d.MeanNorm),
	}
	tensors := []safetensors.Tensor{safetensors.F32Tensor(directionTensor, []int{len(d.Vector)}, d.Vector)}
	if err := safetensors.WriteFile(path, tensors, meta); err != nil {
		return "", fmt.Errorf("probe: direction %s: %w", name, err)
	}
	return path, nil
}

// LoadDirection reads the direction saved under name in the study.
func LoadDirection(studyDir, name string) (*Direction, error) {
	path, err := layout.Probe(studyDir, name)
	if err != nil {
		return nil, err
	}
	return ReadDirection(path)
}

// ReadDirection reads a direction file; a missing tensor or metadata key,
// an unparseable number or a vector that is not unit length is an error
// naming the file.
func ReadDirection(path string) (*Direction, error) {
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, fmt.Errorf("probe: direction: %w", err)
	}
	defer f.Close()
	vec, shape, err := safetensors.Float32(f, directionTensor)
	if err != nil {
		return nil, fmt.Errorf("probe: direction %s: %w", path, err)
	}
	if len(shape) != 1 {
		return nil, fmt.Errorf("probe: direction %s: tensor %q has shape %v, want one axis", path, directionTensor, shape)
	}
	d := &Direction{Vector: append([]float32(nil), vec...)}
	m := f.Metadata
	num := func(key string) (float64, error) {
		s, ok := m[key]
		if !ok {
			return 0, fmt.Errorf("probe: direction %s: no metadata key %q", path, key)
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("probe: direction %s: metadata %s = %q is not a number", path, key, s)
		}
		return x, nil
	}
	var layer float64
	for key, dst := range map[string]*float64{"layer": &layer, "alpha": &d.Alpha, "cv_r2": &d.CVR2, "mean_norm": &d.MeanNorm} {
		if *dst, err = num(key); err != nil {
			return nil, err
		}
	}
	d.Layer = int(layer)
	d.Study, d.Position, d.Target = m["study"], m["position"], m["target"]
	var n2 float64
	for _, x := range d.Vector {
		n2 += float64(x) * float64(x)
	}
	if math.Abs(math.Sqrt(n2)-1) > 1e-3 {
		return nil, fmt.Errorf("probe: direction %s: vector has norm %.4f, want 1", path, math.Sqrt(n2))
	}
	if !(d.MeanNorm > 0) {
		return nil, fmt.Errorf("probe: direction %s: mean_norm %v must be positive", path, d.MeanNorm)
	}
	return d, nil
}

// FitDirection cross-validates a ridge probe on ds, fits it at the best
// alpha and returns its direction with Alpha, CVR2 (mean fold R² at that
// alpha) and MeanNorm filled in; meta gives Study, Layer, Position and
// Target. The direction points towards higher targets, so steering along
// it with a positive multiplier should raise them. Standardize is refused:
// its weights live in standardised units, not in activation space.
func FitDirection(ds *Dataset, opt *Options, meta Direction) (*Direction, error) {
	if opt != nil && opt.Standardize {
		return nil, errors.New("probe: direction: fit without Standardize, so that the weights are a direction in activation space")
	}
	sw, err := CrossValidate(ds, opt)
	if err != nil {
		return nil, err
	}
	p, err := Fit(ds, sw.BestAlpha(), opt)
	if err != nil {
		return nil, err
	}
	meta.Alpha, meta.CVR2, meta.MeanNorm = sw.BestAlpha(), sw.MeanR2()[sw.Best], MeanNorm(ds)
	return NewDirection(p.W, meta)
}

package probe

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/blas"
)

var (
	benchNpy   = flag.String("probe.npy", "", "BenchmarkSweep reads PREFIX.X.npy and PREFIX.y.npy (float64, C order) instead of generating data")
	benchR2Out = flag.String("probe.r2out", "", "BenchmarkSweep writes the per-alpha mean CV R² of its last run here (JSON)")
)

// BenchmarkSweep times the reference sweep (17 alphas, 5 unshuffled folds)
// by size, on low-rank-plus-noise activations with a planted signal, or on
// the data named by -probe.npy (scripts/bench-ridge.sh).
func BenchmarkSweep(b *testing.B) {
	b.Logf("backend %s", Backend)
	if *benchNpy != "" {
		ds, err := readNpyDataset(*benchNpy)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("n=%d/d=%d", ds.Rows(), ds.D), func(b *testing.B) { benchSweep(b, ds) })
		return
	}
	for _, size := range []struct{ n, d int }{{300, 512}, {1192, 4096}, {4000, 1024}} {
		ds := lowRankDataset(size.n, size.d, 64, 0)
		b.Run(fmt.Sprintf("n=%d/d=%d", size.n, size.d), func(b *testing.B) { benchSweep(b, ds) })
	}
}

func benchSweep(b *testing.B, ds *Dataset) {
	var sw *Sweep
	for b.Loop() {
		var err error
		if sw, err = CrossValidate(ds, nil); err != nil {
			b.Fatal(err)
		}
	}
	r2 := sw.MeanR2()
	b.ReportMetric(r2[sw.Best], "bestR2")
	if *benchR2Out != "" {
		out, _ := json.Marshal(map[string]any{"form": sw.Form.String(), "best_alpha": sw.BestAlpha(), "cv_r2_per_alpha": r2, "backend": Backend})
		if err := os.WriteFile(*benchR2Out, out, 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// lowRankDataset mirrors ridge_baseline.py's synthetic data: a decaying
// rank-r spectrum plus isotropic noise and per-feature offsets, and a
// planted linear signal at population R² 0.5.
func lowRankDataset(n, d, rank int, seed uint64) *Dataset {
	r := rand.New(rand.NewPCG(seed, 3))
	a := make([]float64, n*rank)
	for i := range n {
		for k := range rank {
			a[i*rank+k] = r.NormFloat64() * 3 / math.Sqrt(1+float64(k))
		}
	}
	bm := make([]float64, rank*d)
	for i := range bm {
		bm[i] = r.NormFloat64() / math.Sqrt(float64(rank))
	}
	x := make([]float64, n*d)
	for i := range x {
		x[i] = 0.5 * r.NormFloat64()
	}
	blasImpl.Dgemm(blas.NoTrans, blas.NoTrans, n, d, rank, 1, a, rank, bm, d, 1, x, d)
	w := make([]float64, d)
	for j := range w {
		w[j] = r.NormFloat64() / math.Sqrt(float64(d))
		off := 0.2 * r.NormFloat64()
		for i := range n {
			x[i*d+j] += off
		}
	}
	y := make([]float64, n)
	blasImpl.Dgemv(blas.NoTrans, n, d, 1, x, d, w, 1, 0, y, 1)
	sd := math.Sqrt(variance(y))
	for i := range y {
		y[i] += 1.5 + sd*r.NormFloat64()
	}
	ds, _ := NewDataset(x, d, y, nil)
	return ds
}

func readNpyDataset(prefix string) (*Dataset, error) {
	x, xshape, err := readNpy(prefix + ".X.npy")
	if err != nil {
		return nil, err
	}
	y, yshape, err := readNpy(prefix + ".y.npy")
	if err != nil {
		return nil, err
	}
	if len(xshape) != 2 || len(yshape) != 1 || yshape[0] != xshape[0] {
		return nil, fmt.Errorf("%s: X shape %v and y shape %v do not match", prefix, xshape, yshape)
	}
	return NewDataset(x, xshape[1], y, nil)
}

var npyShape = regexp.MustCompile(`'shape':\s*\(([0-9, ]*)\)`)

// readNpy reads a little-endian float64, C-order .npy file.
func readNpy(path string) ([]float64, []int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if len(raw) < 10 || !bytes.HasPrefix(raw, []byte("\x93NUMPY")) {
		return nil, nil, fmt.Errorf("%s: not an .npy file", path)
	}
	var hlen, start int
	if raw[6] == 1 {
		hlen, start = int(binary.LittleEndian.Uint16(raw[8:10])), 10
	} else {
		hlen, start = int(binary.LittleEndian.Uint32(raw[8:12])), 12
	}
	header := string(raw[start : start+hlen])
	if !bytes.Contains([]byte(header), []byte("'<f8'")) || bytes.Contains([]byte(header), []byte("'fortran_order': True")) {
		return nil, nil, fmt.Errorf("%s: want C-order little-endian float64, header %s", path, header)
	}
	m := npyShape.FindStringSubmatch(header)
	if m == nil {
		return nil, nil, fmt.Errorf("%s: no shape in header %s", path, header)
	}
	var shape []int
	count := 1
	for _, f := range bytes.Split([]byte(m[1]), []byte(",")) {
		if f = bytes.TrimSpace(f); len(f) > 0 {
			v, err := strconv.Atoi(string(f))
			if err != nil {
				return nil, nil, fmt.Errorf("%s: shape %s: %w", path, m[1], err)
			}
			shape = append(shape, v)
			count *= v
		}
	}
	body := raw[start+hlen:]
	if len(body) != 8*count {
		return nil, nil, fmt.Errorf("%s: %d data bytes for shape %v", path, len(body), shape)
	}
	out := make([]float64, count)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(body[8*i:]))
	}
	return out, shape, nil
}

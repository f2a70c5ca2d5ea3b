package layout

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

type result struct {
	Terms []struct {
		Term string
		Beta float64
	} `json:"terms"`
	R2 float64 `json:"r2"`
}

func TestSaveLoadAnalysis(t *testing.T) {
	dir := t.TempDir()
	var in result
	in.R2 = 0.83
	in.Terms = append(in.Terms, struct {
		Term string
		Beta float64
	}{"language", 0.082})
	if err := SaveAnalysis(dir, "regression", in); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "analysis", "regression.json"))
	if err != nil || !strings.Contains(string(b), "\n \"r2\": 0.83") {
		t.Fatalf("saved file: %v\n%s", err, b)
	}
	var out result
	if err := LoadAnalysis(dir, "regression", &out); err != nil || !reflect.DeepEqual(in, out) {
		t.Errorf("round trip: %+v, %v; want %+v", out, err, in)
	}

	cases := []struct {
		name string
		err  func() error
		want string // in the error
	}{
		{"missing result", func() error { return LoadAnalysis(dir, "defaults", &out) }, `"defaults"`},
		{"not snake_case", func() error { return SaveAnalysis(dir, "../escape", in) }, "snake_case"},
		{"NaN", func() error { return SaveAnalysis(dir, "nan", map[string]float64{"x": math.NaN()}) }, `"nan"`},
		{"unknown key", func() error {
			return LoadAnalysis(dir, "regression", &struct {
				R2 float64 `json:"r2"`
			}{})
		}, "terms"},
		{"symlinked result", func() error {
			target := filepath.Join(dir, "elsewhere.json")
			if err := os.WriteFile(target, []byte(`{"r2": 1}`), 0o644); err != nil {
				return err
			}
			if err := os.Symlink(target, filepath.Join(dir, "analysis", "linked.json")); err != nil {
				return err
			}
			return LoadAnalysis(dir, "linked", &out)
		}, "symlink"},
		{"save over a symlink", func() error { return SaveAnalysis(dir, "linked", in) }, "symlink"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.err(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %s", err, c.want)
			}
		})
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "elsewhere.json")); string(b) != `{"r2": 1}` {
		t.Errorf("saving through a symlinked result wrote the file it points to: %s", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "analysis", "nan.json")); !os.IsNotExist(err) {
		t.Error("a result that failed to encode left a file")
	}
}

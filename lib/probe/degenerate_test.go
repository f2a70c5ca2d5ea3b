package probe

import (
	"math"
	"strings"
	"testing"
)

// TestDegenerateInputs: every degenerate input of issue 17 item 8 gives a
// clear error (naming what is wrong) or its documented result, never a
// panic, -Inf or a silent NaN.
func TestDegenerateInputs(t *testing.T) {
	ds, _ := planted(40, 3, 0.5, 1)
	oneRowOrigin := []string{}
	for i := range ds.Rows() {
		oneRowOrigin = append(oneRowOrigin, []string{"a", "b"}[i%2])
	}
	oneRowOrigin[0] = "lonely"
	withLonely, _ := ds.WithTarget(ds.Y)
	withLonely.Origins = oneRowOrigin
	cases := []struct {
		name string
		run  func() error
		want string // substring of the error
	}{
		{"CrossValidate(nil)", func() error { _, err := CrossValidate(nil, nil); return err }, "no dataset"},
		{"Fit(nil)", func() error { _, err := Fit(nil, 1, nil); return err }, "no dataset"},
		{"Probe{}.Predict", func() error { _, err := (&Probe{}).Predict([]float64{1, 2}); return err }, "no weights"},
		{"Predict ragged rows", func() error { _, err := (&Probe{W: []float64{1, 2}}).Predict([]float64{1, 2, 3}); return err }, "not rows of the probe's 2 features"},
		{"ShuffledLabels nil seeds", func() error { _, err := ShuffledLabels(ds, nil, nil); return err }, "no seeds"},
		{"GaussianActivations nil seeds", func() error { _, err := GaussianActivations(ds, nil, nil); return err }, "no seeds"},
		{"ShuffledLabels nil dataset", func() error { _, err := ShuffledLabels(nil, nil, DefaultSeeds); return err }, "no dataset"},
		{"n equal to folds", func() error {
			small, _ := NewDataset(ds.X[:5*3], 3, ds.Y[:5], nil)
			_, err := CrossValidate(small, nil)
			return err
		}, "every test fold has 2 rows"},
		{"an origin with one row", func() error { _, err := CrossValidate(withLonely, &Options{ByOrigin: true}); return err }, `group "lonely" has 1 row`},
		{"groups of one row", func() error {
			_, err := CrossValidate(ds, &Options{Groups: make([]string, ds.Rows())})
			return err
		}, "need 2 or more groups"},
		{"group labels of another length", func() error { _, err := CrossValidate(ds, &Options{Groups: []string{"a"}}); return err }, "1 group labels for 40 rows"},
		{"identical targets", func() error { _, err := NewDataset([]float64{1, 2, 3, 4}, 2, []float64{5, 5}, nil); return err }, "all 2 targets equal 5"},
		{"NaN target", func() error {
			_, err := NewDataset([]float64{1, 2, 3, 4}, 2, []float64{1, math.NaN()}, nil)
			return err
		}, "row 1: target NaN is not finite"},
		{"Inf feature", func() error {
			_, err := NewDataset([]float64{1, math.Inf(1), 3, 4}, 2, []float64{1, 2}, nil)
			return err
		}, "row 0, feature 1 is +Inf"},
		{"one row", func() error { _, err := NewDataset([]float64{1, 2}, 2, []float64{1}, nil); return err }, "1 row"},
		{"identical targets by Join", func() error {
			_, err := Join([]string{"a", "b"}, []string{"", ""}, [][]float32{{1}, {2}}, map[string]float64{"a": 3, "b": 3})
			return err
		}, "all 2 targets equal 3"},
		{"no fold has target variance", func() error {
			y := make([]float64, ds.Rows())
			for i := range y {
				y[i] = float64(i % 2) // constant inside each origin below
			}
			flat, _ := NewDataset(ds.X, ds.D, y, nil)
			groups := make([]string, len(y))
			for i := range groups {
				groups[i] = []string{"even", "odd"}[i%2]
			}
			_, err := CrossValidate(flat, &Options{Groups: groups})
			return err
		}, "no test fold has target variance"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.run()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestSmallGroupsTrainOnly: with MinGroup, a group too small to hold out is
// documented in SmallGroups, its rows only train (NaN predictions), and
// every held-out fold has a finite R².
func TestSmallGroupsTrainOnly(t *testing.T) {
	ds, _ := planted(60, 3, 0.6, 2)
	groups := make([]string, ds.Rows())
	for i := range groups {
		groups[i] = []string{"a", "b", "c"}[i%3]
	}
	groups[0], groups[1] = "tiny", "" // "" never held out
	sw, err := CrossValidate(ds, &Options{Groups: groups, MinGroup: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(sw.SmallGroups) != 1 || sw.SmallGroups[0] != "tiny" || len(sw.Folds) != 3 {
		t.Fatalf("small groups %v, %d folds; want [tiny] and 3 folds", sw.SmallGroups, len(sw.Folds))
	}
	if p := sw.Predictions[sw.Best]; !math.IsNaN(p[0]) || !math.IsNaN(p[1]) || math.IsNaN(p[2]) {
		t.Errorf("predictions of train-only rows %v %v must be NaN, of held-out rows finite (%v)", p[0], p[1], p[2])
	}
	for f, sc := range sw.Scores[sw.Best] {
		if math.IsNaN(sc.R2) || math.IsInf(sc.R2, 0) {
			t.Errorf("fold %s: R² %v", sw.Folds[f].Group, sc.R2)
		}
	}
}

func TestGroupCount(t *testing.T) {
	groups := []string{"a", "a", "b", "", "", "c", "c", "c"}
	for _, c := range []struct{ min, want int }{{0, 2}, {2, 2}, {3, 1}, {4, 0}} {
		if got := GroupCount(groups, c.min); got != c.want {
			t.Errorf("GroupCount(min %d) = %d, want %d", c.min, got, c.want)
		}
	}
}

func TestBestLayer(t *testing.T) {
	if _, err := Best(nil); err == nil {
		t.Error("no layers: no error")
	}
	got, err := Best([]LayerResult{{Layer: 4, R2: 0.2}, {Layer: 16, R2: 0.4}, {Layer: 24, R2: 0.39}})
	if err != nil || got.Layer != 16 {
		t.Errorf("best layer %d (%v), want 16", got.Layer, err)
	}
}

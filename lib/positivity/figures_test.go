package positivity

import (
	"strings"
	"testing"
)

func TestFigures(t *testing.T) {
	rs := constructed()
	for i := range rs {
		rs[i].Planted = []float64{0.6, 0.3, 0.1}
	}
	byOrigin, err := Table(rs, ByOrigin)
	if err != nil {
		t.Fatal(err)
	}
	cells, err := Table(rs, ByOrigin, ByFraming, ByOptionSet)
	if err != nil {
		t.Fatal(err)
	}
	spec := HeatmapSpec{Class: Positive, Rows: ByFraming, Cols: ByOptionSet, Title: "t"}
	if _, err := Heatmap(cells, spec); err == nil || !strings.Contains(err.Error(), "two cells at framing=did_enjoy") {
		t.Errorf("two origins in one heatmap: %v, want an error naming the cell", err)
	}
	builders := map[string]func() error{
		"panels":  func() error { _, err := PanelHeatmaps(cells, spec, 2, ByOrigin); return err },
		"classes": func() error { _, err := ClassHeatmaps(nil, spec); return err },
		"bars":    func() error { _, err := ScoreBars(byOrigin, ByOrigin, "t"); return err },
		"mean":    func() error { _, err := MeanScoreBars(byOrigin, ByOrigin, "", "t"); return err },
		"scatter": func() error { _, err := PlantedScatter(cells, "t"); return err },
	}
	for name, b := range builders {
		err := b()
		if name == "classes" {
			if err == nil {
				t.Errorf("%s of no cells: no error", name)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	cells[0].Planted = nil
	if _, err := PlantedScatter(cells, "t"); err == nil {
		t.Error("scatter of a cell without planted shares: no error")
	}
}

func TestRowsAndSelect(t *testing.T) {
	rs := constructed()
	if got := len(Select(rs, ByOrigin, "wild")); got != 5 {
		t.Errorf("Select wild: %d ratings, want 5", got)
	}
	cells, _ := Table(rs, ByOrigin)
	header, rows := Rows(cells, ByOrigin)
	if len(header) != 8 || len(rows) != 2 {
		t.Fatalf("header %v, %d rows", header, len(rows))
	}
	// math: 10 parsed, 1 refused, 2 unparsed, 80% [49.0, 94.3], mean 0.8 ± 1.96·0.2, clipped to 1.
	want := []string{"math", "10", "1", "2", "80.0 [49.0, 94.3]", "20.0 [5.7, 51.0]", "0.0 [0.0, 27.8]", "0.800 [0.408, 1.000]"}
	if strings.Join(rows[0], "|") != strings.Join(want, "|") {
		t.Errorf("math row %q, want %q", rows[0], want)
	}
	if DisplayName(ByOptionSet, "yes_somewhat_no") != "yes/somewhat/no" || DisplayName(ByFraming, "be_honest") != "be_honest" {
		t.Error("DisplayName")
	}
}

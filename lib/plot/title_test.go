package plot

import (
	"image"
	"strings"
	"testing"
)

// inkColumns returns the leftmost and rightmost columns with a dark pixel
// in rows [y0, y1) of img, or -1, -1 if there is none.
func inkColumns(img image.Image, y0, y1 int) (left, right int) {
	left, right = -1, -1
	b := img.Bounds()
	for x := b.Min.X; x < b.Max.X; x++ {
		for y := y0; y < y1; y++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r+g+bl < 3*0x8000 {
				if left < 0 {
					left = x
				}
				right = x
				break
			}
		}
	}
	return left, right
}

// A title wider than the plot area (the legend strip takes room from it)
// must stay inside the figure, as the robustness notebook's scatter of one
// run showed it did not: gonum centred it over the plot area alone.
func TestWideTitleStaysInside(t *testing.T) {
	groups := []string{"alpaca", "bailbench", "math", "wildchat"}
	x, y, g := []float64{0, 1, 2, 3}, []float64{0, 1, 0, 1}, groups
	cases := []struct {
		name, title string
		lines       int
	}{
		{"fits", "Short title", 1},
		{"wider than the plot area", "Fitted vs planted utility, one run (es/tool_call/choose/reversed)", 1},
		{"wider than the figure", strings.Repeat("a very long title ", 8), 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Scatter(x, y, &ScatterOptions{Groups: g, Identity: true, Options: Options{Title: tc.title, XLabel: "x", YLabel: "y"}})
			if err != nil {
				t.Fatal(err)
			}
			img, err := f.Image()
			if err != nil {
				t.Fatal(err)
			}
			if f.Plot.Title.Text != tc.title {
				t.Fatalf("title after drawing %q, want %q kept", f.Plot.Title.Text, tc.title)
			}
			// The title band: the top margin plus up to two 14 pt lines at 150 dpi.
			band := 18 + tc.lines*32
			left, right := inkColumns(img, 0, band)
			w := img.Bounds().Dx()
			if left < 10 || right > w-10 {
				t.Fatalf("title ink spans columns %d..%d of %d: it touches or leaves the figure", left, right, w)
			}
		})
	}
}

func TestSplitMiddle(t *testing.T) {
	cases := map[string]string{
		"one two three four": "one two\nthree four",
		"nospace":            "nospace",
		"already\ntwo lines": "already\ntwo lines",
	}
	for in, want := range cases {
		if got := splitMiddle(in); got != want {
			t.Errorf("splitMiddle(%q) = %q, want %q", in, got, want)
		}
	}
}

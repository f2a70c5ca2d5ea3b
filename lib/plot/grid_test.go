package plot

import (
	"bytes"
	"image/png"
	"testing"

	"gonum.org/v1/plot/vg"
)

func TestGrid(t *testing.T) {
	var figs []*Figure
	for i := 0; i < 3; i++ {
		f, err := Scatter([]float64{0, 1, 2}, []float64{float64(i), 1, 0}, &ScatterOptions{Options: Options{Title: "panel"}})
		if err != nil {
			t.Fatal(err)
		}
		figs = append(figs, f)
	}
	g, err := Grid(figs, 2, &GridOptions{Title: "three panels"})
	if err != nil {
		t.Fatal(err)
	}
	// Two columns of 4.2 in and two rows of 3.2 in plus the title strip.
	if g.Width != 8.4*vg.Inch || g.Height != 6.9*vg.Inch {
		t.Errorf("grid size %v x %v", g.Width, g.Height)
	}
	b, err := g.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if w := img.Bounds().Dx(); w < 1255 || w > 1265 {
		t.Errorf("image width %d px", w)
	}
	// The panels are drawn: the image is not blank white.
	dark := 0
	for y := 0; y < img.Bounds().Dy(); y += 3 {
		for x := 0; x < img.Bounds().Dx(); x += 3 {
			r, _, _, _ := img.At(x, y).RGBA()
			if r < 0x8000 {
				dark++
			}
		}
	}
	if dark < 500 {
		t.Errorf("only %d dark sample pixels; panels not drawn", dark)
	}
	for _, c := range []struct {
		name string
		figs []*Figure
		cols int
	}{{"no figures", nil, 2}, {"zero columns", figs, 0}, {"nil figure", []*Figure{nil}, 1}} {
		if _, err := Grid(c.figs, c.cols, nil); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

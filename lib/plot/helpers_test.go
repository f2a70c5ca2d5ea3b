package plot

import "gonum.org/v1/plot/vg"

func vgPoints(p float64) vg.Length { return vg.Points(p) }

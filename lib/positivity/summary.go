package positivity

import (
	"fmt"
	"math"
)

// Rows lays cells out as a table: the grouping dimensions, then the answer
// counts, the three shares with their 95% Wilson intervals (in percent),
// the mean score with its 95% interval, and, when every cell has them, the
// planted shares. It returns the header and one row per cell.
func Rows(cells []Cell, dims ...Dim) (header []string, rows [][]string) {
	planted := len(cells) > 0
	for _, c := range cells {
		planted = planted && c.Planted != nil
	}
	for _, d := range dims {
		header = append(header, string(d))
	}
	header = append(header, "parsed", "refused", "unparsed", "positive % [95% CI]", "neutral %", "negative %", "mean score [95% CI]")
	if planted {
		header = append(header, "planted pos/neu/neg %")
	}
	for _, c := range cells {
		// A scale without a middle option has no neutral share to report.
		neutral := "–"
		if c.HasNeutral {
			neutral = pctCI(c.Share[Neutral])
		}
		var row []string
		for _, d := range dims {
			row = append(row, DisplayName(d, c.Value(d)))
		}
		row = append(row, fmt.Sprint(c.Valid), fmt.Sprint(c.Refused), fmt.Sprint(c.Unparsed),
			pctCI(c.Share[Positive]), neutral, pctCI(c.Share[Negative]), meanCI(c))
		if planted {
			p := c.Planted.Share
			row = append(row, fmt.Sprintf("%.1f / %.1f / %.1f", 100*p[Positive], 100*p[Neutral], 100*p[Negative]))
		}
		rows = append(rows, row)
	}
	return header, rows
}

func pctCI(s Share) string {
	if math.IsNaN(s.P) {
		return "–"
	}
	return fmt.Sprintf("%.1f [%.1f, %.1f]", 100*s.P, 100*s.CI.Low, 100*s.CI.High)
}

func meanCI(c Cell) string {
	switch {
	case math.IsNaN(c.Mean):
		return "–"
	case math.IsNaN(c.MeanCI.Low):
		return fmt.Sprintf("%.3f", c.Mean)
	}
	return fmt.Sprintf("%.3f [%.3f, %.3f]", c.Mean, c.MeanCI.Low, c.MeanCI.High)
}

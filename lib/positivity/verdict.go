package positivity

import "fmt"

// CoverageBar is the least share of planted shares that must lie inside
// their measured 95% interval for the pipeline to pass on a synthetic study:
// a correct pipeline gives about 95% (somewhat more, the Wilson interval
// being conservative when the tasks of a cell differ).
const CoverageBar = 0.9

// CoverageCheck is Coverage over a table's cells, with its verdict against
// CoverageBar. Its JSON form is what the report cell reads back.
type CoverageCheck struct {
	Inside int `json:"inside"`
	Total  int `json:"total"`
	Cells  int `json:"cells"`
}

// CheckCoverage counts the planted shares inside their measured interval
// (see Coverage) over cells.
func CheckCoverage(cells []Cell) CoverageCheck {
	in, total := Coverage(cells)
	return CoverageCheck{Inside: in, Total: total, Cells: len(cells)}
}

// Share is Inside/Total (NaN without planted shares).
func (c CoverageCheck) Share() float64 { return float64(c.Inside) / float64(c.Total) }

// String is the verdict sentence: "planted share inside the measured 95%
// interval: 171 of 180 (95.0%); bar: at least 90%".
func (c CoverageCheck) String() string {
	return fmt.Sprintf("planted share inside the measured 95%% interval: %d of %d (%.1f%%); bar: at least %.0f%%", c.Inside, c.Total, 100*c.Share(), 100*CoverageBar)
}

// Err is an error when the coverage is below CoverageBar or there is no
// planted share to check, nil otherwise.
func (c CoverageCheck) Err() error {
	switch {
	case c.Total == 0:
		return fmt.Errorf("positivity: no cell has planted shares to check coverage on")
	case c.Share() < CoverageBar:
		return fmt.Errorf("positivity: coverage %d of %d is below the %.0f%% bar", c.Inside, c.Total, 100*CoverageBar)
	}
	return nil
}

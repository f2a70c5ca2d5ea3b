package utility

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// WriteCSV writes the fit as the run store's utilities.csv: a header
// task_id,mu,sigma and one row per task, the id from IDs (the index when
// IDs is nil), numbers in shortest round-trip form.
func (u *Utilities) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"task_id", "mu", "sigma"}); err != nil {
		return fmt.Errorf("utility: utilities.csv: %w", err)
	}
	for i := range u.Mu {
		id := strconv.Itoa(i)
		if u.IDs != nil {
			id = u.IDs[i]
		}
		rec := []string{id, strconv.FormatFloat(u.Mu[i], 'g', -1, 64), strconv.FormatFloat(u.Sigma[i], 'g', -1, 64)}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("utility: utilities.csv row %d: %w", i+1, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("utility: utilities.csv: %w", err)
	}
	return nil
}

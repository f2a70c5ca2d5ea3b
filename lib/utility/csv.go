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

// ReadCSV reads a utilities.csv written by WriteCSV. Errors name the file
// (name) and the line.
func ReadCSV(r io.Reader, name string) (ids []string, mu, sigma []float64, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 3
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("utility: %s: %w", name, err)
	}
	if len(recs) == 0 || recs[0][0] != "task_id" || recs[0][1] != "mu" || recs[0][2] != "sigma" {
		return nil, nil, nil, fmt.Errorf("utility: %s: header is not task_id,mu,sigma", name)
	}
	for i, rec := range recs[1:] {
		m, err1 := strconv.ParseFloat(rec[1], 64)
		s, err2 := strconv.ParseFloat(rec[2], 64)
		if err1 != nil || err2 != nil || rec[0] == "" {
			return nil, nil, nil, fmt.Errorf("utility: %s line %d: bad row %q", name, i+2, rec)
		}
		ids, mu, sigma = append(ids, rec[0]), append(mu, m), append(sigma, s)
	}
	return ids, mu, sigma, nil
}

package report

import (
	"fmt"
	"strings"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// Table renders a GitHub-flavoured markdown table. Rows shorter than the
// header are padded with empty cells; a row longer than the header widens
// the table with unnamed columns. Cells are trimmed, pipes in them are
// escaped and line breaks become <br>. A column whose every non-empty body cell is a number is
// right-aligned. With no header and no rows Table returns "".
func Table(header []string, rows [][]string) string {
	ncol := len(header)
	for _, r := range rows {
		ncol = max(ncol, len(r))
	}
	if ncol == 0 {
		return ""
	}
	cell := func(r []string, j int) string {
		if j < len(r) {
			return escapeCell(r[j])
		}
		return ""
	}
	var b strings.Builder
	b.WriteString("|")
	for j := 0; j < ncol; j++ {
		b.WriteString(" " + cell(header, j) + " |")
	}
	b.WriteString("\n|")
	for j := 0; j < ncol; j++ {
		if numericColumn(rows, j) {
			b.WriteString(" ---: |")
		} else {
			b.WriteString(" --- |")
		}
	}
	b.WriteString("\n")
	for _, r := range rows {
		b.WriteString("|")
		for j := 0; j < ncol; j++ {
			b.WriteString(" " + cell(r, j) + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func escapeCell(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", "<br>")
}

// numericColumn reports whether column j has at least one non-empty cell
// and every non-empty cell looks like a number as F, Pct and PlusMinus
// print them.
func numericColumn(rows [][]string, j int) bool {
	seen := false
	for _, r := range rows {
		if j >= len(r) {
			continue
		}
		c := strings.TrimSpace(r[j])
		if c == "" || c == "–" {
			continue
		}
		if !looksNumeric(c) {
			return false
		}
		seen = true
	}
	return seen
}

func looksNumeric(s string) bool {
	s = strings.TrimSuffix(s, "%")
	for _, part := range strings.Split(s, " ± ") {
		part = strings.TrimPrefix(strings.TrimPrefix(part, "-"), "+")
		if part == "" || part == "∞" || part == "–" {
			if part == "" {
				return false
			}
			continue
		}
		digits, dots := 0, 0
		for _, r := range part {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case r == '.':
				dots++
			case r == 'e' || r == 'E' || r == '-' || r == '+':
			default:
				return false
			}
		}
		if digits == 0 || dots > 1 {
			return false
		}
	}
	return true
}

// DataFrame renders a gota dataframe as a markdown table with its column
// names as the header; float columns are formatted with F(x, digits), other
// columns as gota prints them, and missing values as "–". It returns the
// dataframe's own error if it carries one.
func DataFrame(df dataframe.DataFrame, digits int) (string, error) {
	if df.Err != nil {
		return "", fmt.Errorf("report: dataframe: %w", df.Err)
	}
	names := df.Names()
	cols := make([]series.Series, len(names))
	for j, n := range names {
		cols[j] = df.Col(n)
		if cols[j].Err != nil {
			return "", fmt.Errorf("report: dataframe column %q: %w", n, cols[j].Err)
		}
	}
	rows := make([][]string, df.Nrow())
	for i := range rows {
		rows[i] = make([]string, len(cols))
		for j, c := range cols {
			e := c.Elem(i)
			switch {
			case e.IsNA():
				rows[i][j] = "–"
			case c.Type() == series.Float:
				rows[i][j] = F(e.Float(), digits)
			default:
				rows[i][j] = e.String()
			}
		}
	}
	return Table(names, rows), nil
}

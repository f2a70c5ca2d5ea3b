package study

import (
	"fmt"
	"math"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"

	"github.com/prefscope/prefscope/lib/num"
	"github.com/prefscope/prefscope/lib/report"
)

// GroupMean groups df by the columns by and returns, per group, the by
// columns, n (the rows of the group with a value of col that is not NaN)
// and mean_<col> (their mean), sorted by the by columns. NaN rows are left
// out of both, so a mean over a column that is NaN for some outcomes (score,
// first_won) is the mean over the others; a group with none has n = 0 and a
// NaN mean. It is the usual first look at a Frame: the parse rate by a
// template field (col "parsed"), the win rate of the first-shown task by
// model (col "first_won").
func GroupMean(df dataframe.DataFrame, col string, by ...string) (dataframe.DataFrame, error) {
	if df.Err != nil {
		return df, df.Err
	}
	if len(by) == 0 {
		return dataframe.DataFrame{}, fmt.Errorf("study: group mean of %q: no column to group by", col)
	}
	groups := df.GroupBy(by...)
	if groups.Err != nil {
		return dataframe.DataFrame{}, fmt.Errorf("study: group mean of %q by %v: %w", col, by, groups.Err)
	}
	var keys [][]string
	var ns []int
	var means []float64
	for _, g := range groups.GetGroups() {
		c := g.Col(col)
		if c.Err != nil {
			return dataframe.DataFrame{}, fmt.Errorf("study: group mean: %w", c.Err)
		}
		var n int
		var sum float64
		for _, v := range c.Float() {
			if !math.IsNaN(v) {
				n++
				sum += v
			}
		}
		key := make([]string, len(by))
		for i, b := range by {
			key[i] = g.Col(b).Elem(0).String()
		}
		keys, ns, means = append(keys, key), append(ns, n), append(means, sum/float64(n))
	}
	cols := make([]series.Series, 0, len(by)+2)
	for i, b := range by {
		vals := make([]string, len(keys))
		for k := range keys {
			vals[k] = keys[k][i]
		}
		cols = append(cols, series.New(vals, series.String, b))
	}
	cols = append(cols, series.New(ns, series.Int, "n"), series.New(means, series.Float, "mean_"+col))
	order := make([]dataframe.Order, len(by))
	for i, b := range by {
		order[i] = dataframe.Sort(b)
	}
	out := dataframe.New(cols...).Arrange(order...)
	return out, out.Err
}

// Markdown renders df as a markdown table (report.Table): float columns
// with digits decimals (num.F: NaN as "–"), the others as they are.
func Markdown(df dataframe.DataFrame, digits int) string {
	header := df.Names()
	rows := make([][]string, df.Nrow())
	for i := range rows {
		rows[i] = make([]string, len(header))
	}
	for j, name := range header {
		c := df.Col(name)
		for i := range rows {
			if c.Type() == series.Float {
				rows[i][j] = num.F(c.Elem(i).Float(), digits)
			} else {
				rows[i][j] = c.Elem(i).String()
			}
		}
	}
	return report.Table(header, rows)
}

package measure

import (
	"fmt"
	"io"
	"sort"

	"github.com/prefscope/prefscope/lib/template"
)

// FieldRate is the parse rate of the records whose template had Field=Level.
type FieldRate struct {
	Field, Level string
	Records      int
	Parsed       int // choice or rating
	Refusals     int
	Unparseable  int
}

// Rate is Parsed / Records.
func (r FieldRate) Rate() float64 {
	if r.Records == 0 {
		return 0
	}
	return float64(r.Parsed) / float64(r.Records)
}

// FieldLevels lists a template's field levels by field name (kind and scale
// included, seed left out): the tags parse rates and robustness analysis
// group runs by.
func FieldLevels(t template.Template) map[string]string {
	m := t.Tags()
	delete(m, template.FieldSeed)
	if t.Scale == "" {
		delete(m, template.FieldScale)
	}
	return m
}

// ParseRates groups outcome counts of runs by every field level; sums[i] is
// the summary of cfgs[i]. Lists of different lengths are an error, not a
// table that silently leaves runs out.
func ParseRates(cfgs []RunConfig, sums []Summary) ([]FieldRate, error) {
	if len(cfgs) != len(sums) {
		return nil, fmt.Errorf("measure: parse rates of %d run configs with %d summaries; want one summary per config", len(cfgs), len(sums))
	}
	acc := map[[2]string]*FieldRate{}
	for i, cfg := range cfgs {
		for f, l := range FieldLevels(cfg.Template) {
			k := [2]string{f, l}
			r := acc[k]
			if r == nil {
				r = &FieldRate{Field: f, Level: l}
				acc[k] = r
			}
			for o, n := range sums[i].Outcomes {
				r.Records += n
				switch o {
				case template.OutcomeChoice, template.OutcomeRating:
					r.Parsed += n
				case template.OutcomeRefusal:
					r.Refusals += n
				default:
					r.Unparseable += n
				}
			}
		}
	}
	out := make([]FieldRate, 0, len(acc))
	for _, r := range acc {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Field != out[j].Field {
			return out[i].Field < out[j].Field
		}
		return out[i].Level < out[j].Level
	})
	return out, nil
}

// WriteParseRates prints ParseRates as an aligned table.
func WriteParseRates(w io.Writer, rates []FieldRate) {
	fmt.Fprintf(w, "%-22s %-30s %9s %8s %8s %8s\n", "field", "level", "records", "parsed", "refusal", "unparsed")
	for _, r := range rates {
		fmt.Fprintf(w, "%-22s %-30s %9d %7.1f%% %7.1f%% %7.1f%%\n", r.Field, r.Level, r.Records, 100*r.Rate(),
			100*float64(r.Refusals)/float64(max(r.Records, 1)), 100*float64(r.Unparseable)/float64(max(r.Records, 1)))
	}
}

// OutcomeTable formats outcome counts in a fixed order.
func OutcomeTable(counts map[template.Outcome]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	s := ""
	for _, k := range keys {
		s += fmt.Sprintf("%s=%d ", k, counts[template.Outcome(k)])
	}
	return s
}

package study

import (
	"fmt"
	"math"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/positivity"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// FrameColumns are the columns of Frame, in order. Between "kind" and
// "task_a" come the template fields (template.FieldNames without "kind").
var FrameColumns = append(append([]string{"run", "part", "model", "kind"}, templateColumns()...),
	"task_a", "task_b", "origin_a", "origin_b", "shown_first", "sample",
	"outcome", "parsed", "winner", "first_won", "option", "score",
	"latency_ms", "attempts", "prompt_tokens", "completion_tokens")

func templateColumns() []string {
	var out []string
	for _, n := range template.FieldNames {
		if n != template.FieldKind {
			out = append(out, n)
		}
	}
	return out
}

// Frame returns every record of the study in dir's current fixed-design
// runs (CurrentRuns) as a gota DataFrame, one row per call: see FrameOf.
// For every stored run instead, active-learning batches and runs of earlier
// versions of study.yaml included, pass measure.ReadRuns(dir) to FrameOf.
func Frame(dir string) (dataframe.DataFrame, error) {
	runs, _, err := CurrentRuns(dir)
	if err != nil {
		return dataframe.DataFrame{}, err
	}
	s, err := Load(dir)
	if err != nil {
		return dataframe.DataFrame{}, err
	}
	tasks, err := s.LoadTasks()
	if err != nil {
		return dataframe.DataFrame{}, err
	}
	return FrameOf(runs, tasks)
}

// FrameOf lays the records of runs out as a DataFrame for exploration in a
// notebook (filter, group, aggregate), one row per call, with the columns
// of FrameColumns:
//
//   - run, part, model (the label positivity.ModelLabel gives), kind and
//     every template field as its tag (strings, as the run store keeps them);
//   - task_a, task_b (empty for stated kinds), their origins from tasks, and
//     shown_first, the task shown first;
//   - sample, outcome, parsed (1 for a choice or rating, 0 for a refusal or
//     an unparseable reply: its mean is the parse rate), winner (choices)
//     and first_won: 1 when the first-shown task was chosen, 0 when the
//     other was, NaN for other outcomes;
//   - option (0 = best) and score in [0, 1] of a rating, NaN otherwise;
//   - latency_ms, attempts and the token usage the model reported.
//
// A record naming a task that is not in tasks is an error naming the run
// and the record, never a row without an origin.
func FrameOf(runs []*measure.Run, tasks []task.Task) (dataframe.DataFrame, error) {
	origin := make(map[string]string, len(tasks))
	for _, t := range tasks {
		origin[t.ID] = t.Origin
	}
	str := map[string][]string{}
	num := map[string][]float64{}
	ints := map[string][]int{}
	for _, r := range runs {
		cfg := r.File.Config
		tags := cfg.Template.Tags()
		for _, rec := range r.Records {
			orgA, ok := origin[rec.TaskA]
			orgB := ""
			if ok && rec.TaskB != "" {
				orgB, ok = origin[rec.TaskB]
			}
			if !ok {
				return dataframe.DataFrame{}, fmt.Errorf("study: frame: run %s record %s: task %q or %q is not among the study's tasks", r.File.ID, rec.Key, rec.TaskA, rec.TaskB)
			}
			for _, c := range []struct{ col, v string }{
				{"run", r.File.ID}, {"part", cfg.Part}, {"model", positivity.ModelLabel(cfg.Model)}, {"kind", string(cfg.Template.Kind)},
				{"task_a", rec.TaskA}, {"task_b", rec.TaskB}, {"origin_a", orgA}, {"origin_b", orgB},
				{"shown_first", first(rec.Shown)}, {"outcome", string(rec.Outcome)}, {"winner", rec.Winner},
			} {
				str[c.col] = append(str[c.col], c.v)
			}
			for _, col := range templateColumns() {
				str[col] = append(str[col], tags[col])
			}
			parsed, firstWon, option, score := 0.0, math.NaN(), math.NaN(), math.NaN()
			if rec.Outcome == template.OutcomeChoice || rec.Outcome == template.OutcomeRating {
				parsed = 1
			}
			if rec.Outcome == template.OutcomeChoice && len(rec.Shown) > 0 {
				firstWon = 0
				if rec.Winner == rec.Shown[0] {
					firstWon = 1
				}
			}
			if rec.Option != nil {
				option = float64(*rec.Option)
			}
			if rec.Score != nil {
				score = *rec.Score
			}
			for _, c := range []struct {
				col string
				v   float64
			}{{"parsed", parsed}, {"first_won", firstWon}, {"option", option}, {"score", score}, {"latency_ms", rec.LatencyMS}} {
				num[c.col] = append(num[c.col], c.v)
			}
			for _, c := range []struct {
				col string
				v   int
			}{{"sample", rec.Sample}, {"attempts", rec.Attempts}, {"prompt_tokens", rec.PromptTokens}, {"completion_tokens", rec.CompletionTokens}} {
				ints[c.col] = append(ints[c.col], c.v)
			}
		}
	}
	cols := make([]series.Series, 0, len(FrameColumns))
	for _, name := range FrameColumns {
		switch {
		case isFloatColumn(name):
			cols = append(cols, series.New(orEmpty(num[name]), series.Float, name))
		case isIntColumn(name):
			cols = append(cols, series.New(orEmpty(ints[name]), series.Int, name))
		default:
			cols = append(cols, series.New(orEmpty(str[name]), series.String, name))
		}
	}
	df := dataframe.New(cols...)
	return df, df.Err
}

func isFloatColumn(name string) bool {
	return name == "parsed" || name == "first_won" || name == "option" || name == "score" || name == "latency_ms"
}

func isIntColumn(name string) bool {
	return name == "sample" || name == "attempts" || name == "prompt_tokens" || name == "completion_tokens"
}

func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func first(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}

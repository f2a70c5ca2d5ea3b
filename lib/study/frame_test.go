package study

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/go-gota/gota/dataframe"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

func frameFixture() ([]*measure.Run, []task.Task) {
	tasks := []task.Task{{ID: "m1", Origin: "math"}, {ID: "m2", Origin: "math"}, {ID: "w1", Origin: "wildchat"}}
	revealed := &measure.Run{File: measure.RunFile{ID: "pair-1", Config: measure.RunConfig{
		Part: "pairs", Model: model.Spec{Kind: "synth", Seed: 7},
		Template: template.Template{Kind: template.PreRevealed, Fields: template.Fields{Language: "fr", ResponseFormat: "xml", Typos: true}},
	}}}
	// Four choices: the first-shown task wins three; then a refusal.
	for i, c := range []struct {
		shown  []string
		winner string
	}{{[]string{"m1", "w1"}, "m1"}, {[]string{"w1", "m1"}, "w1"}, {[]string{"m2", "w1"}, "m2"}, {[]string{"w1", "m2"}, "m2"}} {
		a, b := c.shown[0], c.shown[1]
		if a > b {
			a, b = b, a
		}
		revealed.Records = append(revealed.Records, measure.Record{Key: a + "|" + b + "|" + string(rune('0'+i)), TaskA: a, TaskB: b, Shown: c.shown,
			Outcome: template.OutcomeChoice, Winner: c.winner, Sample: i, LatencyMS: 10 * float64(i+1), PromptTokens: 100, CompletionTokens: 5, Attempts: 1})
	}
	revealed.Records = append(revealed.Records, measure.Record{Key: "m1|m2|0", TaskA: "m1", TaskB: "m2", Shown: []string{"m2", "m1"}, Outcome: template.OutcomeRefusal, Attempts: 2})
	option, score := 1, 0.5
	stated := &measure.Run{File: measure.RunFile{ID: "rate-1", Config: measure.RunConfig{
		Part: "ratings", Model: model.Spec{Kind: "openai", Name: "llama-8b"},
		Template: template.Template{Kind: template.PostStated, Scale: "good_neutral_bad", Fields: template.Fields{Language: "en", ResponseFormat: "plain", Phrasing: "did_enjoy"}},
	}}, Records: []measure.Record{{Key: "w1|0", TaskA: "w1", Shown: []string{"w1"}, Outcome: template.OutcomeRating, Option: &option, Score: &score, LatencyMS: 3}}}
	return []*measure.Run{revealed, stated}, tasks
}

func TestFrameOfOneRowPerCall(t *testing.T) {
	runs, tasks := frameFixture()
	df, err := FrameOf(runs, tasks)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := df.Dims(); r != 6 || c != len(FrameColumns) {
		t.Fatalf("dims %d x %d, want 6 x %d", r, c, len(FrameColumns))
	}
	if !slices.Equal(df.Names(), FrameColumns) {
		t.Errorf("columns %v, want %v", df.Names(), FrameColumns)
	}
	for _, f := range template.FieldNames {
		if !slices.Contains(df.Names(), f) {
			t.Errorf("template field %q has no column", f)
		}
	}
	col := func(name string) []string { return df.Col(name).Records() }
	checks := []struct {
		col  string
		want []string
	}{
		{"run", []string{"pair-1", "pair-1", "pair-1", "pair-1", "pair-1", "rate-1"}},
		{"model", []string{"synth:7", "synth:7", "synth:7", "synth:7", "synth:7", "llama-8b"}},
		{"kind", []string{"pre_revealed", "pre_revealed", "pre_revealed", "pre_revealed", "pre_revealed", "post_stated"}},
		{"language", []string{"fr", "fr", "fr", "fr", "fr", "en"}},
		{"typos", []string{"true", "true", "true", "true", "true", "false"}},
		{"scale", []string{"", "", "", "", "", "good_neutral_bad"}},
		{"origin_a", []string{"math", "math", "math", "math", "math", "wildchat"}},
		{"origin_b", []string{"wildchat", "wildchat", "wildchat", "wildchat", "math", ""}},
		{"shown_first", []string{"m1", "w1", "m2", "w1", "m2", "w1"}},
		{"outcome", []string{"choice", "choice", "choice", "choice", "refusal", "rating"}},
		{"parsed", []string{"1.000000", "1.000000", "1.000000", "1.000000", "0.000000", "1.000000"}},
		{"first_won", []string{"1.000000", "1.000000", "1.000000", "0.000000", "NaN", "NaN"}},
		{"option", []string{"NaN", "NaN", "NaN", "NaN", "NaN", "1.000000"}},
		{"attempts", []string{"1", "1", "1", "1", "2", "0"}},
	}
	for _, c := range checks {
		if got := col(c.col); !slices.Equal(got, c.want) {
			t.Errorf("column %s = %v, want %v", c.col, got, c.want)
		}
	}
	// The exploration the notebook shows: win rate of the first-shown task
	// by model, over choices only: 3 of 4 for synth:7.
	choices := df.Filter(dataframe.F{Colname: "outcome", Comparator: "==", Comparando: "choice"})
	agg := choices.GroupBy("model").Aggregation([]dataframe.AggregationType{dataframe.Aggregation_MEAN}, []string{"first_won"})
	if agg.Nrow() != 1 || agg.Col("first_won_MEAN").Float()[0] != 0.75 {
		t.Errorf("first-shown win rate by model:\n%v\nwant synth:7 at 0.75", agg)
	}
	if lat := df.Col("latency_ms").Float(); lat[3] != 40 || !math.IsNaN(df.Col("score").Float()[0]) || df.Col("score").Float()[5] != 0.5 {
		t.Errorf("latency %v, score %v", lat, df.Col("score").Float())
	}
}

func TestFrameOfErrors(t *testing.T) {
	runs, tasks := frameFixture()
	_, err := FrameOf(runs, tasks[:2]) // w1 missing
	if err == nil || !strings.Contains(err.Error(), "run pair-1 record m1|w1|0") {
		t.Errorf("unknown task: %v, want an error naming the run and record", err)
	}
	df, err := FrameOf(nil, tasks)
	if err != nil || df.Nrow() != 0 || df.Ncol() != len(FrameColumns) {
		t.Errorf("no runs: %v rows, %v cols, %v; want an empty frame with every column", df.Nrow(), df.Ncol(), err)
	}
}

func TestGroupMeanAndMarkdown(t *testing.T) {
	runs, tasks := frameFixture()
	df, err := FrameOf(runs, tasks)
	if err != nil {
		t.Fatal(err)
	}
	// first_won is NaN but for the four choices (3 won by the first shown);
	// parsed is 1 but for the refusal.
	cases := []struct {
		col  string
		by   []string
		want string
	}{
		{"first_won", []string{"model"}, "| model | n | mean_first_won |\n| --- | ---: | ---: |\n| llama-8b | 0 | – |\n| synth:7 | 4 | 0.75 |\n"},
		{"parsed", []string{"model", "origin_a"}, "| model | origin_a | n | mean_parsed |\n| --- | --- | ---: | ---: |\n" +
			"| llama-8b | wildchat | 1 | 1.00 |\n| synth:7 | math | 5 | 0.80 |\n"},
	}
	for _, tc := range cases {
		g, err := GroupMean(df, tc.col, tc.by...)
		if err != nil {
			t.Fatalf("GroupMean(%s by %v): %v", tc.col, tc.by, err)
		}
		if got := Markdown(g, 2); got != tc.want {
			t.Errorf("GroupMean(%s by %v):\n%s\nwant\n%s", tc.col, tc.by, got, tc.want)
		}
	}
	if _, err := GroupMean(df, "parsed"); err == nil {
		t.Error("no grouping column: no error")
	}
	if _, err := GroupMean(df, "colour", "model"); err == nil {
		t.Error("unknown column: no error")
	}
}

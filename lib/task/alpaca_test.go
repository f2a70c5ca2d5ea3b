package task

import (
	"reflect"
	"testing"
)

func TestLoadAlpaca(t *testing.T) {
	content := `[
  {"instruction": "Give three tips for staying healthy.", "input": "", "output": "1. Eat well."},
  {"instruction": "Translate to French.", "input": "Good morning", "output": "Bonjour"},
  {"instruction": "Name a colour.", "output": "Blue"}
]`
	got, err := LoadAlpaca(writeFile(t, "alpaca_data.json", content))
	if err != nil {
		t.Fatal(err)
	}
	want := []Task{
		{ID: "alpaca_0", Origin: OriginAlpaca, Prompt: "Give three tips for staying healthy."},
		{ID: "alpaca_1", Origin: OriginAlpaca, Prompt: "Translate to French.\n\nGood morning"},
		{ID: "alpaca_2", Origin: OriginAlpaca, Prompt: "Name a colour."},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestLoadAlpacaErrors(t *testing.T) {
	cases := []struct {
		name    string
		content string
		err     wantErr
	}{
		{"missing instruction", `[{"instruction": "a", "input": "", "output": ""}, {"input": "x", "output": "y"}]`,
			wantErr{file: "alpaca.json", record: "index 1", is: ErrMissingField, has: []string{`"instruction"`}}},
		{"empty instruction", `[{"instruction": "a"}, {"instruction": "b"}, {"instruction": " ", "input": "x"}]`,
			wantErr{file: "alpaca.json", record: "index 2", is: ErrEmptyPrompt}},
		{"element of the wrong type", `[{"instruction": "a"}, 42]`,
			wantErr{file: "alpaca.json", record: "index 1", has: []string{"bad JSON"}}},
		{"not an array", `{"instruction": "a"}`, wantErr{file: "alpaca.json", has: []string{"want an array"}}},
		{"empty file", ``, wantErr{file: "alpaca.json", has: []string{"bad JSON"}}},
		{"truncated array", `[{"instruction": "a"}`, wantErr{file: "alpaca.json", has: []string{"bad JSON"}}},
		{"trailing data", `[{"instruction": "a"}] []`, wantErr{file: "alpaca.json", has: []string{"trailing data"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadAlpaca(writeFile(t, "alpaca.json", c.content))
			c.err.check(t, err)
		})
	}
}

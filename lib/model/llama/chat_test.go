package llama

import (
	"context"

	"slices"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
)

func openTinyChat(t *testing.T) tinyModel {
	t.Helper()
	tm := openTiny(t, "float32")
	tm.m.tok, tm.m.tmpl = ByteTokenizer{}, Llama3Layout{}
	tm.m.stopIDs[3] = true
	return tm
}

func TestChat(t *testing.T) {
	tm := openTinyChat(t)
	req := model.Request{Messages: []model.Message{{Role: "user", Content: "Pick Task A or Task B."}}, Temperature: 0.8, Seed: 3, MaxTokens: 5}
	a, err := tm.m.Chat(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := Llama3Layout{}.Render(req.Messages, nil, true)
	if want := len(ByteTokenizer{}.Encode(text)); a.PromptTokens != want {
		t.Errorf("PromptTokens = %d, want %d", a.PromptTokens, want)
	}
	if a.CompletionTokens > 5 || (a.FinishReason != model.FinishLength && a.FinishReason != model.FinishStop) {
		t.Errorf("reply %+v breaks MaxTokens 5", a)
	}
	if a.FinishReason == model.FinishLength && a.CompletionTokens != 5 {
		t.Errorf("finish length after %d tokens", a.CompletionTokens)
	}
	// Same seed, same reply, also inside a batch with another request.
	other := model.Request{Messages: []model.Message{{Role: "user", Content: "Something else entirely"}}, Temperature: 1, Seed: 4, MaxTokens: 9}
	batch, err := tm.m.ChatBatch(context.Background(), []model.Request{other, req})
	if err != nil {
		t.Fatal(err)
	}
	if batch[1].Text != a.Text {
		t.Errorf("reply changed inside a batch: %q vs %q", batch[1].Text, a.Text)
	}
	if batch[0].CompletionTokens > 9 {
		t.Errorf("first request got %d tokens > 9", batch[0].CompletionTokens)
	}
	t.Run("no tokenizer", func(t *testing.T) {
		bare := openTiny(t, "float32")
		_, err := bare.m.Chat(context.Background(), req)
		if err == nil || !strings.Contains(err.Error(), "no tokenizer.json or chat template") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestParseToolCalls(t *testing.T) {
	cases := []struct {
		name string
		text string
		want []model.ToolCall // nil: not a tool call
	}{
		{"llama 3.1 json", `{"name": "submit_choice", "parameters": {"choice": "Task A"}}`,
			[]model.ToolCall{{ID: "call_0", Name: "submit_choice", Arguments: `{"choice": "Task A"}`}}},
		{"python tag and eom", "<|python_tag|>{\"name\": \"f\", \"parameters\": {}}<|eom_id|>",
			[]model.ToolCall{{ID: "call_0", Name: "f", Arguments: `{}`}}},
		{"arguments key", ` {"name":"f","arguments":{"x":1}} `, []model.ToolCall{{ID: "call_0", Name: "f", Arguments: `{"x":1}`}}},
		{"two calls", `{"name":"a","parameters":{"x":1}}; {"name":"b","parameters":{"y":2}}`,
			[]model.ToolCall{{ID: "call_0", Name: "a", Arguments: `{"x":1}`}, {ID: "call_1", Name: "b", Arguments: `{"y":2}`}}},
		{"no parameters", `{"name":"f"}`, []model.ToolCall{{ID: "call_0", Name: "f", Arguments: `{}`}}},
		{"plain text", "I prefer Task A.", nil},
		{"json without name", `{"choice": "Task A"}`, nil},
		{"trailing prose", `{"name":"f","parameters":{}} because`, nil},
		{"truncated", `{"name":"f","parameters":{"x":`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := ParseToolCalls(c.text)
			if ok != (c.want != nil) || !slices.Equal(got, c.want) {
				t.Errorf("ParseToolCalls(%q) = %v, %v; want %v", c.text, got, ok, c.want)
			}
		})
	}
}

func TestActivations(t *testing.T) {
	tm := openTinyChat(t)
	msgs := []model.Message{{Role: "user", Content: "Rate this task."}, {Role: "assistant", Content: "good"}}
	text, _ := Llama3Layout{}.Render(msgs, nil, false)
	ids := ByteTokenizer{}.Encode(text)
	prefixText, _ := Llama3Layout{}.Render(msgs[:1], nil, true)
	start := len(ByteTokenizer{}.Encode(prefixText))
	layers := []int{2, 0}
	full, err := tm.m.Forward([][]int{ids}, layers, false)
	if err != nil {
		t.Fatal(err)
	}
	n := len(ids)
	cases := []struct {
		name string
		pos  model.Positions
		want []int // token indices; averaged for assistant_mean
		mean bool
	}{
		{"last is the closing eot", model.Positions{Kind: model.PosLast}, []int{n - 1}, false},
		{"named token", model.Positions{Kind: model.PosToken, Token: "<|end_header_id|>"}, []int{start - 3}, false},
		{"indices", model.Positions{Kind: model.PosIndices, Indices: []int{0, -2}}, []int{0, n - 2}, false},
		{"assistant mean over 'good'", model.Positions{Kind: model.PosAssistantMean}, []int{start, start + 1, start + 2, start + 3}, true},
	}
	if ids[n-1] != 3 || ids[start-3] != 5 || string(rune(ids[start]-256)) != "g" {
		t.Fatalf("fixture layout changed: %v (start %d)", ids, start)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			acts, err := tm.m.Activations(context.Background(), model.ActivationRequest{Messages: msgs, Layers: layers, Positions: c.pos})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(acts.Layers, layers) {
				t.Fatalf("layers %v", acts.Layers)
			}
			for k := range layers {
				var want [][]float32
				if c.mean {
					v := make([]float32, tm.m.HiddenSize())
					for j := range v {
						var s float64
						for _, p := range c.want {
							s += float64(full.Hidden[k][0][p][j])
						}
						v[j] = float32(s / float64(len(c.want)))
					}
					want = [][]float32{v}
				} else {
					for _, p := range c.want {
						want = append(want, full.Hidden[k][0][p])
					}
				}
				if len(acts.Vectors[k]) != len(want) {
					t.Fatalf("layer %d: %d vectors, want %d", layers[k], len(acts.Vectors[k]), len(want))
				}
				for p := range want {
					if e := relErr([][]float32{acts.Vectors[k][p]}, toF64([][]float32{want[p]})); e > 1e-5 {
						t.Errorf("layer %d vector %d: rel err %.2e", layers[k], p, e)
					}
				}
			}
		})
	}
	bad := []struct {
		name string
		req  model.ActivationRequest
		want string
	}{
		{"token absent", model.ActivationRequest{Messages: msgs, Layers: []int{1}, Positions: model.Positions{Kind: model.PosToken, Token: "<|end_of_text|>"}}, "does not occur"},
		{"unknown token", model.ActivationRequest{Messages: msgs, Layers: []int{1}, Positions: model.Positions{Kind: model.PosToken, Token: "<|nope|>"}}, "not in the vocabulary"},
		{"index out of range", model.ActivationRequest{Messages: msgs, Layers: []int{1}, Positions: model.Positions{Kind: model.PosIndices, Indices: []int{n}}}, "outside"},
		{"mean without assistant turn", model.ActivationRequest{Messages: msgs[:1], Layers: []int{1}, Positions: model.Positions{Kind: model.PosAssistantMean}}, "ending with an assistant turn"},
		{"no layers", model.ActivationRequest{Messages: msgs, Positions: model.Positions{Kind: model.PosLast}}, "no layers"},
		{"layer too deep", model.ActivationRequest{Messages: msgs, Layers: []int{3}, Positions: model.Positions{Kind: model.PosLast}}, "layer 3 outside"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := tm.m.Activations(context.Background(), c.req)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}

}

package tokenizer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nikolalohinski/gonja/v2/exec"

	"github.com/prefscope/prefscope/lib/model"
)

// TestJinjaGolden renders small snippets and compares with Python's Jinja2
// (testdata/jinja_golden.json, written by scripts/tokenizer/jinja_golden.py).
func TestJinjaGolden(t *testing.T) {
	var g struct {
		Cases []struct {
			Name string `json:"name"`
			Src  string `json:"src"`
			Ctx  string `json:"ctx"`
			Want string `json:"want"`
		} `json:"cases"`
	}
	readJSON(t, "jinja_golden.json", &g)
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			tpl, err := NewChatTemplate(c.Src, "", "")
			if err != nil {
				t.Fatalf("parse %q: %v", c.Src, err)
			}
			ctx, err := decodeOrdered(c.Ctx)
			if err != nil {
				t.Fatal(err)
			}
			tpl.Vars = map[string]any{}
			for _, p := range ctx.(*exec.Dict).Pairs {
				tpl.Vars[p.Key.String()] = p.Value
			}
			got, err := tpl.Render(nil, nil, false)
			if err != nil {
				t.Fatalf("render %q: %v", c.Src, err)
			}
			if got != c.Want {
				t.Errorf("render %q:\n got %q\nwant %q", c.Src, got, c.Want)
			}
		})
	}
}

func TestNormalizeTemplate(t *testing.T) {
	// Expected rewrites worked out by hand from Jinja's grammar.
	for _, c := range []struct{ name, in, want string }{
		{"concat", "{{ 'a' + x | trim + 'b' }}", "{{ 'a' + (x | trim) + 'b' }}"},
		{"chain with args", "{{- t | tojson(indent=4) | safe }}", "{{- (t | tojson(indent=4) | safe) }}"},
		{"subscripts and attributes", "{% if not m['a'][0].b|length == 1 %}", "{% if not (m['a'][0].b|length) == 1 %}"},
		{"filter inside call args", "{{ f(x | trim) }}", "{{ f((x | trim)) }}"},
		{"parenthesized operand", "{{ (a + b) | trim }}", "{{ ((a + b) | trim) }}"},
		{"no filter", "{{ a + b }}", "{{ a + b }}"},
		{"pipe inside string", "{{ 'a|b' + c }}", "{{ 'a|b' + c }}"},
		{"block set keeps its filter", "{% set x | upper %}", "{% set x | upper %}"},
		{"filter tag", "{% filter upper %}", "{% filter upper %}"},
		{"trim_blocks", "{% if a %}\nx{% endif %}\n", "{% if a %}x{% endif %}"},
		{"lstrip_blocks", "x\n    {% if a %}y", "x\n{% if a %}y"},
		{"plus keeps whitespace", "  {%+ if a +%}\n", "  {%+ if a +%}\n"},
		{"comment dropped", "a {# c #}\nb", "a b"},
		{"comment alone on a line", "a\n  {# c #}\nb", "a\nb"},
		{"comment with dashes", "a \n {#- c -#} \n b", "ab"},
		{"raw kept", "{% raw %}{{ a | b + c }}{% endraw %}", "{% raw %}{{ a | b + c }}{% endraw %}"},
		{"lone brace", "a { b", "a { b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got, err := normalizeTemplate(c.in); err != nil || got != c.want {
				t.Errorf("normalizeTemplate(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
		})
	}
}

func TestStrftime(t *testing.T) {
	at := time.Date(2024, time.July, 6, 15, 4, 5, 0, time.UTC)
	// Python: datetime(2024, 7, 6, 15, 4, 5).strftime(...)
	for format, want := range map[string]string{
		"%d %b %Y":       "06 Jul 2024",
		"%A %B %e":       "Saturday July  6",
		"%H:%M:%S %p":    "15:04:05 PM",
		"%I %y %j %m":    "03 24 188 07",
		"100%% %a %Q":    "100% Sat %Q",
		"trailing %":     "trailing %",
		"%Y-%m-%dT%H:%M": "2024-07-06T15:04",
	} {
		if got := strftime(at, format); got != want {
			t.Errorf("strftime(%q) = %q, want %q", format, got, want)
		}
	}
}

func TestRenderToolShapes(t *testing.T) {
	tpl, err := NewChatTemplate("{{ messages | tojson }}|{{ tools | tojson }}", "", "")
	if err != nil {
		t.Fatal(err)
	}
	msgs := []model.Message{
		{Role: "user", Content: "hi"},
		{Role: "assistant", ToolCalls: []model.ToolCall{{ID: "c1", Name: "f", Arguments: `{"z": 1, "a": 2.5}`}}},
	}
	tools := []model.Tool{{Name: "f", Parameters: map[string]any{"type": "object", "properties": map[string]any{}}}}
	got, err := tpl.Render(msgs, tools, false)
	if err != nil {
		t.Fatal(err)
	}
	// Messages are Go maps (keys sorted by tojson); tool calls and tools keep
	// the OpenAI key order; arguments keep the model's order.
	want := `[{"content": "hi", "role": "user"}, {"content": "", "role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": {"z": 1, "a": 2.5}}}]}]|` +
		`[{"type": "function", "function": {"name": "f", "parameters": {"properties": {}, "type": "object"}}}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, err := tpl.Render(nil, nil, false); err != nil || got != "[]|null" {
		t.Errorf("empty: got %q, %v; want []|null", got, err)
	}
}

func TestRenderRaise(t *testing.T) {
	tpl, err := NewChatTemplate(`{% if messages | length == 0 %}{{ raise_exception("need a message") }}{% endif %}ok`, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tpl.Render(nil, nil, true); err == nil || !strings.Contains(err.Error(), "need a message") {
		t.Errorf("Render error %v, want one containing the raised message", err)
	}
	if got, err := tpl.Render([]model.Message{{Role: "user", Content: "x"}}, nil, true); err != nil || got != "ok" {
		t.Errorf("Render = %q, %v", got, err)
	}
}

func TestLoadChatTemplateErrors(t *testing.T) {
	for _, c := range []struct{ name, file, want string }{
		{"not json", `{`, "not a tokenizer_config.json"},
		{"no chat_template", `{"bos_token": "<s>"}`, "chat_template: missing"},
		{"bad bos_token", `{"bos_token": 3, "chat_template": "x"}`, "bos_token"},
		{"syntax error", `{"chat_template": "{% if %}"}`, "chat_template"},
		{"unterminated tag", `{"chat_template": "a\n{{ x"}`, "line 2: unterminated \"{{\""},
		{"unterminated comment", `{"chat_template": "{# x"}`, "unterminated \"{#\""},
		{"named list without default", `{"chat_template": [{"name": "tool_use", "template": "t"}]}`, "no template named \"default\""},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "tokenizer_config.json")
			if err := os.WriteFile(path, []byte(c.file), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadChatTemplate(path)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("LoadChatTemplate error %v; want the path and %q", err, c.want)
			}
		})
	}
}

func TestNamedTemplates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokenizer_config.json")
	cfg := `{"bos_token": {"content": "<s>"}, "eos_token": "</s>", "chat_template": [
		{"name": "default", "template": "{{ bos_token }}plain"},
		{"name": "tool_use", "template": "{{ bos_token }}tools:{{ tools | length }}{{ eos_token }}"}]}`
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadChatTemplate(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Render(nil, nil, false); got != "<s>plain" {
		t.Errorf("without tools: %q, want <s>plain", got)
	}
	if got, _ := c.Render(nil, []model.Tool{{Name: "f"}}, false); got != "<s>tools:1</s>" {
		t.Errorf("with tools: %q, want <s>tools:1</s>", got)
	}
}

// TestUnsupportedJinja records what gonja cannot do, so that a template
// using it fails at load time with the reason rather than rendering wrong.
func TestUnsupportedJinja(t *testing.T) {
	// loopcontrols ({% break %}, {% continue %}), which transformers enables,
	// has no gonja counterpart; no Llama-3.x template uses it.
	_, err := NewChatTemplate("{% for x in xs %}{% break %}{% endfor %}", "", "")
	if err == nil || !strings.Contains(err.Error(), "break") {
		t.Errorf("NewChatTemplate with break: error %v, want one naming break", err)
	}
}

func TestRenderStructLiteral(t *testing.T) {
	c := &ChatTemplate{Source: "{{ bos_token }}{{ messages[0].content }}", BOSToken: "<s>"}
	got, err := c.Render([]model.Message{{Role: "user", Content: "x"}}, nil, false)
	if err != nil || got != "<s>x" {
		t.Errorf("Render = %q, %v; want <s>x", got, err)
	}
	if _, err := (&ChatTemplate{Source: "{% if %}"}).Render(nil, nil, false); err == nil {
		t.Error("bad template: Render succeeded")
	}
}

func TestRenderConcurrent(t *testing.T) {
	c, err := LoadChatTemplate(filepath.Join("testdata", "features_tokenizer_config.json"))
	if err != nil {
		t.Fatal(err)
	}
	c.Now = func() time.Time { return time.Date(2024, 7, 26, 0, 0, 0, 0, time.UTC) }
	msgs := []model.Message{{Role: "system", Content: "s"}, {Role: "user", Content: "u"}}
	tools := []model.Tool{{Name: "f", Parameters: map[string]any{"type": "object"}}}
	want, err := c.Render(msgs, tools, true)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			got, err := c.Render(msgs, tools, true)
			if err == nil && got != want {
				err = fmt.Errorf("concurrent Render gave %q, want %q", got, want)
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

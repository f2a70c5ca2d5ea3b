package tokenizer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"

	"github.com/prefscope/prefscope/lib/model"
)

// ChatTemplate renders a conversation into prompt text with the Jinja chat
// template of a Hugging Face tokenizer_config.json, as transformers'
// apply_chat_template does. Make one with LoadChatTemplate or
// NewChatTemplate, which parse the template once (a struct literal is parsed
// on every Render). It is safe for concurrent use once its fields are set.
type ChatTemplate struct {
	// Source is the Jinja text of the default template. Changing Source or
	// ToolUse after loading does not re-parse them.
	Source string
	// ToolUse is the template named "tool_use", used when tools are given,
	// for configs that list several named templates ("" if none).
	ToolUse string
	// BOSToken and EOSToken are the config's bos_token and eos_token,
	// exposed to the template under those names.
	BOSToken, EOSToken string
	// Now is the clock behind the template's strftime_now; nil means
	// time.Now. Tests fix it so that dated system prompts are reproducible.
	Now func() time.Time
	// Vars are extra template variables, as keyword arguments to
	// apply_chat_template: for Llama 3.x, date_string, tools_in_user_message,
	// builtin_tools or custom_tools.
	Vars map[string]any

	path     string
	def, use *exec.Template
}

// LoadChatTemplate reads chat_template, bos_token and eos_token from a Hugging
// Face tokenizer_config.json and parses the template.
func LoadChatTemplate(tokenizerConfigPath string) (*ChatTemplate, error) {
	data, err := os.ReadFile(tokenizerConfigPath)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	c, err := parseChatConfig(data, tokenizerConfigPath)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %s: %w", tokenizerConfigPath, err)
	}
	return c, nil
}

func parseChatConfig(data []byte, path string) (*ChatTemplate, error) {
	var cfg struct {
		ChatTemplate json.RawMessage `json:"chat_template"`
		BOS          json.RawMessage `json:"bos_token"`
		EOS          json.RawMessage `json:"eos_token"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("not a tokenizer_config.json: %w", err)
	}
	c := &ChatTemplate{path: path}
	var err error
	if c.BOSToken, err = specialToken(cfg.BOS); err != nil {
		return nil, fmt.Errorf("bos_token: %w", err)
	}
	if c.EOSToken, err = specialToken(cfg.EOS); err != nil {
		return nil, fmt.Errorf("eos_token: %w", err)
	}
	if len(cfg.ChatTemplate) == 0 || string(cfg.ChatTemplate) == "null" {
		return nil, errors.New("chat_template: missing")
	}
	// Either one template as a string, or a list of {"name", "template"}.
	if err := json.Unmarshal(cfg.ChatTemplate, &c.Source); err != nil {
		var named []struct {
			Name     string `json:"name"`
			Template string `json:"template"`
		}
		if err2 := json.Unmarshal(cfg.ChatTemplate, &named); err2 != nil {
			return nil, fmt.Errorf("chat_template: want a string or a list of {name, template}: %w", err)
		}
		for _, n := range named {
			switch n.Name {
			case "default":
				c.Source = n.Template
			case "tool_use":
				c.ToolUse = n.Template
			}
		}
		if c.Source == "" {
			return nil, errors.New("chat_template: no template named \"default\"")
		}
	}
	if err := c.compile(); err != nil {
		return nil, err
	}
	return c, nil
}

// specialToken reads a token given either as a string or as a serialized
// AddedToken object with a "content" field; absent or null gives "".
func specialToken(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var obj struct {
		Content *string `json:"content"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil || obj.Content == nil {
		return "", fmt.Errorf("want a string or an object with \"content\", got %.60s", raw)
	}
	return *obj.Content, nil
}

// chatConfig mirrors the Jinja environment of transformers' chat templates:
// no autoescaping, undefined is not an error. Its trim_blocks and
// lstrip_blocks are applied by normalizeTemplate, so they are off here.
func chatConfig() *config.Config {
	return config.New()
}

var chatEnv = func() *exec.Environment {
	filters := exec.NewFilterSet(map[string]exec.FilterFunction{})
	filters.Update(builtins.Filters)
	for name, f := range map[string]exec.FilterFunction{"tojson": filterToJSON, "trim": filterTrim} {
		if err := filters.Replace(name, f); err != nil {
			panic(err) // a contract with gonja's built-in filter list
		}
	}
	if err := filters.Register("items", filterItems); err != nil {
		panic(err)
	}
	return &exec.Environment{
		Context:           exec.EmptyContext().Update(builtins.GlobalFunctions).Update(builtins.GlobalVariables),
		Filters:           filters,
		Tests:             builtins.Tests,
		ControlStructures: builtins.ControlStructures,
		Methods:           chatMethods(),
	}
}()

func compileTemplate(name, source string) (*exec.Template, error) {
	// Like Python's Jinja with keep_trailing_newline=False, one trailing
	// newline of the source is not part of the output.
	source, err := normalizeTemplate(strings.TrimSuffix(source, "\n"))
	if err != nil {
		return nil, err
	}
	fs, err := loaders.NewFileSystemLoader("")
	if err != nil {
		return nil, err
	}
	loader, err := loaders.NewShiftedLoader(name, strings.NewReader(source), fs)
	if err != nil {
		return nil, err
	}
	return exec.NewTemplate(name, chatConfig(), loader, chatEnv)
}

func (c *ChatTemplate) compile() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("chat_template: parsing panicked: %v", r)
		}
	}()
	if c.def, err = compileTemplate("chat_template", c.Source); err != nil {
		return fmt.Errorf("chat_template: %w", err)
	}
	if c.ToolUse != "" {
		if c.use, err = compileTemplate("chat_template.tool_use", c.ToolUse); err != nil {
			return fmt.Errorf("chat_template (tool_use): %w", err)
		}
	}
	return nil
}

// NewChatTemplate parses a Jinja chat template given as text, with the BOS
// and EOS tokens it may refer to.
func NewChatTemplate(source, bosToken, eosToken string) (*ChatTemplate, error) {
	c := &ChatTemplate{Source: source, BOSToken: bosToken, EOSToken: eosToken, path: "(string)"}
	if err := c.compile(); err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	return c, nil
}

// Render fills the template with the conversation, as apply_chat_template
// with tokenize=False does. The template sees:
//
//   - messages: {"role", "content"} objects, plus "tool_calls" on turns that
//     made calls, each {"id"?, "type": "function", "function": {"name",
//     "arguments"}} with arguments decoded from their JSON text (key order
//     kept; left as the raw string when the text is not valid JSON);
//   - tools: none when empty, else {"type": "function", "function": {"name",
//     "description"?, "parameters"?}} objects (parameter keys sorted, since a
//     Go map has no order);
//   - add_generation_prompt, bos_token, eos_token, raise_exception(msg),
//     strftime_now(format), and the entries of Vars.
//
// A raise_exception in the template comes back as an error.
func (c *ChatTemplate) Render(messages []model.Message, tools []model.Tool, addGenerationPrompt bool) (out string, err error) {
	if c.def == nil {
		// A ChatTemplate built as a struct literal: parse a copy, leaving c
		// untouched so that concurrent calls do not race.
		cp := *c
		if cp.path == "" {
			cp.path = "(string)"
		}
		if err := cp.compile(); err != nil {
			return "", fmt.Errorf("tokenizer: %s: %w", cp.path, err)
		}
		return cp.Render(messages, tools, addGenerationPrompt)
	}
	tpl := c.def
	if len(tools) > 0 && c.use != nil {
		tpl = c.use
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("tokenizer: %s: chat_template: rendering panicked: %v", c.path, r)
		}
	}()
	ctx := map[string]any{
		"messages":              templateMessages(messages),
		"tools":                 templateTools(tools),
		"add_generation_prompt": addGenerationPrompt,
		"bos_token":             c.BOSToken,
		"eos_token":             c.EOSToken,
		"raise_exception":       raiseException,
		"strftime_now":          c.strftimeNow,
	}
	for k, v := range c.Vars {
		ctx[k] = v
	}
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, exec.NewContext(ctx)); err != nil {
		var te *templateError
		if errors.As(err, &te) {
			return "", fmt.Errorf("tokenizer: %s: chat_template: raise_exception: %w", c.path, te)
		}
		return "", fmt.Errorf("tokenizer: %s: chat_template: %w", c.path, err)
	}
	return buf.String(), nil
}

// templateError is what the template's raise_exception(msg) raises.
type templateError struct{ msg string }

func (e *templateError) Error() string { return e.msg }

func raiseException(_ *exec.Evaluator, params *exec.VarArgs) *exec.Value {
	msg := "raise_exception called"
	if len(params.Args) > 0 {
		msg = params.Args[0].String()
	}
	return exec.AsValue(&templateError{msg: msg})
}

func orderedDict(kv ...any) *exec.Dict {
	d := exec.NewDict()
	for i := 0; i+1 < len(kv); i += 2 {
		d.Pairs = append(d.Pairs, &exec.Pair{Key: exec.AsValue(kv[i]), Value: exec.AsValue(kv[i+1])})
	}
	return d
}

func templateMessages(messages []model.Message) []any {
	out := make([]any, len(messages))
	for i, m := range messages {
		msg := map[string]any{"role": m.Role, "content": m.Content}
		if len(m.ToolCalls) > 0 {
			calls := make([]any, len(m.ToolCalls))
			for k, tc := range m.ToolCalls {
				var args any = tc.Arguments
				if v, err := decodeOrdered(tc.Arguments); err == nil {
					args = v
				}
				fn := orderedDict("name", tc.Name, "arguments", args)
				if tc.ID != "" {
					calls[k] = orderedDict("id", tc.ID, "type", "function", "function", fn)
				} else {
					calls[k] = orderedDict("type", "function", "function", fn)
				}
			}
			msg["tool_calls"] = calls
		}
		out[i] = msg
	}
	return out
}

func templateTools(tools []model.Tool) any {
	if len(tools) == 0 {
		return nil
	}
	out := make([]any, len(tools))
	for i, t := range tools {
		kv := []any{"name", t.Name}
		if t.Description != "" {
			kv = append(kv, "description", t.Description)
		}
		if t.Parameters != nil {
			kv = append(kv, "parameters", t.Parameters)
		}
		out[i] = orderedDict("type", "function", "function", orderedDict(kv...))
	}
	return out
}

package tokenizer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

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

func (c *ChatTemplate) strftimeNow(_ *exec.Evaluator, params *exec.VarArgs) *exec.Value {
	if len(params.Args) != 1 || !params.Args[0].IsString() {
		return exec.AsValue(errors.New("strftime_now: want one format string"))
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	return exec.AsValue(strftime(now(), params.Args[0].String()))
}

// strftime formats t with Python's strftime directives in the C locale:
// %a %A %b %B %d %e %H %I %j %m %M %p %S %y %Y %%; other directives are kept
// as written.
func strftime(t time.Time, format string) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			b.WriteByte(format[i])
			continue
		}
		i++
		switch format[i] {
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'A':
			b.WriteString(t.Format("Monday"))
		case 'b':
			b.WriteString(t.Format("Jan"))
		case 'B':
			b.WriteString(t.Format("January"))
		case 'd':
			b.WriteString(t.Format("02"))
		case 'e':
			b.WriteString(t.Format("_2"))
		case 'H':
			b.WriteString(t.Format("15"))
		case 'I':
			b.WriteString(t.Format("03"))
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'm':
			b.WriteString(t.Format("01"))
		case 'M':
			b.WriteString(t.Format("04"))
		case 'p':
			b.WriteString(t.Format("PM"))
		case 'S':
			b.WriteString(t.Format("05"))
		case 'y':
			b.WriteString(t.Format("06"))
		case 'Y':
			fmt.Fprintf(&b, "%d", t.Year())
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	return b.String()
}

// orderedDict builds a gonja dict whose keys keep the given order (for
// tojson), from alternating keys and values.
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

// decodeOrdered decodes one JSON value, keeping object keys in their written
// order (as *exec.Dict) and integers as int64.
func decodeOrdered(text string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			d := exec.NewDict()
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				d.Pairs = append(d.Pairs, &exec.Pair{Key: exec.AsValue(k), Value: exec.AsValue(v)})
			}
			_, err := dec.Token()
			return d, err
		case '[':
			l := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := dec.Token()
			return l, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return n, nil
		}
		return t.Float64()
	default:
		return t, nil // string, bool, nil
	}
}

// filterTrim is Jinja's trim: Python's str.strip(chars), which by default
// removes all leading and trailing whitespace (gonja's removes only spaces).
func filterTrim(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	if !in.IsString() {
		return exec.AsValue(fmt.Errorf("trim: want a string, got %s", in.String()))
	}
	var chars *exec.Value
	if len(params.Args) > 0 {
		chars = params.Args[0]
	} else if v, ok := params.KwArgs["chars"]; ok {
		chars = v
	}
	if chars != nil && !chars.IsNil() {
		return exec.AsValue(strings.Trim(in.String(), chars.String()))
	}
	return exec.AsValue(strings.TrimFunc(in.String(), pyIsSpace))
}

// pyIsSpace is Python's str.isspace for one rune: Unicode White_Space plus
// the information separators U+001C..U+001F.
func pyIsSpace(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) }

// filterToJSON is Jinja's tojson as transformers defines it for chat
// templates: json.dumps(x, ensure_ascii=False, indent=indent) with keys in
// insertion order (Go maps: sorted), ", " and ": " separators without indent,
// and "," plus a newline with it. Unlike gonja's built-in it does not escape
// <, > and & and keeps key order.
func filterToJSON(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	indent := 0
	if v, ok := params.KwArgs["indent"]; ok && !v.IsNil() {
		if !v.IsInteger() {
			return exec.AsValue(fmt.Errorf("tojson: indent must be an integer, got %s", v.String()))
		}
		indent = v.Integer()
	}
	if len(params.Args) > 0 && params.Args[0].IsInteger() {
		indent = params.Args[0].Integer()
	}
	var b strings.Builder
	if err := writeJSON(&b, in.Interface(), indent, 0); err != nil {
		return exec.AsValue(fmt.Errorf("tojson: %w", err))
	}
	return exec.AsSafeValue(b.String())
}

func writeJSON(b *strings.Builder, v any, indent, depth int) error {
	if depth > 100 {
		return errors.New("nesting deeper than 100")
	}
	newline := func(d int) {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat(" ", indent*d))
	}
	sep := func() {
		if indent > 0 {
			b.WriteByte(',')
			newline(depth + 1)
		} else {
			b.WriteString(", ")
		}
	}
	writeList := func(n int, item func(i int) error) error {
		if n == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteByte('[')
		if indent > 0 {
			newline(depth + 1)
		}
		for i := 0; i < n; i++ {
			if i > 0 {
				sep()
			}
			if err := item(i); err != nil {
				return err
			}
		}
		if indent > 0 {
			newline(depth)
		}
		b.WriteByte(']')
		return nil
	}
	writeObject := func(keys []string, val func(i int) any) error {
		if len(keys) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteByte('{')
		if indent > 0 {
			newline(depth + 1)
		}
		for i, k := range keys {
			if i > 0 {
				sep()
			}
			writeJSONString(b, k)
			b.WriteString(": ")
			if err := writeJSON(b, val(i), indent, depth+1); err != nil {
				return err
			}
		}
		if indent > 0 {
			newline(depth)
		}
		b.WriteByte('}')
		return nil
	}

	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case *exec.Value:
		if x == nil || x.IsNil() {
			b.WriteString("null")
			return nil
		}
		return writeJSON(b, x.Interface(), indent, depth)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		writeJSONString(b, x)
	case float32:
		return writeJSON(b, float64(x), indent, depth)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%v is not valid JSON", x)
		}
		b.WriteString(formatFloat(x))
	case json.Number:
		b.WriteString(string(x))
	case *exec.Dict:
		return writeJSON(b, *x, indent, depth)
	case exec.Dict:
		keys := make([]string, len(x.Pairs))
		for i, p := range x.Pairs {
			keys[i] = p.Key.String()
		}
		return writeObject(keys, func(i int) any { return x.Pairs[i].Value })
	case exec.ValuesList:
		return writeList(len(x), func(i int) error { return writeJSON(b, x[i], indent, depth+1) })
	case []any:
		return writeList(len(x), func(i int) error { return writeJSON(b, x[i], indent, depth+1) })
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return writeObject(keys, func(i int) any { return x[keys[i]] })
	default:
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			b.WriteString(strconv.FormatInt(rv.Int(), 10))
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			b.WriteString(strconv.FormatUint(rv.Uint(), 10))
		case reflect.Slice, reflect.Array:
			return writeList(rv.Len(), func(i int) error { return writeJSON(b, rv.Index(i).Interface(), indent, depth+1) })
		case reflect.Map:
			if rv.Type().Key().Kind() != reflect.String {
				return fmt.Errorf("map with %s keys", rv.Type().Key())
			}
			keys := make([]string, 0, rv.Len())
			for _, k := range rv.MapKeys() {
				keys = append(keys, k.String())
			}
			sort.Strings(keys)
			return writeObject(keys, func(i int) any { return rv.MapIndex(reflect.ValueOf(keys[i]).Convert(rv.Type().Key())).Interface() })
		case reflect.Pointer:
			if rv.IsNil() {
				b.WriteString("null")
				return nil
			}
			return writeJSON(b, rv.Elem().Interface(), indent, depth)
		default:
			return fmt.Errorf("cannot encode %T", v)
		}
	}
	return nil
}

// formatFloat writes a float as JavaScript's Number.prototype.toString does
// (which @huggingface/jinja uses): integral values without a decimal point,
// exponent form outside [1e-6, 1e21).
func formatFloat(x float64) string {
	a := math.Abs(x)
	if a != 0 && (a < 1e-6 || a >= 1e21) {
		s := strconv.FormatFloat(x, 'e', -1, 64)
		// Go writes e-07 and e+21; JavaScript writes e-7 and e+21.
		mant, exp, _ := strings.Cut(s, "e")
		sign := exp[0]
		exp = strings.TrimLeft(exp[1:], "0")
		return mant + "e" + string(sign) + exp
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// writeJSONString quotes s as Python's json.dumps(ensure_ascii=False) does:
// escapes for '"', '\\' and control characters, everything else as is.
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if c < 0x20 {
				fmt.Fprintf(b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}

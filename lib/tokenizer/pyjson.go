package tokenizer

// The JSON writer behind the tojson filter, byte-compatible with Python's
// json.dumps as transformers calls it.

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
)

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
		keys := slices.Sorted(maps.Keys(x))
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
			slices.Sort(keys)
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

package tokenizer

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/exec"
)

// Python methods and filters that chat templates call and gonja lacks or gets
// wrong: dict.items(), .values(), .get() and the items filter (with key
// order kept for ordered dicts), and str.strip(), .lstrip(), .rstrip() whose
// default strips all whitespace, not only spaces.

// gonjaStrMethods lists gonja's own string methods, which are kept.
// pySplit is Python's str.split: with no separator it splits on runs of
// whitespace and drops empty strings; maxsplit < 0 means no limit.
func pySplit(s, sep string, maxsplit int) []any {
	var parts []string
	if sep == "" {
		rest := strings.TrimLeftFunc(s, pyIsSpace)
		for rest != "" {
			if maxsplit >= 0 && len(parts) == maxsplit {
				parts = append(parts, rest)
				break
			}
			end := strings.IndexFunc(rest, pyIsSpace)
			if end < 0 {
				parts = append(parts, rest)
				break
			}
			parts = append(parts, rest[:end])
			rest = strings.TrimLeftFunc(rest[end:], pyIsSpace)
		}
	} else {
		parts = strings.SplitN(s, sep, maxsplit+1)
		if maxsplit < 0 {
			parts = strings.Split(s, sep)
		}
	}
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out
}

var gonjaStrMethods = []string{"capitalize", "capwords", "casefold", "center", "count", "encode", "endswith",
	"expandtabs", "find", "format", "format_map", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit",
	"islower", "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower",
	"partition", "removeprefix", "removesuffix", "replace", "rfind", "rjust", "rpartition", "rsplit",
	"splitlines", "startswith", "swapcase", "title", "upper", "zfill"}

func chatMethods() exec.Methods {
	str := map[string]exec.Method[string]{}
	for _, name := range gonjaStrMethods {
		if m, ok := builtins.Methods.Str.Get(name); ok {
			str[name] = m
		}
	}
	strip := func(trim func(string, func(rune) bool) string, trimSet func(string, string) string) exec.Method[string] {
		return func(self string, _ *exec.Value, args *exec.VarArgs) (any, error) {
			if len(args.Args) > 1 || len(args.KwArgs) > 0 {
				return nil, fmt.Errorf("strip: at most one argument")
			}
			if len(args.Args) == 0 || args.Args[0].IsNil() {
				return trim(self, pyIsSpace), nil
			}
			return trimSet(self, args.Args[0].String()), nil
		}
	}
	str["split"] = func(self string, _ *exec.Value, args *exec.VarArgs) (any, error) {
		sep, maxsplit := "", -1
		for i, a := range args.Args {
			switch {
			case i == 0 && !a.IsNil():
				sep = a.String()
			case i == 1 && a.IsInteger():
				maxsplit = a.Integer()
			case i > 1:
				return nil, fmt.Errorf("split: at most two arguments")
			}
		}
		if v, ok := args.KwArgs["sep"]; ok && !v.IsNil() {
			sep = v.String()
		}
		if v, ok := args.KwArgs["maxsplit"]; ok && v.IsInteger() {
			maxsplit = v.Integer()
		}
		return pySplit(self, sep, maxsplit), nil
	}
	str["strip"] = strip(strings.TrimFunc, strings.Trim)
	str["lstrip"] = strip(strings.TrimLeftFunc, strings.TrimLeft)
	str["rstrip"] = strip(strings.TrimRightFunc, strings.TrimRight)

	dict := map[string]exec.Method[map[string]any]{
		"keys": func(_ map[string]any, self *exec.Value, args *exec.VarArgs) (any, error) {
			pairs := dictPairs(self)
			out := make([]any, len(pairs))
			for i, p := range pairs {
				out[i] = p[0]
			}
			return out, noArgs(args, "keys")
		},
		"values": func(_ map[string]any, self *exec.Value, args *exec.VarArgs) (any, error) {
			pairs := dictPairs(self)
			out := make([]any, len(pairs))
			for i, p := range pairs {
				out[i] = unwrap(p[1])
			}
			return out, noArgs(args, "values")
		},
		"items": func(_ map[string]any, self *exec.Value, args *exec.VarArgs) (any, error) {
			return itemList(self), noArgs(args, "items")
		},
		"get": func(_ map[string]any, self *exec.Value, args *exec.VarArgs) (any, error) {
			if len(args.Args) < 1 || len(args.Args) > 2 {
				return nil, fmt.Errorf("get: want a key and an optional default")
			}
			key := args.Args[0].String()
			for _, p := range dictPairs(self) {
				if p[0] == key {
					return unwrap(p[1]), nil
				}
			}
			if len(args.Args) == 2 {
				return unwrap(args.Args[1]), nil
			}
			return nil, nil
		},
	}
	return exec.Methods{
		Bool:  builtins.Methods.Bool,
		Int:   builtins.Methods.Int,
		Float: builtins.Methods.Float,
		Str:   exec.NewMethodSet(str),
		Dict:  exec.NewMethodSet(dict),
		List:  builtins.Methods.List,
	}
}

// unwrap returns the Go value inside a gonja value: gonja must not get a
// *exec.Value back from a method, since *exec.Value has an Error method and
// would be read as an error.
func unwrap(v any) any {
	if x, ok := v.(*exec.Value); ok {
		if x == nil {
			return nil
		}
		return x.Interface()
	}
	return v
}

func noArgs(args *exec.VarArgs, name string) error {
	if len(args.Args) > 0 || len(args.KwArgs) > 0 {
		return fmt.Errorf("%s: takes no arguments", name)
	}
	return nil
}

// dictPairs lists a dict's (key, value) pairs: in insertion order for an
// ordered *exec.Dict, in key order for a Go map.
func dictPairs(v *exec.Value) [][2]any {
	switch d := v.Interface().(type) {
	case *exec.Dict:
		out := make([][2]any, len(d.Pairs))
		for i, p := range d.Pairs {
			out[i] = [2]any{p.Key.String(), p.Value}
		}
		return out
	case exec.Dict:
		return dictPairs(exec.AsValue(&d))
	}
	var out [][2]any
	keys := v.Keys()
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	for _, k := range keys {
		val, _ := v.GetItem(k.String())
		out = append(out, [2]any{k.String(), val})
	}
	return out
}

func itemList(v *exec.Value) []any {
	pairs := dictPairs(v)
	out := make([]any, len(pairs))
	for i, p := range pairs {
		out[i] = []any{p[0], unwrap(p[1])}
	}
	return out
}

// filterItems is Jinja's items filter: a dict's (key, value) pairs.
func filterItems(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	if !in.IsDict() {
		return exec.AsValue(fmt.Errorf("items: want a mapping, got %s", in.String()))
	}
	return exec.AsValue(itemList(in))
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

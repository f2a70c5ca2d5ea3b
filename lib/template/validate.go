package template

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/prefscope/prefscope/lib/repo"
	"go.yaml.in/yaml/v3"
)

// check validates the decoded file and indexes languages.
func (c *Catalog) check(root *yaml.Node) error {
	f := &c.file
	bad := func(msg string, path ...string) error {
		return fmt.Errorf("template: %s line %d: %s: %s", c.path, repo.YAMLLine(root, path...), strings.Join(path, "."), msg)
	}
	if len(f.TaskOrders) == 0 {
		return bad("need at least one task order", "task_orders")
	}
	for i, o := range f.TaskOrders {
		if o != OrderCanonical && o != OrderReversed && o != OrderRandom {
			return bad(fmt.Sprintf("unknown task order %q (want canonical, reversed or random)", o), "task_orders", strconv.Itoa(i))
		}
		if slices.Index(f.TaskOrders, o) != i {
			return bad(fmt.Sprintf("task order %q listed twice", o), "task_orders", strconv.Itoa(i))
		}
	}
	if len(f.Languages) == 0 {
		return bad("need at least one language", "languages")
	}
	var codes []string
	for i := range f.Languages {
		l := &f.Languages[i]
		at := func(key string) []string { return []string{"languages", strconv.Itoa(i), key} }
		if l.Code == "" {
			return bad("missing code", at("code")...)
		}
		if _, dup := c.langs[l.Code]; dup {
			return bad(fmt.Sprintf("language %q listed twice", l.Code), at("code")...)
		}
		c.langs[l.Code] = l
		codes = append(codes, l.Code)
		for _, s := range []struct{ key, val, need string }{
			{"label_word", l.LabelWord, ""},
			{"header", l.Header, "{label}"},
			{"single_header", l.SingleHeader, ""},
			{"or", l.Or, ""},
			{"option_list", l.OptionList, "{list}"},
			{"numeric_range", l.NumericRange, "{max}"},
			{"situating_context", l.SituatingContext, ""},
		} {
			if strings.TrimSpace(s.val) == "" {
				return bad("missing or empty", at(s.key)...)
			}
			if s.need != "" && !strings.Contains(s.val, s.need) {
				return bad("must contain "+s.need, at(s.key)...)
			}
			if strings.Contains(s.val, "\n") && s.key != "situating_context" {
				return bad("must be one line", at(s.key)...)
			}
		}
		if !strings.Contains(l.NumericRange, "{min}") {
			return bad("must contain {min}", at("numeric_range")...)
		}
		if len(l.Letters) != 2 || len(l.Numbers) != 2 || l.Letters[0] == l.Letters[1] || l.Numbers[0] == l.Numbers[1] {
			return bad("letters and numbers need two distinct entries each", at("letters")...)
		}
		if len(l.Quotes) != 2 {
			return bad("need an opening and a closing quote", at("quotes")...)
		}
		for _, tool := range []string{ToolSubmitChoice, ToolSubmitRating} {
			if l.ToolDescriptions[tool] == "" {
				return bad("missing description of "+tool, at("tool_descriptions")...)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(f.Phrasings)) {
		if !Kind(k).valid() {
			return bad(fmt.Sprintf("unknown kind %q", k), "phrasings", k)
		}
	}
	for _, k := range Kinds {
		ps, ok := f.Phrasings[string(k)]
		if !ok || len(ps) == 0 {
			return bad("no phrasings for kind "+string(k), "phrasings")
		}
		seen := map[string]bool{}
		for i, p := range ps {
			if p.ID == "" || seen[p.ID] {
				return bad(fmt.Sprintf("phrasing id %q missing or repeated", p.ID), "phrasings", string(k), strconv.Itoa(i))
			}
			seen[p.ID] = true
			if err := c.checkTranslations(p.Text, root, "phrasings", string(k), strconv.Itoa(i), "text"); err != nil {
				return err
			}
			for code, s := range p.Text {
				if strings.ContainsAny(s, "\n<>{}") {
					return bad("a phrasing is one line without <, >, { or }", "phrasings", string(k), strconv.Itoa(i), "text", code)
				}
			}
		}
	}
	for class := range f.Formats {
		if class != classChoice && class != classRating {
			return bad(fmt.Sprintf("unknown answer class %q (want choice or rating)", class), "formats", class)
		}
	}
	for _, class := range []string{classChoice, classRating} {
		fm, ok := f.Formats[class]
		if !ok {
			return bad("missing answer class "+class, "formats")
		}
		for format := range fm {
			if !slices.Contains(formats, format) {
				return bad(fmt.Sprintf("unknown response format %q", format), "formats", class, format)
			}
		}
		for _, format := range formats {
			tr, ok := fm[format]
			if !ok {
				return bad("missing response format "+format, "formats", class)
			}
			if err := c.checkTranslations(tr, root, "formats", class, format); err != nil {
				return err
			}
			for code, s := range tr {
				if !strings.Contains(s, "{options}") || strings.Contains(s, "\n") {
					return bad("must be one line containing {options}", "formats", class, format, code)
				}
			}
		}
	}
	if len(f.Scales) == 0 {
		return bad("need at least one scale", "scales")
	}
	seen := map[string]bool{}
	for i, s := range f.Scales {
		at := []string{"scales", strconv.Itoa(i)}
		if s.ID == "" || seen[s.ID] {
			return bad(fmt.Sprintf("scale id %q missing or repeated", s.ID), at...)
		}
		seen[s.ID] = true
		switch {
		case len(s.Numeric) > 0 && len(s.Options) > 0:
			return bad("give either numeric or options, not both", at...)
		case len(s.Numeric) > 0:
			if len(s.Numeric) != 2 || s.Numeric[0] >= s.Numeric[1] || s.Numeric[0] < 0 || s.Numeric[1]-s.Numeric[0] > 100 {
				return bad("numeric is [min, max] with 0 <= min < max <= min+100", append(at, "numeric")...)
			}
		default:
			n := -1
			for _, code := range codes {
				opts, ok := s.Options[code]
				if !ok {
					return bad("missing translation "+code, append(at, "options")...)
				}
				if n >= 0 && len(opts) != n {
					return bad("every language needs the same number of options", append(at, "options", code)...)
				}
				n = len(opts)
				if n < 2 {
					return bad("need at least two options", append(at, "options", code)...)
				}
				for j, o := range opts {
					if strings.TrimSpace(o) == "" || slices.Index(opts, o) != j {
						return bad(fmt.Sprintf("option %q empty or repeated", o), append(at, "options", code)...)
					}
				}
			}
			for code := range s.Options {
				if _, ok := c.langs[code]; !ok {
					return bad("unknown language "+code, append(at, "options", code)...)
				}
			}
		}
	}
	return nil
}

// checkTranslations requires exactly the catalog's languages, each non-empty.
func (c *Catalog) checkTranslations(tr map[string]string, root *yaml.Node, path ...string) error {
	for _, l := range c.file.Languages {
		if strings.TrimSpace(tr[l.Code]) == "" {
			return fmt.Errorf("template: %s line %d: %s: missing translation %s", c.path, repo.YAMLLine(root, path...), strings.Join(path, "."), l.Code)
		}
	}
	for code := range tr {
		if _, ok := c.langs[code]; !ok {
			p := append(slices.Clone(path), code)
			return fmt.Errorf("template: %s line %d: %s: unknown language %q", c.path, repo.YAMLLine(root, p...), strings.Join(p, "."), code)
		}
	}
	return nil
}

// ErrInvalidTemplate is wrapped by every error Validate returns.
var ErrInvalidTemplate = errors.New("invalid template")

// Validate checks that every field of t names a level the catalog knows:
// a known kind, a phrasing of that kind, a catalog language, a scale for
// stated kinds (and none for revealed ones), and valid levels of the other
// fields. Fields a kind does not show (see Factors) must still hold a valid
// level.
func (c *Catalog) Validate(t Template) error {
	bad := func(field, val string) error {
		return fmt.Errorf("template: %w: %s %q", ErrInvalidTemplate, field, val)
	}
	f := t.Fields
	if !t.Kind.valid() {
		return bad(FieldKind, string(t.Kind))
	}
	if _, ok := c.phrasingText(t.Kind, f.Phrasing, ""); !ok {
		return fmt.Errorf("template: %w: phrasing %q is not a phrasing of %s (have %s)", ErrInvalidTemplate, f.Phrasing, t.Kind, strings.Join(c.Phrasings(t.Kind), ", "))
	}
	if _, ok := c.langs[f.Language]; !ok {
		return fmt.Errorf("template: %w: language %q not in catalog (have %s)", ErrInvalidTemplate, f.Language, strings.Join(c.Languages(), ", "))
	}
	if t.Kind.class() == classRating {
		if _, ok := c.scale(t.Scale); !ok {
			return fmt.Errorf("template: %w: scale %q not in catalog (have %s)", ErrInvalidTemplate, t.Scale, strings.Join(c.Scales(), ", "))
		}
	} else if t.Scale != "" {
		return fmt.Errorf("template: %w: scale %q given for revealed kind %s", ErrInvalidTemplate, t.Scale, t.Kind)
	}
	if f.TaskOrder != OrderCanonical && f.TaskOrder != OrderReversed && f.TaskOrder != OrderRandom {
		return bad(FieldTaskOrder, f.TaskOrder)
	}
	if f.InstructionPosition != PositionBefore && f.InstructionPosition != PositionAfter {
		return bad(FieldInstructionPosition, f.InstructionPosition)
	}
	if !slices.Contains(formats, f.ResponseFormat) {
		return bad(FieldResponseFormat, f.ResponseFormat)
	}
	if f.TaskLabels != LabelsLetter && f.TaskLabels != LabelsNumber {
		return bad(FieldTaskLabels, f.TaskLabels)
	}
	return nil
}

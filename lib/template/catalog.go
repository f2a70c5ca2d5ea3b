package template

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/data"
)

// Catalog is the wording of every prompt: phrasings per kind, their
// translations, answer-format sentences, rating scales, situating contexts,
// localised labels and the word lists the parsers use. It is read from YAML
// (see data/templates/catalog.yaml) and is read-only after loading, so one
// Catalog may be shared by goroutines.
type Catalog struct {
	path  string
	file  catalogFile
	langs map[string]*languageFile
	// sentences are every answer-format sentence the catalog can render,
	// longest first, so Perceive can find the one ending an instruction.
	sentences []formatSentence
	lex       *lexicon
}

// Factor is one template field that Generate varies for a kind, with its
// levels in generation order.
type Factor struct {
	Name   string
	Levels []string
}

// Field names as stored in run tags (DESIGN.md section 3), plus the two
// template-level tags kind and scale.
const (
	FieldKind                = "kind"
	FieldScale               = "scale"
	FieldTaskOrder           = "task_order"
	FieldInstructionPosition = "instruction_position"
	FieldResponseFormat      = "response_format"
	FieldPhrasing            = "phrasing"
	FieldTypos               = "typos"
	FieldPunctuation         = "punctuation"
	FieldLanguage            = "language"
	FieldTaskLabels          = "task_labels"
	FieldInstructionXML      = "instruction_xml"
	FieldSituatingContext    = "situating_context"
	FieldSeed                = "seed"
)

// FieldNames lists every tag of a template in a fixed order.
var FieldNames = []string{
	FieldKind, FieldScale, FieldTaskOrder, FieldInstructionPosition, FieldResponseFormat,
	FieldPhrasing, FieldTypos, FieldPunctuation, FieldLanguage, FieldTaskLabels,
	FieldInstructionXML, FieldSituatingContext, FieldSeed,
}

// Kinds lists the measurement kinds in a fixed order.
var Kinds = []Kind{PreRevealed, PostRevealed, PreStated, PostStated}

var formats = []string{FormatPlain, FormatXML, FormatToolCall}

// Answer classes of the format sentences: choosing between two tasks or
// rating one.
const (
	classChoice = "choice"
	classRating = "rating"
)

func (k Kind) class() string {
	if k == PreRevealed || k == PostRevealed {
		return classChoice
	}
	return classRating
}

func (k Kind) valid() bool { return slices.Contains(Kinds, k) }

func (k Kind) post() bool { return k == PostRevealed || k == PostStated }

// catalogFile is the YAML schema.
type catalogFile struct {
	Seed       int64                                   `yaml:"seed"`
	TaskOrders []string                                `yaml:"task_orders"`
	Languages  []languageFile                          `yaml:"languages"`
	Phrasings  map[string][]phrasingFile               `yaml:"phrasings"`
	Formats    map[string]map[string]map[string]string `yaml:"formats"`
	Scales     []scaleFile                             `yaml:"scales"`
}

type languageFile struct {
	Code             string            `yaml:"code"`
	Name             string            `yaml:"name"`
	LabelWord        string            `yaml:"label_word"`
	Letters          []string          `yaml:"letters"`
	Numbers          []string          `yaml:"numbers"`
	Header           string            `yaml:"header"`
	SingleHeader     string            `yaml:"single_header"`
	Quotes           []string          `yaml:"quotes"`
	Or               string            `yaml:"or"`
	OptionList       string            `yaml:"option_list"`
	NumericRange     string            `yaml:"numeric_range"`
	SituatingContext string            `yaml:"situating_context"`
	ToolDescriptions map[string]string `yaml:"tool_descriptions"`
	Parser           parserFile        `yaml:"parser"`
}

type parserFile struct {
	Refusals []string `yaml:"refusals"`
	// NotRefusals are phrases that contain a refusal phrase but are not
	// refusals ("I can't wait to do Task A"); they are masked first.
	NotRefusals   []string `yaml:"not_refusals"`
	AnswerMarkers []string `yaml:"answer_markers"`
	MarkerLinks   []string `yaml:"marker_links"`
	ChoiceCues    []string `yaml:"choice_cues"`
	RatingCues    []string `yaml:"rating_cues"`
	Negations     []string `yaml:"negations"`
	RangeLinks    []string `yaml:"range_links"`
	OutOf         []string `yaml:"out_of"`
}

type phrasingFile struct {
	ID   string            `yaml:"id"`
	Text map[string]string `yaml:"text"`
}

type scaleFile struct {
	ID      string              `yaml:"id"`
	Numeric []int               `yaml:"numeric"`
	Options map[string][]string `yaml:"options"`
}

// Tool names offered in the tool_call response format.
const (
	ToolSubmitChoice = "submit_choice"
	ToolSubmitRating = "submit_rating"
)

// DefaultCatalogName is the repository path of the embedded catalog, used in
// error messages.
const DefaultCatalogName = "data/templates/catalog.yaml"

var defaultCatalog = sync.OnceValues(func() (*Catalog, error) {
	b, err := data.TemplatesFS.ReadFile("templates/catalog.yaml")
	if err != nil {
		return nil, fmt.Errorf("template: %s: %w", DefaultCatalogName, err)
	}
	return ParseCatalog(DefaultCatalogName, b)
})

// DefaultCatalog returns the catalog embedded from
// data/templates/catalog.yaml. It is parsed once and shared; treat it as
// read-only.
func DefaultCatalog() (*Catalog, error) { return defaultCatalog() }

// LoadCatalog reads a catalog YAML file. Unknown keys, missing translations
// and malformed entries are errors naming the file, the line and the key.
func LoadCatalog(path string) (*Catalog, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("template: load catalog: %w", err)
	}
	return ParseCatalog(path, b)
}

// ParseCatalog parses catalog YAML; name is used in error messages.
func ParseCatalog(name string, b []byte) (*Catalog, error) {
	var f catalogFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("template: %s: %w", name, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("template: %s: %w", name, err)
	}
	c := &Catalog{path: name, file: f, langs: map[string]*languageFile{}}
	if err := c.check(&root); err != nil {
		return nil, err
	}
	c.buildSentences()
	c.lex = c.buildLexicon()
	return c, nil
}

// lineOf returns the line of the YAML node at path (mapping keys, or decimal
// indices into sequences), or of the deepest node found on the way.
func lineOf(root *yaml.Node, path ...string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					next = n.Content[i+1]
					line = n.Content[i].Line
					break
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(p); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}

// check validates the decoded file and indexes languages.
func (c *Catalog) check(root *yaml.Node) error {
	f := &c.file
	bad := func(msg string, path ...string) error {
		return fmt.Errorf("template: %s line %d: %s: %s", c.path, lineOf(root, path...), strings.Join(path, "."), msg)
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
	for _, k := range sortedKeys(f.Phrasings) {
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
			return fmt.Errorf("template: %s line %d: %s: missing translation %s", c.path, lineOf(root, path...), strings.Join(path, "."), l.Code)
		}
	}
	for code := range tr {
		if _, ok := c.langs[code]; !ok {
			p := append(slices.Clone(path), code)
			return fmt.Errorf("template: %s line %d: %s: unknown language %q", c.path, lineOf(root, p...), strings.Join(p, "."), code)
		}
	}
	return nil
}

// Languages returns the catalog's language codes in file order.
func (c *Catalog) Languages() []string {
	out := make([]string, len(c.file.Languages))
	for i, l := range c.file.Languages {
		out[i] = l.Code
	}
	return out
}

// Phrasings returns the phrasing ids of a kind in file order.
func (c *Catalog) Phrasings(kind Kind) []string {
	var out []string
	for _, p := range c.file.Phrasings[string(kind)] {
		out = append(out, p.ID)
	}
	return out
}

// Scales returns the rating scale ids in file order.
func (c *Catalog) Scales() []string {
	out := make([]string, len(c.file.Scales))
	for i, s := range c.file.Scales {
		out[i] = s.ID
	}
	return out
}

// Seed is the seed Generate stores in every template.
func (c *Catalog) Seed() int64 { return c.file.Seed }

func (c *Catalog) scale(id string) (scaleFile, bool) {
	for _, s := range c.file.Scales {
		if s.ID == id {
			return s, true
		}
	}
	return scaleFile{}, false
}

func (c *Catalog) phrasingText(kind Kind, id, lang string) (string, bool) {
	for _, p := range c.file.Phrasings[string(kind)] {
		if p.ID == id {
			return p.Text[lang], true
		}
	}
	return "", false
}

// Factors returns the fields Generate varies for a kind, with their levels.
// The fields a kind cannot show are held at one level: stated kinds show a
// single task, so task_order is canonical and task_labels letter; post-task
// kinds ask their question after the completions, so instruction_position is
// after. Everything else (phrasing, the binary fields, response_format,
// language) varies for every kind.
func (c *Catalog) Factors(kind Kind) []Factor {
	bools := []string{"false", "true"}
	fs := []Factor{{FieldPhrasing, c.Phrasings(kind)}}
	if kind.class() == classChoice {
		fs = append(fs, Factor{FieldTaskOrder, slices.Clone(c.file.TaskOrders)})
	}
	if !kind.post() {
		fs = append(fs, Factor{FieldInstructionPosition, []string{PositionBefore, PositionAfter}})
	}
	fs = append(fs,
		Factor{FieldTypos, bools},
		Factor{FieldPunctuation, bools},
	)
	if kind.class() == classChoice {
		fs = append(fs, Factor{FieldTaskLabels, []string{LabelsLetter, LabelsNumber}})
	}
	fs = append(fs,
		Factor{FieldInstructionXML, bools},
		Factor{FieldSituatingContext, bools},
		Factor{FieldResponseFormat, slices.Clone(formats)},
		Factor{FieldLanguage, c.Languages()},
	)
	return fs
}

// base is the template every generated one starts from: the fixed levels of
// the fields Factors does not vary.
func (c *Catalog) base(kind Kind, scale string) Template {
	t := Template{Kind: kind, Fields: Fields{
		TaskOrder:           OrderCanonical,
		InstructionPosition: PositionAfter,
		TaskLabels:          LabelsLetter,
		Seed:                c.file.Seed,
	}}
	if kind.class() == classRating {
		t.Scale = scale
	}
	return t
}

// Generate returns the full factorial of templates for a kind: every
// combination of the levels in Factors(kind), in a fixed order (the last
// factor varies fastest). For the default catalog that is
// 3 phrasings x 2^6 binary fields (task_order, instruction_position, typos,
// punctuation, task_labels, instruction_xml, situating_context; the one a
// kind cannot show dropped) x 3 formats x 3 languages: 3456 templates for
// pre_revealed, 1728 for post_revealed, 864 for pre_stated, and 1296 for
// post_stated (9 phrasings: 3 plus the six positivity framings). scale names the rating scale of stated kinds and is ignored
// for revealed ones. An unknown kind, or a stated kind with an unknown
// scale, gives nil.
func (c *Catalog) Generate(kind Kind, scale string) []Template {
	if !kind.valid() {
		return nil
	}
	if kind.class() == classRating {
		if _, ok := c.scale(scale); !ok {
			return nil
		}
	}
	fs := c.Factors(kind)
	total := 1
	for _, f := range fs {
		total *= len(f.Levels)
	}
	out := make([]Template, 0, total)
	idx := make([]int, len(fs))
	for range total {
		t := c.base(kind, scale)
		for i, f := range fs {
			setField(&t, f.Name, f.Levels[idx[i]])
		}
		out = append(out, t)
		for i := len(fs) - 1; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(fs[i].Levels) {
				break
			}
			idx[i] = 0
		}
	}
	return out
}

// setField sets one field from its tag string; FieldNames lists the names.
func setField(t *Template, name, level string) {
	f := &t.Fields
	switch name {
	case FieldKind:
		t.Kind = Kind(level)
	case FieldScale:
		t.Scale = level
	case FieldTaskOrder:
		f.TaskOrder = level
	case FieldInstructionPosition:
		f.InstructionPosition = level
	case FieldResponseFormat:
		f.ResponseFormat = level
	case FieldPhrasing:
		f.Phrasing = level
	case FieldTypos:
		f.Typos = level == "true"
	case FieldPunctuation:
		f.Punctuation = level == "true"
	case FieldLanguage:
		f.Language = level
	case FieldTaskLabels:
		f.TaskLabels = level
	case FieldInstructionXML:
		f.InstructionXML = level == "true"
	case FieldSituatingContext:
		f.SituatingContext = level == "true"
	case FieldSeed:
		f.Seed, _ = strconv.ParseInt(level, 10, 64)
	}
}

// Tag returns one field of the template as its tag string ("true"/"false"
// for booleans, decimal for the seed); name is one of FieldNames.
func (t Template) Tag(name string) string {
	f := t.Fields
	switch name {
	case FieldKind:
		return string(t.Kind)
	case FieldScale:
		return t.Scale
	case FieldTaskOrder:
		return f.TaskOrder
	case FieldInstructionPosition:
		return f.InstructionPosition
	case FieldResponseFormat:
		return f.ResponseFormat
	case FieldPhrasing:
		return f.Phrasing
	case FieldTypos:
		return strconv.FormatBool(f.Typos)
	case FieldPunctuation:
		return strconv.FormatBool(f.Punctuation)
	case FieldLanguage:
		return f.Language
	case FieldTaskLabels:
		return f.TaskLabels
	case FieldInstructionXML:
		return strconv.FormatBool(f.InstructionXML)
	case FieldSituatingContext:
		return strconv.FormatBool(f.SituatingContext)
	case FieldSeed:
		return strconv.FormatInt(f.Seed, 10)
	}
	return ""
}

// Tags returns every tag of the template keyed by FieldNames.
func (t Template) Tags() map[string]string {
	m := make(map[string]string, len(FieldNames))
	for _, n := range FieldNames {
		m[n] = t.Tag(n)
	}
	return m
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

// sortedKeys returns a map's keys sorted, for deterministic iteration.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

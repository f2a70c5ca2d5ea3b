package template

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
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
	// NotNegations are phrases that hold a negation but negate nothing after
	// them ("no doubt", "no question", "sin duda"); optional.
	NotNegations []string `yaml:"not_negations"`
	RatingCues   []string `yaml:"rating_cues"`
	Negations    []string `yaml:"negations"`
	RangeLinks   []string `yaml:"range_links"`
	OutOf        []string `yaml:"out_of"`
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

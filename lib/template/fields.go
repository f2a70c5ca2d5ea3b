package template

import (
	"slices"
	"strconv"
)

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

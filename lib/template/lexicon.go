package template

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// lexicon is the parsers' word lists, merged over the catalog's languages
// (a model may answer a French prompt in English) and normalised.
type lexicon struct {
	refusals, notRefusals, markers, markerLinks, choiceCues, ratingCues, negations, notNegations, rangeLinks, outOf []string
	labelWords                                                                                                      []string
	// scales maps a scale id to, per option index, the option in every language.
	scales map[string][][]string
}

func (c *Catalog) buildLexicon() *lexicon {
	lx := &lexicon{scales: map[string][][]string{}}
	add := func(dst *[]string, src []string) {
		for _, s := range src {
			s = normalize(s)
			if s != "" && !slices.Contains(*dst, s) {
				*dst = append(*dst, s)
			}
		}
	}
	for _, l := range c.file.Languages {
		p := l.Parser
		add(&lx.refusals, p.Refusals)
		add(&lx.notRefusals, p.NotRefusals)
		add(&lx.markers, p.AnswerMarkers)
		add(&lx.markerLinks, p.MarkerLinks)
		add(&lx.choiceCues, p.ChoiceCues)
		add(&lx.ratingCues, p.RatingCues)
		add(&lx.negations, p.Negations)
		add(&lx.notNegations, p.NotNegations)
		add(&lx.rangeLinks, p.RangeLinks)
		add(&lx.outOf, p.OutOf)
		add(&lx.labelWords, []string{l.LabelWord, fold(normalize(l.LabelWord))})
	}
	for _, s := range c.file.Scales {
		if len(s.Numeric) > 0 {
			continue
		}
		n := len(s.Options[c.file.Languages[0].Code])
		per := make([][]string, n)
		for _, l := range c.file.Languages {
			for i, o := range s.Options[l.Code] {
				add(&per[i], []string{o})
			}
		}
		lx.scales[s.ID] = per
	}
	return lx
}

// lexicon returns the word lists of the catalog that rendered p, or the
// default catalog's (empty lists if even that fails to load).
func (p Prompt) lexicon() *lexicon {
	if p.lex != nil {
		return p.lex
	}
	if c, err := DefaultCatalog(); err == nil {
		return c.lex
	}
	return &lexicon{}
}

// normalize lowercases and maps typographic apostrophes and non-breaking
// spaces to their plain forms, so word lists can be written plainly.
func normalize(s string) string { return normalizer.Replace(strings.ToLower(s)) }

var normalizer = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u00a0", " ", "\u202f", " ")

// fold removes accents and other combining marks (canonical decomposition,
// marks dropped, recomposed: "tâche" -> "tache", "opção" -> "opcao",
// "übung" -> "ubung") and applies Unicode full case folding, which also
// spells German ß as "ss" ("maßnahme" -> "massnahme"), the way a reply typed
// without those letters writes them. Labels and quotation matching use it;
// options do not, since there an accent can carry meaning (Spanish "sí" is
// yes, "si" is if).
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < utf8.RuneSelf
	}
	if ascii {
		return strings.ToLower(s)
	}
	// A Transformer keeps state between calls, so each call builds its own;
	// the parsers run concurrently on a shared catalog.
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), cases.Fold(), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

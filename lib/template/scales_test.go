package template

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/data"
)

// twoOptionScales are two-option rating scales in the default catalog's
// languages, added to a copy of it by twoOptionCatalog (ids prefixed so they
// never clash with scales the catalog itself gains).
const twoOptionScales = `
- id: two_yes_no
  options: {en: ["yes", "no"], fr: [oui, non], es: [sí, "no"]}
- id: two_good_bad
  options: {en: [good, bad], fr: [bon, mauvais], es: [bueno, malo]}
- id: two_positive_negative
  options: {en: [positive, negative], fr: [positif, négatif], es: [positivo, negativo]}
- id: two_enjoyed_disliked
  options: {en: [enjoyed, disliked], fr: ["j'ai aimé", "je n'ai pas aimé"], es: [me gustó, no me gustó]}
`

// twoOptionCatalog is the default catalog with extra appended to its scales.
func twoOptionCatalog(t *testing.T, extra string) (*Catalog, error) {
	t.Helper()
	b, err := data.TemplatesFS.ReadFile("templates/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var root, add yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(extra), &add); err != nil {
		t.Fatal(err)
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "scales" {
			doc.Content[i+1].Content = append(doc.Content[i+1].Content, add.Content[0].Content...)
		}
	}
	out, err := yaml.Marshal(&root)
	if err != nil {
		t.Fatal(err)
	}
	return ParseCatalog("two-option test catalog", out)
}

// TestTwoOptionScales checks that two-option scales load, render, are
// perceived and read back in every language, format and kind, with scores 1
// and 0.
func TestTwoOptionScales(t *testing.T) {
	c, err := twoOptionCatalog(t, twoOptionScales)
	if err != nil {
		t.Fatal(err)
	}
	for _, scale := range []string{"two_yes_no", "two_good_bad", "two_positive_negative", "two_enjoyed_disliked"} {
		for _, kind := range []Kind{PreStated, PostStated} {
			all := c.Generate(kind, scale)
			if len(all) == 0 {
				t.Fatalf("%s %s: no templates", kind, scale)
			}
			for i, tp := range SampleBalanced(all, 36, 5) {
				p := render(t, c, tp, i)
				if len(p.Options) != 2 {
					t.Fatalf("%s: options %q", tp.ID(), p.Options)
				}
				// A scale of the catalog's own with the same options renders
				// the same prompt, so Perceive may name either.
				per, err := c.Perceive(p.Messages, p.Tools)
				ps, _ := c.scale(per.Scale)
				if err != nil || !slices.Equal(per.Options, p.Options) || !slices.Equal(ps.options(tp.Fields.Language), p.Options) {
					t.Fatalf("%s: Perceive = %+v, %v", tp.ID(), per, err)
				}
				for want, o := range p.Options {
					r := resp(o)
					switch tp.Fields.ResponseFormat {
					case FormatXML:
						r = resp("Hmm.\n<rating>" + o + "</rating>")
					case FormatToolCall:
						r = toolResp(ToolSubmitRating, fmt.Sprintf(`{"rating": %q}`, o))
					}
					got := ParseRating(p, r)
					if got.Outcome != OutcomeRating || got.Option != want || math.Abs(got.Score-float64(1-want)) > 0 {
						t.Fatalf("%s (%s): %q read as %+v, want option %d", tp.ID(), tp.Fields.Language, o, got, want)
					}
				}
			}
		}
	}
}

// TestTwoOptionNegation pins how two-option scales read negation: a negated
// option is no answer (never the other option: "not good" is not "bad"),
// while an option that holds a negation is read as itself.
func TestTwoOptionNegation(t *testing.T) {
	c, err := twoOptionCatalog(t, twoOptionScales)
	if err != nil {
		t.Fatal(err)
	}
	const U = -1
	cases := []struct {
		scale, lang, reply string
		want               int
	}{
		{"two_good_bad", "en", "It was not good.", U},
		{"two_good_bad", "en", "Not good.", U},
		{"two_good_bad", "en", "Not bad.", U},
		{"two_good_bad", "es", "No es bueno.", U},
		{"two_good_bad", "fr", "Ce n'était pas mauvais.", U},
		{"two_good_bad", "en", "Good, not bad.", 0},
		{"two_good_bad", "en", "I'd say bad.", 1},
		{"two_yes_no", "en", "No.", 1},
		{"two_yes_no", "en", "no", 1},
		{"two_yes_no", "en", "I would say no.", 1},
		{"two_yes_no", "en", "I wouldn't say yes.", U},
		{"two_yes_no", "fr", "Non, pas vraiment.", 1},
		{"two_yes_no", "es", "Sí.", 0},
		{"two_yes_no", "es", "No.", 1},
		{"two_enjoyed_disliked", "fr", "je n'ai pas aimé", 1},
		{"two_enjoyed_disliked", "fr", "Honnêtement, je n'ai pas aimé.", 1},
		{"two_enjoyed_disliked", "fr", "J'ai aimé.", 0},
		{"two_enjoyed_disliked", "es", "No me gustó.", 1},
		{"two_enjoyed_disliked", "es", "La verdad es que no me gustó.", 1},
		{"two_enjoyed_disliked", "es", "Me gustó mucho.", 0},
		{"two_enjoyed_disliked", "en", "I haven't disliked it.", U},
		{"two_positive_negative", "en", "Answer: not negative", U},
	}
	for _, tc := range cases {
		t.Run(tc.scale+"/"+tc.reply, func(t *testing.T) {
			tp := c.base(PreStated, tc.scale)
			tp.Fields.Phrasing = c.Phrasings(PreStated)[0]
			tp.Fields.Language, tp.Fields.ResponseFormat = tc.lang, FormatPlain
			p, err := c.RenderRating(tp, "Write a haiku about rain.")
			if err != nil {
				t.Fatal(err)
			}
			got := ParseRating(p, resp(tc.reply))
			if (tc.want == U && got.Outcome != OutcomeUnparseable) || (tc.want != U && (got.Outcome != OutcomeRating || got.Option != tc.want)) {
				t.Errorf("%q read as %+v, want %d (-1 unparseable)", tc.reply, got, tc.want)
			}
		})
	}
}

// TestTwoOptionValidation checks that a scale needs two options and the
// same number in every language.
func TestTwoOptionValidation(t *testing.T) {
	for _, tc := range []struct{ extra, want string }{
		{"- id: one\n  options: {en: [good], fr: [bon], es: [bueno]}", "need at least two options"},
		{"- id: uneven\n  options: {en: [good, bad], fr: [bon], es: [bueno, malo]}", "every language needs the same number of options"},
		{"- id: twice\n  options: {en: [good, good], fr: [bon, mauvais], es: [bueno, malo]}", `option "good" empty or repeated`},
	} {
		if _, err := twoOptionCatalog(t, tc.extra); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "line ") {
			t.Errorf("%s: error %v, want one with a line and %q", tc.extra, err, tc.want)
		}
	}
}

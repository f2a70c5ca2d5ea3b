package template

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func mustDefault(t testing.TB) *Catalog {
	t.Helper()
	c, err := DefaultCatalog()
	if err != nil {
		t.Fatalf("DefaultCatalog: %v", err)
	}
	return c
}

func TestDefaultCatalogContents(t *testing.T) {
	c := mustDefault(t)
	if got := strings.Join(c.Languages(), ","); got != "en,fr,es" {
		t.Errorf("languages = %s, want en,fr,es", got)
	}
	for _, k := range Kinds {
		// post_stated also has the six positivity framings.
		want := 3
		if k == PostStated {
			want = 9
		}
		if n := len(c.Phrasings(k)); n != want {
			t.Errorf("%s: %d phrasings, want %d", k, n, want)
		}
	}
	want := "1-5,1-10,good_neutral_bad,positive_neutral_negative,enjoyed_indifferent_disliked,yes_somewhat_no," +
		"yes_no,good_bad,positive_negative,enjoyed_disliked"
	if got := strings.Join(c.Scales(), ","); got != want {
		t.Errorf("scales = %s, want %s", got, want)
	}
}

func TestGenerateCounts(t *testing.T) {
	c := mustDefault(t)
	// Expected sizes: 3 phrasings x 2^b x 3 formats x 3 languages, where b
	// counts the binary fields a kind varies (Factors): all seven
	// (task_order, instruction_position, typos, punctuation, task_labels,
	// instruction_xml, situating_context) for pre_revealed, minus those the
	// kind holds fixed.
	cases := []struct {
		kind  Kind
		scale string
		want  int
	}{
		{PreRevealed, "", 3 * 128 * 3 * 3},              // 7 binary fields
		{PostRevealed, "", 3 * 64 * 3 * 3},              // no instruction_position
		{PreStated, "1-10", 3 * 32 * 3 * 3},             // no task_order, task_labels
		{PostStated, "yes_somewhat_no", 9 * 16 * 3 * 3}, // none of the three; 9 phrasings
		{PreStated, "no_such_scale", 0},
		{Kind("sideways"), "", 0},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind)+"/"+tc.scale, func(t *testing.T) {
			all := c.Generate(tc.kind, tc.scale)
			if len(all) != tc.want {
				t.Fatalf("Generate = %d templates, want %d", len(all), tc.want)
			}
			ids := map[string]bool{}
			for _, tp := range all {
				if err := c.Validate(tp); err != nil {
					t.Fatalf("generated template invalid: %v", err)
				}
				if ids[tp.ID()] {
					t.Fatalf("duplicate id %s", tp.ID())
				}
				ids[tp.ID()] = true
			}
		})
	}
}

func TestValidate(t *testing.T) {
	c := mustDefault(t)
	good := c.Generate(PreStated, "1-5")[0]
	cases := []struct {
		name   string
		mutate func(*Template)
		want   string // substring of the error; "" for valid
	}{
		{"generated", func(*Template) {}, ""},
		{"unknown kind", func(t *Template) { t.Kind = "later" }, `kind "later"`},
		{"phrasing of another kind", func(t *Template) { t.Fields.Phrasing = "prefer" }, `phrasing "prefer" is not a phrasing of pre_stated`},
		{"unknown language", func(t *Template) { t.Fields.Language = "de" }, `language "de"`},
		{"missing scale", func(t *Template) { t.Scale = "" }, `scale ""`},
		{"scale on revealed", func(t *Template) { t.Kind, t.Fields.Phrasing = PreRevealed, "prefer" }, `scale "1-5" given for revealed`},
		{"bad order", func(t *Template) { t.Fields.TaskOrder = "shuffled" }, `task_order "shuffled"`},
		{"bad position", func(t *Template) { t.Fields.InstructionPosition = "middle" }, `instruction_position`},
		{"bad format", func(t *Template) { t.Fields.ResponseFormat = "json" }, `response_format "json"`},
		{"bad labels", func(t *Template) { t.Fields.TaskLabels = "roman" }, `task_labels "roman"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tp := good
			tc.mutate(&tp)
			err := c.Validate(tp)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalidTemplate)):
				t.Fatalf("Validate = %v, want ErrInvalidTemplate containing %q", err, tc.want)
			}
		})
	}
}

func TestLoadCatalog(t *testing.T) {
	cases := []struct {
		file string
		want string // substring of the error; "" for valid
	}{
		{"catalog_minimal.yaml", ""},
		{"catalog_unknown_key.yaml", "line 20: field parsers not found"},
		{"catalog_unknown_language.yaml", `line 31: phrasings.pre_stated.0.text.de: unknown language "de"`},
		{"catalog_missing_translation.yaml", "line 34: phrasings.post_stated.0.text: missing translation en"},
		{"catalog_bad_scale.yaml", "line 46: scales.0.numeric: numeric is [min, max]"},
		{"catalog_unknown_kind.yaml", `line 32: phrasings.post_statd: unknown kind "post_statd"`},
		{"catalog_format_without_options.yaml", "line 42: formats.rating.xml.en: must be one line containing {options}"},
		{"catalog_empty.yaml", "task_orders: need at least one task order"},
		{"does_not_exist.yaml", "no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			c, err := LoadCatalog(path)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("LoadCatalog: %v", err)
				}
				if c == nil {
					t.Fatal("nil catalog")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadCatalog error = %v, want it to contain %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.file) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// TestMinimalCatalog renders and reads back with a catalog other than the
// default, so nothing depends on the embedded wording.
func TestMinimalCatalog(t *testing.T) {
	c, err := LoadCatalog(filepath.Join("testdata", "catalog_minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// 1 phrasing x 2^7 x 3 formats x 1 language.
	all := c.Generate(PreRevealed, "")
	if len(all) != 384 {
		t.Fatalf("Generate = %d, want 384", len(all))
	}
	if all[0].Fields.Seed != 7 {
		t.Errorf("seed = %d, want the catalog's 7", all[0].Fields.Seed)
	}
	tp := all[0]
	tp.Fields.ResponseFormat = FormatPlain
	tp.Fields.InstructionPosition = PositionAfter
	p, err := c.RenderChoice(tp, "one", "two")
	if err != nil {
		t.Fatal(err)
	}
	want := "[Option X]\none\n\n[Option Y]\ntwo\n\nWhich one? Say \"Option X\" or \"Option Y\"."
	if got := p.Messages[len(p.Messages)-1].Content; got != want {
		t.Errorf("rendered\n%q\nwant\n%q", got, want)
	}
	if got := ParseChoice(p, resp("Option Y")); got.Outcome != OutcomeChoice || got.Choice != 1 {
		t.Errorf("ParseChoice = %+v, want choice 1", got)
	}
	if got := ParseChoice(p, resp("no way")); got.Outcome != OutcomeRefusal {
		t.Errorf("ParseChoice(refusal) = %+v, want refusal from the catalog's own list", got)
	}
	per, err := c.Perceive(p.Messages, p.Tools)
	if err != nil || per.Fields.Phrasing != "q" || per.TaskTexts[1] != "two" {
		t.Errorf("Perceive = %+v, %v", per, err)
	}
}

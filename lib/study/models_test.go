package study

import (
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
)

// The registry validates a spec before opening it, and a kind that is not
// linked in says which package to import.
func TestOpenModelErrors(t *testing.T) {
	for _, c := range []struct {
		spec model.Spec
		want string
	}{
		{model.Spec{Kind: "gpt"}, `key kind: "gpt" is not a model kind`},
		{model.Spec{Kind: model.KindSynth, Serving: model.Serving{BaseURL: "http://a/v1"}}, "key base_url does not apply"},
		{model.Spec{Kind: model.KindOpenAI, Name: "m", Serving: model.Serving{BaseURL: "ftp://a/v1"}}, "model key base_url"},
		{model.Spec{Kind: model.KindLlama, Path: "/nowhere"}, "import _ \"" + LlamaPackage + "\""},
	} {
		if _, err := OpenModel(c.spec); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.spec, err, c.want)
		}
	}
}

// A study file's model with a misspelt key fails at load with the line and
// the key.
func TestStudyModelUnknownKey(t *testing.T) {
	y := "name: s\nmodel:\n  kind: openai\n  name: m\n  base_url: http://localhost:1/v1\n  max_concurency: 4\ntasks: {default: true}\nparts:\n  - {name: a, kind: pre_stated, templates: {sample: 1, scale: 1-5}, samples: 1}\n"
	if _, _, err := loadTestStudy(t, y); err == nil || !strings.Contains(err.Error(), `line 6: model key "max_concurency" is not known`) {
		t.Fatalf("error %v, want the line and the key", err)
	}
}

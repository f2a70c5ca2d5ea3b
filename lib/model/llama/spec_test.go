package llama

import (
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
)

// FromSpec opens the checkpoint a llama spec names, under the spec's name,
// and refuses a spec that is not a valid llama one.
func TestFromSpec(t *testing.T) {
	dir := t.TempDir()
	writeCheckpoint(t, dir, tinyConfig("float32"), 7) // two layers
	m, err := FromSpec(model.Spec{Kind: model.KindLlama, Path: dir, Name: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Name() != "tiny" || m.NumLayers() != 2 {
		t.Errorf("opened %s with %d layers", m.Name(), m.NumLayers())
	}
	for _, c := range []struct {
		spec model.Spec
		want string
	}{
		{model.Spec{Kind: model.KindSynth}, `spec of kind "synth"`},
		{model.Spec{Kind: model.KindLlama}, "key path is missing"},
		{model.Spec{Kind: model.KindLlama, Path: dir, Serving: model.Serving{BaseURL: "http://a/v1"}}, "key base_url does not apply"},
	} {
		if _, err := FromSpec(c.spec); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.spec, err, c.want)
		}
	}
}

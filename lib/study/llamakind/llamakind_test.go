package llamakind_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/study"
	_ "github.com/prefscope/prefscope/lib/study/llamakind"
)

// Importing the package makes llama a kind lib/study opens: a spec naming a
// missing checkpoint reaches llama's own loader, which names the file.
func TestRegistersLlama(t *testing.T) {
	if !slices.Equal(study.ModelKinds(), model.Kinds) {
		t.Errorf("kinds %v, want %v", study.ModelKinds(), model.Kinds)
	}
	dir := t.TempDir()
	_, err := study.OpenModel(model.Spec{Kind: model.KindLlama, Path: dir})
	if err == nil || strings.Contains(err.Error(), "not linked") || !strings.Contains(err.Error(), "config.json") {
		t.Errorf("error %v, want llama's loader naming config.json", err)
	}
}

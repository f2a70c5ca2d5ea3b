package llama

import (
	"fmt"

	"github.com/prefscope/prefscope/lib/model"
)

// FromSpec opens the local checkpoint a spec of kind llama names (Path, a
// Hugging Face snapshot directory; Name overrides the model's name). The
// device comes from GOMLX_BACKEND: "go" (CPU) or xla:/abs/path/plugin.so
// (GPU).
func FromSpec(spec model.Spec) (*Model, error) {
	if spec.Kind != model.KindLlama {
		return nil, fmt.Errorf("llama: spec of kind %q, want %s", spec.Kind, model.KindLlama)
	}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	return Open(spec.Path, &Options{Name: spec.Name})
}

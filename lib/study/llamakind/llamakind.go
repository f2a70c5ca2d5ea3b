// Package llamakind registers the llama model kind (local Hugging Face
// weights, run in GoMLX by lib/model/llama) with lib/study's registry.
// Import it for its side effect where local weights are needed (the
// prefscope CLI does):
//
//	import _ "github.com/prefscope/prefscope/lib/study/llamakind"
//
// It is a package of its own so that lib/study, and every notebook that
// only measures synth or served models, never compiles GoMLX.
package llamakind

import (
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/llama"
	"github.com/prefscope/prefscope/lib/study"
)

func init() {
	study.RegisterModel(model.KindLlama, func(spec model.Spec, _ study.ModelEnv) (model.Model, error) {
		return llama.FromSpec(spec)
	})
}

package main

import (
	"fmt"
	"os"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/llama"
	"github.com/prefscope/prefscope/lib/model/openai"
	"github.com/prefscope/prefscope/lib/study"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// The CLI can reach every model kind; notebooks only need synth, which
// lib/study has built in, so they do not compile GoMLX.
func init() {
	study.RegisterModel("llama", func(spec measure.ModelSpec, _ []task.Task, _ *template.Catalog) (model.Model, error) {
		if spec.Path == "" {
			return nil, fmt.Errorf("model kind llama needs model.path: a local Hugging Face snapshot directory")
		}
		// GOMLX_BACKEND picks the device: "go" (CPU) or xla:/abs/path/plugin.so (GPU).
		return llama.Open(spec.Path, &llama.Options{Name: spec.Name})
	})
	study.RegisterModel("openai", func(spec measure.ModelSpec, _ []task.Task, _ *template.Catalog) (model.Model, error) {
		if spec.BaseURL == "" || spec.Name == "" {
			return nil, fmt.Errorf("model kind openai needs model.base_url and model.name")
		}
		// The key comes from the environment, never from a study file.
		return openai.New(spec.BaseURL, spec.Name, openai.WithAPIKey(os.Getenv("OPENAI_API_KEY")))
	})
}

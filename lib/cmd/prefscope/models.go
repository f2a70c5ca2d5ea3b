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
		cfg, err := openaiConfig(spec, os.Getenv)
		if err != nil {
			return nil, err
		}
		c, err := openai.New(cfg)
		if err != nil {
			return nil, fmt.Errorf("study model: %w", err)
		}
		return c, nil
	})
}

// openaiConfig maps a study's model spec to the client's, checking the
// base URLs (so a typo fails when the study loads) and reading the key
// from the environment variable the study names (OPENAI_API_KEY if none).
func openaiConfig(spec measure.ModelSpec, getenv func(string) string) (openai.Config, error) {
	urls := spec.BaseURLs.List()
	if spec.BaseURL != "" {
		urls = append([]string{spec.BaseURL}, urls...)
	}
	if len(urls) == 0 || spec.Name == "" {
		return openai.Config{}, fmt.Errorf("model kind openai needs model.name and model.base_url (or model.base_urls for several servers)")
	}
	for _, u := range urls {
		if err := openai.ValidateBaseURL(u); err != nil {
			return openai.Config{}, fmt.Errorf("study model.base_url: %w", err)
		}
	}
	env := spec.APIKeyEnv
	key := ""
	if env != "" {
		if key = getenv(env); key == "" {
			return openai.Config{}, fmt.Errorf("study model.api_key_env names %s, which is not set in the environment", env)
		}
	} else {
		key = getenv("OPENAI_API_KEY")
	}
	if spec.MinConcurrency < 0 || spec.MaxConcurrency < 0 || (spec.MaxConcurrency > 0 && spec.MinConcurrency > spec.MaxConcurrency) {
		return openai.Config{}, fmt.Errorf("study model: min_concurrency %d and max_concurrency %d are not 0 <= min <= max", spec.MinConcurrency, spec.MaxConcurrency)
	}
	return openai.Config{
		BaseURLs: urls, Model: spec.Name, APIKey: key,
		AttemptTimeout: spec.AttemptTimeout, CallTimeout: spec.CallTimeout,
		MaxRetries: spec.MaxRetries, MaxRetryAfter: spec.MaxRetryAfter,
		MinConcurrency: spec.MinConcurrency, MaxConcurrency: spec.MaxConcurrency,
		MaxReplyBytes: spec.MaxReplyBytes,
	}, nil
}

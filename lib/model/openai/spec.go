package openai

import (
	"fmt"
	"os"

	"github.com/prefscope/prefscope/lib/model"
)

// DefaultAPIKeyEnv is the environment variable the key comes from when a
// spec names none.
const DefaultAPIKeyEnv = "OPENAI_API_KEY"

// ConfigFromSpec maps a spec of kind openai to the client's config,
// checking the base URLs (so a typo fails when the study opens, before
// any run) and reading the key from the environment variable the spec
// names (DefaultAPIKeyEnv if none) through getenv (nil: os.Getenv).
func ConfigFromSpec(spec model.Spec, getenv func(string) string) (Config, error) {
	if spec.Kind != model.KindOpenAI {
		return Config{}, fmt.Errorf("openai: spec of kind %q, want %s", spec.Kind, model.KindOpenAI)
	}
	if err := spec.Validate(); err != nil {
		return Config{}, err
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	urls := spec.URLs()
	for _, u := range urls {
		if err := ValidateBaseURL(u); err != nil {
			return Config{}, fmt.Errorf("model key base_url: %w", err)
		}
	}
	key := ""
	if env := spec.APIKeyEnv; env != "" {
		if key = getenv(env); key == "" {
			return Config{}, fmt.Errorf("model key api_key_env names %s, which is not set in the environment", env)
		}
	} else {
		key = getenv(DefaultAPIKeyEnv)
	}
	return Config{
		BaseURLs: urls, Model: spec.Name, APIKey: key,
		AttemptTimeout: spec.AttemptTimeout, CallTimeout: spec.CallTimeout,
		MaxRetries: spec.MaxRetries, MaxRetryAfter: spec.MaxRetryAfter,
		MinConcurrency: spec.MinConcurrency, MaxConcurrency: spec.MaxConcurrency,
		MaxReplyBytes: spec.MaxReplyBytes, GiveUpAfter: spec.GiveUpAfter,
	}, nil
}

// FromSpec opens a client for a spec of kind openai (see ConfigFromSpec);
// it makes no request.
func FromSpec(spec model.Spec, getenv func(string) string) (*Client, error) {
	cfg, err := ConfigFromSpec(spec, getenv)
	if err != nil {
		return nil, err
	}
	return New(cfg)
}

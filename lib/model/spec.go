package model

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Model kinds a Spec may name. Each has a constructor from its Spec in its
// own package (synth.FromSpec, openai.FromSpec, llama.FromSpec); lib/study
// keeps the registry that maps a kind to it.
const (
	KindSynth  = "synth"
	KindOpenAI = "openai"
	KindLlama  = "llama"
)

// Kinds lists the model kinds, sorted.
var Kinds = []string{KindLlama, KindOpenAI, KindSynth}

// Spec names a model as a study does: its kind and the fields of that kind.
// It is comparable, so it can key a map (one engine per model of a study).
type Spec struct {
	Kind string `json:"kind" yaml:"kind"`
	// Seed plants the simulated respondent's truth (synth).
	Seed int64 `json:"seed,omitempty" yaml:"seed,omitempty"`
	// HiddenSize is the simulated activations' width (synth; 0: 128).
	// Omitted when zero, so run ids of existing studies do not change.
	HiddenSize int `json:"hidden_size,omitempty" yaml:"hidden_size,omitempty"`
	// Path is a local Hugging Face snapshot directory (llama).
	Path string `json:"path,omitempty" yaml:"path,omitempty"`
	// Name selects a served model (openai); for llama it overrides the
	// name taken from the checkpoint directory.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Serving says where and how to reach a served model. It is not part
	// of a run's identity (json "-"): moving the server, adding servers or
	// changing a timeout resumes the same runs.
	Serving `json:"-" yaml:",inline"`
}

// Serving is how a served model (openai) is reached. The API key comes
// from the environment variable APIKeyEnv names, never from a study file.
type Serving struct {
	// BaseURL is one server's API root; BaseURLs several, used together.
	BaseURL   string  `yaml:"base_url,omitempty"`
	BaseURLs  URLList `yaml:"base_urls,omitempty"`
	APIKeyEnv string  `yaml:"api_key_env,omitempty"`
	// AttemptTimeout bounds one request, CallTimeout a call with its
	// retries ("90s", "10m"); MaxRetries counts retries after the first.
	AttemptTimeout time.Duration `yaml:"attempt_timeout,omitempty"`
	CallTimeout    time.Duration `yaml:"call_timeout,omitempty"`
	MaxRetries     int           `yaml:"max_retries,omitempty"`
	MaxRetryAfter  time.Duration `yaml:"max_retry_after,omitempty"`
	// Min/MaxConcurrency bound each server's adaptive limit on requests
	// in flight; the study's concurrency bounds them all together.
	MinConcurrency int   `yaml:"min_concurrency,omitempty"`
	MaxConcurrency int   `yaml:"max_concurrency,omitempty"`
	MaxReplyBytes  int64 `yaml:"max_reply_bytes,omitempty"`
	// GiveUpAfter is how long every server may stay unreachable (circuit
	// breakers open, no success) before calls fail with ErrUnavailable and
	// the run stops, keeping its records; 0 means the client's default
	// (a few minutes).
	GiveUpAfter time.Duration `yaml:"give_up_after,omitempty"`
}

// URLList is a list of URLs, written in YAML as a sequence, held as one
// string so that a Spec stays comparable (a map key).
type URLList string

// NewURLList makes a list from urls.
func NewURLList(urls ...string) URLList { return URLList(strings.Join(urls, "\n")) }

// List returns the URLs.
func (l URLList) List() []string {
	if l == "" {
		return nil
	}
	return strings.Split(string(l), "\n")
}

// UnmarshalYAML reads a sequence of URLs.
func (l *URLList) UnmarshalYAML(n *yaml.Node) error {
	var urls []string
	if err := n.Decode(&urls); err != nil {
		return fmt.Errorf("line %d: base_urls must be a list of URLs: %w", n.Line, err)
	}
	for _, u := range urls {
		if u == "" || strings.ContainsAny(u, "\n") {
			return fmt.Errorf("line %d: base_urls holds an empty or multi-line URL %q", n.Line, u)
		}
	}
	*l = NewURLList(urls...)
	return nil
}

// MarshalYAML writes the sequence back.
func (l URLList) MarshalYAML() (any, error) { return l.List(), nil }

// URLs are the served model's base URLs: BaseURL first, then BaseURLs.
func (s Serving) URLs() []string {
	urls := s.BaseURLs.List()
	if s.BaseURL != "" {
		urls = append([]string{s.BaseURL}, urls...)
	}
	return urls
}

// specKeys are the YAML keys of a Spec, Serving's included, in field order.
var specKeys = yamlKeys(reflect.TypeFor[Spec]())

func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if strings.Contains(opts, "inline") {
			keys = append(keys, yamlKeys(f.Type)...)
		} else if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// UnmarshalYAML reads a spec, rejecting any key it does not know and a kind
// that is not one of Kinds with the line and the key, whatever the
// decoder's settings: a misspelt timeout must not silently keep its
// default. Whether the fields fit the kind is Validate's job.
func (s *Spec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a model must be a mapping with a kind (like {kind: synth, seed: 1})", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(specKeys, k.Value) {
			return fmt.Errorf("line %d: model key %q is not known (keys: %s)", k.Line, k.Value, strings.Join(specKeys, ", "))
		}
		if k.Value == "kind" {
			if v := n.Content[i+1]; v.Value != "" && !slices.Contains(Kinds, v.Value) {
				return fmt.Errorf("line %d: model key kind: %q is not a model kind (kinds: %s)", v.Line, v.Value, strings.Join(Kinds, ", "))
			}
		}
	}
	type plain Spec // without this method, so Decode does not recurse
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*s = Spec(p)
	return nil
}

// Validate checks that the spec names a known kind with the fields that
// kind needs, and no field it would ignore, so that a model is never opened
// on settings it silently drops. Errors name the key.
func (s Spec) Validate() error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("model (kind %s): "+format, append([]any{s.Kind}, args...)...)
	}
	if s.Kind == "" {
		return fmt.Errorf("model: key kind is missing (kinds: %s)", strings.Join(Kinds, ", "))
	}
	if !slices.Contains(Kinds, s.Kind) {
		return fmt.Errorf("model: key kind: %q is not a model kind (kinds: %s)", s.Kind, strings.Join(Kinds, ", "))
	}
	served := s.Serving != Serving{}
	switch s.Kind {
	case KindSynth:
		// For synth, name picks a planted sensitivity profile (synth.Profiles).
		if s.HiddenSize < 0 {
			return fail("key hidden_size must not be negative, got %d", s.HiddenSize)
		}
		if s.Path != "" || served {
			return fail("takes only keys seed, name (a profile) and hidden_size (not negative); %s does not apply", s.setKeys([]string{"kind", "seed", "name", "hidden_size"}))
		}
	case KindLlama:
		if s.Path == "" {
			return fail("key path is missing: a local Hugging Face snapshot directory")
		}
		if s.Seed != 0 || s.HiddenSize != 0 || served {
			return fail("takes keys path and name; %s does not apply", s.setKeys([]string{"kind", "path", "name"}))
		}
	case KindOpenAI:
		if s.Name == "" || len(s.URLs()) == 0 {
			return fail("needs key name and key base_url (or base_urls for several servers)")
		}
		if s.Seed != 0 || s.Path != "" || s.HiddenSize != 0 {
			return fail("%s does not apply (the served model's own sampling seed comes with each request)", s.setKeys(append([]string{"kind", "name"}, yamlKeys(reflect.TypeFor[Serving]())...)))
		}
		return s.Serving.validate()
	}
	return nil
}

// validate checks the serving settings' ranges.
func (v Serving) validate() error {
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{"attempt_timeout", v.AttemptTimeout}, {"call_timeout", v.CallTimeout}, {"max_retry_after", v.MaxRetryAfter}, {"give_up_after", v.GiveUpAfter}} {
		if d.v < 0 {
			return fmt.Errorf("model (kind openai): key %s must not be negative, got %v", d.key, d.v)
		}
	}
	if v.MinConcurrency < 0 || v.MaxConcurrency < 0 || (v.MaxConcurrency > 0 && v.MinConcurrency > v.MaxConcurrency) {
		return fmt.Errorf("model (kind openai): keys min_concurrency %d and max_concurrency %d are not 0 <= min <= max", v.MinConcurrency, v.MaxConcurrency)
	}
	if v.MaxReplyBytes < 0 {
		return fmt.Errorf("model (kind openai): key max_reply_bytes must not be negative, got %d", v.MaxReplyBytes)
	}
	return nil
}

// setKeys names the keys set in s other than allowed, for an error.
func (s Spec) setKeys(allowed []string) string {
	var set []string
	b, _ := yaml.Marshal(s)
	var m yaml.Node
	if yaml.Unmarshal(b, &m) == nil && len(m.Content) == 1 {
		for i := 0; i+1 < len(m.Content[0].Content); i += 2 {
			if k := m.Content[0].Content[i].Value; !slices.Contains(allowed, k) {
				set = append(set, k)
			}
		}
	}
	if len(set) == 1 {
		return "key " + set[0]
	}
	return "keys " + strings.Join(set, ", ")
}

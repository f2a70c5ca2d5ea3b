package model

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// A spec written to YAML reads back equal, every serving field included,
// and its JSON (what run ids hash) holds only the model's identity.
func TestSpecYAMLRoundTrip(t *testing.T) {
	for _, spec := range []Spec{
		{Kind: KindSynth, Seed: 7},
		{Kind: KindLlama, Path: "/models/Llama-3.1-8B-Instruct", Name: "llama-8b"},
		{Kind: KindOpenAI, Name: "m", Serving: Serving{BaseURL: "http://a:8000/v1", BaseURLs: NewURLList("http://b:8000/v1", "http://c:8000/v1"),
			APIKeyEnv: "K", AttemptTimeout: 90 * time.Second, CallTimeout: 10 * time.Minute, MaxRetries: -1, MaxRetryAfter: time.Minute,
			MinConcurrency: 2, MaxConcurrency: 32, MaxReplyBytes: 1 << 20, GiveUpAfter: 5 * time.Minute}},
	} {
		b, err := yaml.Marshal(spec)
		if err != nil {
			t.Fatal(err)
		}
		var back Spec
		if err := yaml.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v\n%s", spec.Kind, err, b)
		}
		if back != spec {
			t.Errorf("%s: read back %+v\nfrom %s\nwant %+v", spec.Kind, back, b, spec)
		}
		if err := back.Validate(); err != nil {
			t.Errorf("%s: %v", spec.Kind, err)
		}
	}
	spec := Spec{Kind: KindOpenAI, Name: "m", Serving: Serving{BaseURL: "http://a/v1", MaxConcurrency: 9}}
	if b, _ := json.Marshal(spec); string(b) != `{"kind":"openai","name":"m"}` {
		t.Errorf("run-identity JSON %s", b)
	}
	var urls Spec
	if err := yaml.Unmarshal([]byte("{kind: openai, name: m, base_urls: [http://b/v1, http://c/v1]}"), &urls); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(urls.URLs(), " "); got != "http://b/v1 http://c/v1" {
		t.Errorf("URLs %q", got)
	}
}

// Bad specs fail with the line and the key at fault, whatever the
// decoder's settings (plain yaml.Unmarshal here, not KnownFields).
func TestSpecYAMLErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"kind: openai\nname: m\nbase_url: http://a/v1\nattempt_timout: 3s\n", `line 4: model key "attempt_timout" is not known`},
		{"kind: gpt\n", `line 1: model key kind: "gpt" is not a model kind (kinds: llama, openai, synth)`},
		{"kind: openai\nbase_urls: {a: b}\n", "line 2: base_urls must be a list of URLs"},
		{"kind: openai\nbase_urls: [\"\"]\n", "empty or multi-line URL"},
		{"[synth]\n", "line 1: a model must be a mapping"},
		{"kind: synth\nseed: many\n", "line 2"},
	} {
		var s Spec
		err := yaml.Unmarshal([]byte(c.yaml), &s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.yaml, err, c.want)
		}
	}
}

func TestSpecValidate(t *testing.T) {
	served := Serving{BaseURL: "http://a/v1"}
	for _, c := range []struct {
		spec Spec
		want string // "" for valid
	}{
		{Spec{Kind: KindSynth, Seed: 3}, ""},
		{Spec{Kind: KindLlama, Path: "/m"}, ""},
		{Spec{Kind: KindOpenAI, Name: "m", Serving: served}, ""},
		{Spec{Kind: KindOpenAI, Name: "m", Serving: Serving{BaseURLs: NewURLList("http://a/v1")}}, ""},
		{Spec{}, "key kind is missing"},
		{Spec{Kind: "gpt"}, `key kind: "gpt" is not a model kind`},
		{Spec{Kind: KindSynth, Serving: served}, "key base_url does not apply"},
		{Spec{Kind: KindSynth, Name: "x", Path: "/m"}, "; key path does not apply"},
		{Spec{Kind: KindLlama}, "key path is missing"},
		{Spec{Kind: KindLlama, Path: "/m", Serving: Serving{MaxRetries: 2}}, "key max_retries does not apply"},
		{Spec{Kind: KindOpenAI, Name: "m"}, "needs key name and key base_url"},
		{Spec{Kind: KindOpenAI, Serving: served}, "needs key name and key base_url"},
		{Spec{Kind: KindOpenAI, Name: "m", Seed: 4, Serving: served}, "key seed does not apply"},
		{Spec{Kind: KindOpenAI, Name: "m", Serving: Serving{BaseURL: "http://a/v1", AttemptTimeout: -time.Second}}, "key attempt_timeout must not be negative"},
		{Spec{Kind: KindOpenAI, Name: "m", Serving: Serving{BaseURL: "http://a/v1", MinConcurrency: 8, MaxConcurrency: 4}}, "min_concurrency 8 and max_concurrency 4"},
		{Spec{Kind: KindOpenAI, Name: "m", Serving: Serving{BaseURL: "http://a/v1", MaxReplyBytes: -1}}, "key max_reply_bytes must not be negative"},
		{Spec{Kind: KindOpenAI, Name: "m", Serving: Serving{BaseURL: "http://a/v1", GiveUpAfter: -time.Minute}}, "key give_up_after must not be negative"},
	} {
		err := c.spec.Validate()
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%+v: error %v, want %q", c.spec, err, c.want)
		}
	}
}

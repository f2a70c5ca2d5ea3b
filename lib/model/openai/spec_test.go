package openai

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/openai/fakeserver"
)

func TestConfigFromSpec(t *testing.T) {
	var spec model.Spec
	y := "{kind: openai, name: m, base_url: http://a:8000/v1, base_urls: [http://b:8000/v1, http://c:8000/v1], api_key_env: K, attempt_timeout: 90s, max_concurrency: 32}"
	if err := yaml.Unmarshal([]byte(y), &spec); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		return map[string]string{"K": "secret-key-123", DefaultAPIKeyEnv: "default-key-456"}[k]
	}
	cfg, err := ConfigFromSpec(spec, env)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.BaseURLs, " ") != "http://a:8000/v1 http://b:8000/v1 http://c:8000/v1" || cfg.Model != "m" || cfg.APIKey != "secret-key-123" ||
		cfg.AttemptTimeout != 90*time.Second || cfg.MaxConcurrency != 32 {
		t.Errorf("config %+v", cfg)
	}
	spec.APIKeyEnv = ""
	if cfg, err := ConfigFromSpec(spec, env); err != nil || cfg.APIKey != "default-key-456" {
		t.Errorf("without api_key_env: key %q, %v; want the one in %s", cfg.APIKey, err, DefaultAPIKeyEnv)
	}
	for _, c := range []struct {
		spec model.Spec
		want string
	}{
		{model.Spec{Kind: model.KindOpenAI, Name: "m", Serving: model.Serving{BaseURL: "not a url"}}, `model key base_url: openai: base URL "not a url"`},
		{model.Spec{Kind: model.KindOpenAI, Name: "m", Serving: model.Serving{BaseURL: "http://a/v1", APIKeyEnv: "UNSET"}}, "api_key_env names UNSET"},
		{model.Spec{Kind: model.KindOpenAI, Serving: model.Serving{BaseURL: "http://a/v1"}}, "needs key name"},
		{model.Spec{Kind: model.KindSynth}, `spec of kind "synth"`},
	} {
		if _, err := ConfigFromSpec(c.spec, env); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.spec, err, c.want)
		}
	}
}

// FromSpec opens a working client: a chat goes to the server the spec
// names, with the key from the variable it names.
func TestFromSpecAgainstFakeServer(t *testing.T) {
	const key = "sk-spec-test-0123456789"
	fs := fakeserver.Start(fakeserver.Config{Model: echoModel{}, APIKey: key})
	defer fs.Close()
	spec := model.Spec{Kind: model.KindOpenAI, Name: "served", Serving: model.Serving{BaseURL: fs.URL(), APIKeyEnv: "SPEC_KEY"}}
	c, err := FromSpec(spec, func(k string) string { return map[string]string{"SPEC_KEY": key}[k] })
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	resp, err := c.Chat(context.Background(), model.Request{Messages: []model.Message{{Role: model.RoleUser, Content: "hello there"}}})
	if err != nil || resp.Text != "hello" || c.Name() != "openai:served" || len(fs.Hits()) != 1 {
		t.Errorf("reply %+v, %v from %s after %d requests", resp, err, c.Name(), len(fs.Hits()))
	}
}

package tokenizer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prefscope/prefscope/lib/model"
)

// chatCase is one conversation of testdata/chat_cases.json.
type chatCase struct {
	Name                string          `json:"name"`
	Config              string          `json:"config"`
	Messages            []model.Message `json:"messages"`
	Tools               []model.Tool    `json:"tools"`
	AddGenerationPrompt bool            `json:"add_generation_prompt"`
	Vars                map[string]any  `json:"vars"`
}

// TestChatGolden checks rendered prompts byte for byte against
// @huggingface/jinja (scripts/tokenizer/gen.mjs) on three templates: the
// Llama-3.1 package's (Llama-3 format), the Llama-3.2 package's (tool calling,
// strftime_now, raise_exception, tojson with indent) and
// testdata/features_tokenizer_config.json (namespace, loop variables,
// filtered loops, tests, whitespace control, trim_blocks and lstrip_blocks).
// A golden "error" means the reference raised; Render must then fail with
// the same message.
func TestChatGolden(t *testing.T) {
	paths := map[string]string{
		"llama3_1": filepath.Join(llama31Dir, "tokenizer_config.json"),
		"llama3_2": filepath.Join(llama32Dir, "tokenizer_config.json"),
		"features": filepath.Join("testdata", "features_tokenizer_config.json"),
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("tokenizer config not fetched (%v); run scripts/fetch-tokenizer.sh (or make setup)", err)
		}
	}
	var in struct {
		Now   time.Time  `json:"now"`
		Cases []chatCase `json:"cases"`
	}
	readJSON(t, "chat_cases.json", &in)
	var golden struct {
		Cases []struct {
			Name   string `json:"name"`
			Prompt string `json:"prompt"`
			Error  string `json:"error"`
		} `json:"cases"`
	}
	readJSON(t, "chat_golden.json", &golden)
	if len(golden.Cases) != len(in.Cases) {
		t.Fatalf("chat_golden.json has %d cases, chat_cases.json %d: rerun scripts/tokenizer/gen.mjs", len(golden.Cases), len(in.Cases))
	}
	templates := map[string]*ChatTemplate{}
	for name, p := range paths {
		c, err := LoadChatTemplate(p)
		if err != nil {
			t.Fatal(err)
		}
		templates[name] = c
	}
	for k, c := range in.Cases {
		want := golden.Cases[k]
		t.Run(c.Name, func(t *testing.T) {
			if want.Name != c.Name {
				t.Fatalf("golden case %d is %q, input %q: rerun scripts/tokenizer/gen.mjs", k, want.Name, c.Name)
			}
			tpl := *templates[c.Config]
			tpl.Now = func() time.Time { return in.Now }
			tpl.Vars = c.Vars
			got, err := tpl.Render(c.Messages, c.Tools, c.AddGenerationPrompt)
			switch {
			case want.Error != "" && err == nil:
				t.Fatalf("Render succeeded with %q; want error %q", got, want.Error)
			case want.Error != "" && !strings.Contains(err.Error(), want.Error):
				t.Fatalf("Render error %q; want it to contain %q", err, want.Error)
			case want.Error == "" && err != nil:
				t.Fatalf("Render: %v", err)
			case want.Error == "" && got != want.Prompt:
				t.Errorf("Render mismatch at byte %d:\n got %q\nwant %q", firstByteDiff(got, want.Prompt), got, want.Prompt)
			}
		})
	}
}

func firstByteDiff(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

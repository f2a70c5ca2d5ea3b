package tokenizer

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzEncode checks, on any byte string, that Encode and Decode do not
// panic, that Decode(Encode(s)) gives s back (with U+FFFD for ill-formed
// UTF-8), and that the hand-written scanner cuts s as regexp2 does with the
// Llama-3 regex. It uses the real Llama-3.1 tokenizer when fetched and
// testdata/tiny_tokenizer.json otherwise.
//
//	go test ./lib/tokenizer -run '^$' -fuzz FuzzEncode -fuzztime 60s
func FuzzEncode(f *testing.F) {
	tk := tiny(f)
	if _, err := os.Stat(filepath.Join(llama31Dir, "tokenizer.json")); err == nil {
		tk = llama3(f)
	}
	rs, err := newRegexSplitter(llama3Pattern)
	if err != nil {
		f.Fatal(err)
	}
	if file, err := os.Open(filepath.Join("testdata", "corpus.jsonl")); err == nil {
		sc := bufio.NewScanner(file)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var c goldenCase
			if json.Unmarshal(sc.Bytes(), &c) == nil {
				f.Add(c.Text)
			}
		}
		file.Close()
	}
	f.Add("a\xffb\xe2\x82<|eot_id|>'ſ 'LL\u0085\ufeff")
	f.Fuzz(func(t *testing.T, s string) {
		ids := tk.Encode(s)
		got := tk.Decode(ids)
		want := s
		if !utf8.ValidString(s) {
			want = string(appendLossyUTF8(nil, []byte(s)))
		}
		if got != want {
			t.Fatalf("Decode(Encode(%q)) = %q, want %q (ids %v)", s, got, want, ids)
		}
		scan := pieces(llama3Scanner{}, s)
		if strings.Join(scan, "") != s {
			t.Fatalf("scanner pieces %q do not cover %q", scan, s)
		}
		// regexp2 folds case with unicode.ToLower, which leaves 'ſ' alone;
		// Oniguruma and the scanner fold it with 's'.
		if !strings.ContainsRune(s, 'ſ') {
			if re := pieces(rs, s); !equalStrings(scan, re) {
				t.Fatalf("split(%q):\nscanner %q\n  regex %q", s, scan, re)
			}
		}
	})
}

// FuzzNormalizeTemplate checks that the template rewrite never panics and
// leaves text without tags unchanged (templates are outside input).
//
//	go test ./lib/tokenizer -run '^$' -fuzz FuzzNormalizeTemplate -fuzztime 30s
func FuzzNormalizeTemplate(f *testing.F) {
	for _, s := range []string{
		"{{ 'a' + x | trim + 'b' }}", "{%- if not m.c|length == 1 %}x{% endif %}\n",
		"{# c -#} {%+ raw %}{{ a|b }}{% endraw %}", "{{ f(x | g(1) | h)[0] | i }}", "{{", "{%", "{#", "{{ '",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := normalizeTemplate(s)
		if !strings.Contains(s, "{") && (err != nil || out != s) {
			t.Fatalf("text without tags changed: %q -> %q, %v", s, out, err)
		}
		if _, err := NewChatTemplate(s, "", ""); err != nil && strings.Contains(err.Error(), "panicked") {
			t.Logf("gonja panicked (recovered): %v", err)
		}
	})
}

package tokenizer

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func tiny(tb testing.TB) *Tokenizer {
	tb.Helper()
	tk, err := Load(filepath.Join("testdata", "tiny_tokenizer.json"))
	if err != nil {
		tb.Fatal(err)
	}
	return tk
}

// TestSplitLlama3 checks the scanner on cases worked out by hand from the
// regex's alternatives (numbered as in llama3Next).
func TestSplitLlama3(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"words take one leading non-letter (alt 2)", "Hello world", []string{"Hello", " world"}},
		{"contractions, any case (alt 1)", "I'm they'RE it's", []string{"I", "'m", " they", "'RE", " it", "'s"}},
		{"long s folds with s (alt 1)", "x'ſ", []string{"x", "'ſ"}},
		{"apostrophe before other letters joins the word (alt 2)", "'hello", []string{"'hello"}},
		{"digits in threes (alt 3)", "1234567", []string{"123", "456", "7"}},
		{"digits do not take a space", " 12", []string{" ", "12"}},
		{"punctuation with one space and trailing newlines (alt 4)", "a ...\n\nb", []string{"a", " ...\n\n", "b"}},
		{"tab before letters (alt 2)", "\tx", []string{"\tx"}},
		{"newline does not lead a word", "\nx", []string{"\n", "x"}},
		{"whitespace up to last newline (alt 5)", "a \n \n  b", []string{"a", " \n \n", " ", " b"}},
		{"spaces before a word leave one for it (alt 6)", "a    b", []string{"a", "   ", " b"}},
		{"trailing spaces (alt 6 at end)", "a   ", []string{"a", "   "}},
		{"single space before punctuation", "a  !", []string{"a", " ", " !"}},
		{"two tabs before letter (alt 6 then 2)", "\t\tx", []string{"\t", "\tx"}},
		{"combining marks are not letters: virama leads a word, vowel sign stands alone", "नमस्ते", []string{"नमस", "्त", "े"}},
		{"invalid bytes are other characters", "a\xff\xfeb", []string{"a", "\xff\xfe", "b"}},
		{"invalid byte leads a word", "\xffab", []string{"\xffab"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := pieces(llama3Scanner{}, c.in); !equalStrings(got, c.want) {
				t.Errorf("split(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// TestScannerMatchesRegexRandom compares scanner and regexp2 on random
// strings over an alphabet chosen to hit every alternative's edges.
func TestScannerMatchesRegexRandom(t *testing.T) {
	rs, err := newRegexSplitter(llama3Pattern)
	if err != nil {
		t.Fatal(err)
	}
	alphabet := []string{"a", "Z", "é", "ж", "中", "1", "٣", "½", " ", "  ", "\t", "\n", "\r", "\u00a0", "\u3000", "'", "s", "S", "t", "re", "VE", "m", "ll", "d", ".", "!", "😀", "\u0301", "\xff", "-", "_"}
	rng := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 3000; k++ {
		var b strings.Builder
		for n := rng.IntN(12); n >= 0; n-- {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := b.String()
		if got, want := pieces(llama3Scanner{}, s), pieces(rs, s); !equalStrings(got, want) {
			t.Fatalf("split(%q):\nscanner %q\n  regex %q", s, got, want)
		}
	}
}

func TestTinyEncode(t *testing.T) {
	tk := tiny(t)
	// Ids from testdata/tiny_tokenizer.json: single bytes have their byte
	// value as id (' ' is 32, '1' is 49); merges are
	// l+o=256, lo+w=257, Ġ+low=258, e+r=259, low+er=260, h+e=261, l+l=262,
	// he+ll=263, hell+o=264, Ġ+hello=265, 1+2=266; added tokens 267, 268.
	for _, c := range []struct {
		name, in string
		want     []int
	}{
		{"whole word in vocab (ignore_merges)", "hello", []int{264}},
		{"space joins the word", " hello", []int{265}},
		{"merges in rank order", " lower", []int{258, 259}},
		{"lower without space", "lower", []int{260}},
		{"digits", "1234", []int{266, 51, 52}},
		{"added tokens split the text", "hello<|eot_id|> hello", []int{264, 268, 265}},
		{"unknown special-looking text is plain", "<|x|>", []int{60, 124, 120, 124, 62}},
		{"empty", "", []int{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := tk.Encode(c.in); !equalInts(got, c.want) {
				t.Errorf("Encode(%q) = %v, want %v", c.in, got, c.want)
			}
			if got := tk.Decode(tk.Encode(c.in)); got != c.in {
				t.Errorf("Decode(Encode(%q)) = %q", c.in, got)
			}
		})
	}
	if tk.VocabSize() != 269 {
		t.Errorf("VocabSize() = %d, want 269", tk.VocabSize())
	}
}

// TestMergeLong checks that the heap BPE for long words gives the same ids
// as the quadratic one, on random long words from a small alphabet (so
// merges chain) with the real Llama-3 merges.
func TestMergeLong(t *testing.T) {
	tk := llama3(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, alpha := range []string{"ab", "aeiou", "abcdefghijklmnopqrstuvwxyz", " ", "=-"} {
		for k := 0; k < 20; k++ {
			n := 65 + rng.IntN(400)
			b := make([]byte, n)
			for i := range b {
				b[i] = alpha[rng.IntN(len(alpha))]
			}
			w := string(b)
			short, long := tk.bpe.merge(w, nil), tk.bpe.mergeLong(w)
			if fmt.Sprint(short) != fmt.Sprint(long) {
				t.Fatalf("word %q:\nmerge     %v\nmergeLong %v", w, short, long)
			}
		}
	}
}

func TestAppendLossyUTF8(t *testing.T) {
	// Expected strings follow the Unicode Standard's "maximal subpart"
	// substitution (its Table 3-8 example and the WHATWG decoder).
	for _, c := range []struct {
		name, in, want string
	}{
		{"valid", "héllo 😀", "héllo 😀"},
		{"truncated 3-byte", "A\xe2\x82B", "A\uFFFDB"},
		{"lone continuations", "\x80\x80", "\uFFFD\uFFFD"},
		{"overlong 2-byte lead", "\xc0\xaf", "\uFFFD\uFFFD"},
		{"E0 needs A0..BF", "\xe0\x80\xaf", "\uFFFD\uFFFD\uFFFD"},
		{"surrogate", "\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"},
		{"above U+10FFFF", "\xf4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"truncated 4-byte then ASCII", "\xf0\x9f\x98A", "\uFFFDA"},
		{"Table 3-8", "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", "a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := string(appendLossyUTF8(nil, []byte(c.in))); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestByteLevelAlphabet(t *testing.T) {
	// GPT-2's bytes_to_unicode: space is U+0120 'Ġ', newline U+010A 'Ċ',
	// '!' itself, 0xAD (soft hyphen) the last moved byte U+0143 'Ń'.
	for b, want := range map[byte]rune{' ': 'Ġ', '\n': 'Ċ', '!': '!', 0xAD: 'Ń', 0: 'Ā', 0xFF: 'ÿ'} {
		if byteRune[b] != want {
			t.Errorf("byteRune[%#x] = %q, want %q", b, byteRune[b], want)
		}
	}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	back, ok := byteLevelToBytes(bytesToByteLevel(all))
	if !ok || string(back) != string(all) {
		t.Error("byte-level round trip of all 256 bytes failed")
	}
}

// TestLoadErrors checks that unsupported or broken files are reported with
// the file name and the key, not tokenized differently.
func TestLoadErrors(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "tiny_tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, old, new, want string
	}{
		{"not json", "{", "[", "not a tokenizer.json"},
		{"normalizer", `"normalizer": null`, `"normalizer": {"type": "NFC"}`, "normalizer"},
		{"model type", `"type": "BPE"`, `"type": "WordPiece"`, "model.type"},
		{"byte fallback", `"byte_fallback": false`, `"byte_fallback": true`, "model.byte_fallback"},
		{"merge of unknown token", `"l o"`, `"l q\u0100"`, "model.merges[0]"},
		{"bad merge line", `"l o"`, `"lo"`, "model.merges[0]"},
		{"bad regex", `(?i:'s`, `(?i:'s(`, "pretokenizers[0].pattern.Regex"},
		{"pre-tokenizer shape", `"type": "Sequence"`, `"type": "Whitespace"`, "pre_tokenizer"},
		{"vocab outside alphabet", `"lo": 256`, `"l o": 256`, "model.vocab"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := string(base)
			if !strings.Contains(s, c.old) {
				t.Fatalf("fixture lacks %q", c.old)
			}
			path := filepath.Join(t.TempDir(), "tokenizer.json")
			if err := os.WriteFile(path, []byte(strings.Replace(s, c.old, c.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not name the file and %q", err, c.want)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: error %v", err)
	}
}

// TestRegexFallback checks that a pattern other than Llama 3's runs through
// regexp2: GPT-2's pattern keeps spaces before digits.
func TestRegexFallback(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "tiny_tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	gpt2 := `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+`
	s := strings.Replace(string(base), strings.ReplaceAll(strings.ReplaceAll(llama3Pattern, `\`, `\\`), "\r", `\r`), gpt2, 1)
	if s == string(base) {
		t.Fatal("fixture pattern not found")
	}
	path := filepath.Join(t.TempDir(), "tokenizer.json")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	tk, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tk.split.(*regexSplitter); !ok {
		t.Fatalf("splitter is %T, want *regexSplitter", tk.split)
	}
	// " 12" is one piece under GPT-2's pattern (two under Llama 3's), and
	// BPE on it merges only 1+2 (id 266) after the space (id 32).
	if got := tk.Encode(" 12"); !equalInts(got, []int{32, 266}) {
		t.Errorf("Encode(\" 12\") = %v, want [32 266]", got)
	}
	if got := pieces(tk.split, "a 12"); !equalStrings(got, []string{"a", " 12"}) {
		t.Errorf("GPT-2 split(\"a 12\") = %q", got)
	}
}

func TestEncodeConcurrent(t *testing.T) {
	tk := tiny(t)
	done := make(chan []int, 8)
	for range 8 {
		go func() { done <- tk.Encode(strings.Repeat(" lower hello 12", 50)) }()
	}
	first := <-done
	for range 7 {
		if got := <-done; !equalInts(got, first) {
			t.Fatal("concurrent Encode results differ")
		}
	}
	if !utf8.ValidString(tk.Decode(first)) {
		t.Fatal("invalid decode")
	}
}

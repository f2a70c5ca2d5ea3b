package tokenizer

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tokenizer is a byte-level BPE tokenizer loaded from a Hugging Face
// tokenizer.json. It is safe for concurrent use.
type Tokenizer struct {
	bpe   *bpe
	split splitter

	// tokenBytes[id] is the raw bytes of vocabulary token id (nil for ids
	// that only added tokens use).
	tokenBytes [][]byte

	added       []addedToken
	addedByText map[string]int
	addedByID   map[int]string
	// addedFirst marks bytes that begin some added token; byFirst lists the
	// tokens beginning with a byte, longest first.
	addedFirst [256]bool
	byFirst    [256][]int

	vocabSize int
}

type addedToken struct {
	ID         int    `json:"id"`
	Content    string `json:"content"`
	SingleWord bool   `json:"single_word"`
	LStrip     bool   `json:"lstrip"`
	RStrip     bool   `json:"rstrip"`
	Normalized bool   `json:"normalized"`
	Special    bool   `json:"special"`
}

// tokenizerFile is the part of tokenizer.json that this package reads.
type tokenizerFile struct {
	AddedTokens  []addedToken    `json:"added_tokens"`
	Normalizer   json.RawMessage `json:"normalizer"`
	PreTokenizer json.RawMessage `json:"pre_tokenizer"`
	Model        struct {
		Type                    string          `json:"type"`
		Vocab                   map[string]int  `json:"vocab"`
		Merges                  json.RawMessage `json:"merges"`
		IgnoreMerges            bool            `json:"ignore_merges"`
		ByteFallback            bool            `json:"byte_fallback"`
		Dropout                 *float64        `json:"dropout"`
		ContinuingSubwordPrefix *string         `json:"continuing_subword_prefix"`
		EndOfWordSuffix         *string         `json:"end_of_word_suffix"`
	} `json:"model"`
}

type preTokenizer struct {
	Type          string          `json:"type"`
	Pretokenizers []preTokenizer  `json:"pretokenizers"`
	Pattern       json.RawMessage `json:"pattern"`
	Behavior      string          `json:"behavior"`
	Invert        bool            `json:"invert"`
	AddPrefix     bool            `json:"add_prefix_space"`
	UseRegex      bool            `json:"use_regex"`
}

// Load reads a Hugging Face tokenizer.json holding a byte-level BPE model in
// the Llama-3 layout: no normalizer, a pre-tokenizer that is a regex Split
// (behaviour "Isolated") followed by ByteLevel without its own regex, and
// a BPE model with vocab and merges. Anything else is reported as an error
// naming the file and the key, rather than tokenized differently.
func Load(tokenizerJSONPath string) (*Tokenizer, error) {
	data, err := os.ReadFile(tokenizerJSONPath)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	t, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %s: %w", tokenizerJSONPath, err)
	}
	return t, nil
}

func parse(data []byte) (*Tokenizer, error) {
	var f tokenizerFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("not a tokenizer.json: %w", err)
	}
	if n := strings.TrimSpace(string(f.Normalizer)); n != "" && n != "null" {
		return nil, fmt.Errorf("normalizer: only null is supported, got %.60s", n)
	}
	split, err := parsePreTokenizer(f.PreTokenizer)
	if err != nil {
		return nil, fmt.Errorf("pre_tokenizer: %w", err)
	}
	m := &f.Model
	switch {
	case m.Type != "BPE":
		return nil, fmt.Errorf("model.type: want \"BPE\", got %q", m.Type)
	case m.ByteFallback:
		return nil, fmt.Errorf("model.byte_fallback: true is not supported (byte-level BPE only)")
	case m.Dropout != nil && *m.Dropout != 0:
		return nil, fmt.Errorf("model.dropout: %v is not supported", *m.Dropout)
	case m.ContinuingSubwordPrefix != nil && *m.ContinuingSubwordPrefix != "":
		return nil, fmt.Errorf("model.continuing_subword_prefix: %q is not supported", *m.ContinuingSubwordPrefix)
	case m.EndOfWordSuffix != nil && *m.EndOfWordSuffix != "":
		return nil, fmt.Errorf("model.end_of_word_suffix: %q is not supported", *m.EndOfWordSuffix)
	case len(m.Vocab) == 0:
		return nil, fmt.Errorf("model.vocab: missing or empty")
	}

	t := &Tokenizer{split: split}
	b := &bpe{
		vocab:        make(map[string]int32, len(m.Vocab)),
		merges:       make(map[uint64]merge),
		ignoreMerges: m.IgnoreMerges,
		cache:        make(map[string][]int32),
	}
	t.bpe = b
	maxID := -1
	for tok, id := range m.Vocab {
		if id < 0 || id > 1<<30 {
			return nil, fmt.Errorf("model.vocab[%q]: id %d out of range", tok, id)
		}
		raw, ok := byteLevelToBytes(tok)
		if !ok {
			return nil, fmt.Errorf("model.vocab[%q]: not in the byte-level alphabet", tok)
		}
		b.vocab[string(raw)] = int32(id)
		maxID = max(maxID, id)
	}
	t.tokenBytes = make([][]byte, maxID+1)
	for raw, id := range b.vocab {
		if t.tokenBytes[id] != nil {
			return nil, fmt.Errorf("model.vocab: id %d used twice", id)
		}
		t.tokenBytes[id] = []byte(raw)
	}
	for c := 0; c < 256; c++ {
		id, ok := b.vocab[string([]byte{byte(c)})]
		if !ok {
			return nil, fmt.Errorf("model.vocab: no token for byte 0x%02x (%q)", c, byteRune[c])
		}
		b.byteID[c] = id
	}
	if err := t.parseMerges(m.Merges, m.Vocab); err != nil {
		return nil, err
	}

	t.addedByText = make(map[string]int, len(f.AddedTokens))
	t.addedByID = make(map[int]string, len(f.AddedTokens))
	for k, a := range f.AddedTokens {
		switch {
		case a.Content == "":
			return nil, fmt.Errorf("added_tokens[%d]: empty content", k)
		case a.ID < 0 || a.ID > 1<<30:
			return nil, fmt.Errorf("added_tokens[%d] %q: id %d out of range", k, a.Content, a.ID)
		case a.SingleWord:
			return nil, fmt.Errorf("added_tokens[%d] %q: single_word is not supported", k, a.Content)
		}
		t.added = append(t.added, a)
		t.addedByText[a.Content] = len(t.added) - 1
		t.addedByID[a.ID] = a.Content
		t.addedFirst[a.Content[0]] = true
		t.byFirst[a.Content[0]] = append(t.byFirst[a.Content[0]], len(t.added)-1)
		maxID = max(maxID, a.ID)
	}
	for c := range t.byFirst {
		l := t.byFirst[c]
		sort.SliceStable(l, func(i, j int) bool { return len(t.added[l[i]].Content) > len(t.added[l[j]].Content) })
	}
	t.vocabSize = maxID + 1
	return t, nil
}

func (t *Tokenizer) parseMerges(raw json.RawMessage, vocab map[string]int) error {
	// Two layouts exist: ["a b", ...] (older files, Llama 3) and
	// [["a", "b"], ...] (tokenizers >= 0.20).
	var pairs [][2]string
	var lines []string
	if err := json.Unmarshal(raw, &lines); err == nil {
		pairs = make([][2]string, len(lines))
		for k, l := range lines {
			a, b, ok := strings.Cut(l, " ")
			if !ok || strings.Contains(b, " ") {
				return fmt.Errorf("model.merges[%d] %q: want two tokens separated by one space", k, l)
			}
			pairs[k] = [2]string{a, b}
		}
	} else if err2 := json.Unmarshal(raw, &pairs); err2 != nil {
		return fmt.Errorf("model.merges: want a list of \"a b\" strings or of [a, b] pairs: %w", err)
	}
	b := t.bpe
	b.merges = make(map[uint64]merge, len(pairs))
	for k, p := range pairs {
		ids := [3]int32{}
		for j, s := range [3]string{p[0], p[1], p[0] + p[1]} {
			id, found := vocab[s]
			if !found {
				return fmt.Errorf("model.merges[%d] %q %q: token %q not in model.vocab", k, p[0], p[1], s)
			}
			ids[j] = int32(id)
		}
		key := pairKey(ids[0], ids[1])
		if _, dup := b.merges[key]; !dup {
			b.merges[key] = merge{rank: int32(k), id: ids[2]}
		}
	}
	return nil
}

func parsePreTokenizer(raw json.RawMessage) (splitter, error) {
	var p preTokenizer
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	if p.Type != "Sequence" || len(p.Pretokenizers) != 2 {
		return nil, fmt.Errorf("want a Sequence of Split and ByteLevel, got type %q with %d parts", p.Type, len(p.Pretokenizers))
	}
	s, bl := p.Pretokenizers[0], p.Pretokenizers[1]
	if s.Type != "Split" || s.Behavior != "Isolated" || s.Invert {
		return nil, fmt.Errorf("pretokenizers[0]: want Split with behavior Isolated, got %q %q invert=%v", s.Type, s.Behavior, s.Invert)
	}
	if bl.Type != "ByteLevel" || bl.UseRegex || bl.AddPrefix {
		return nil, fmt.Errorf("pretokenizers[1]: want ByteLevel with use_regex and add_prefix_space false, got %q", bl.Type)
	}
	var pat struct {
		Regex  *string `json:"Regex"`
		String *string `json:"String"`
	}
	if err := json.Unmarshal(s.Pattern, &pat); err != nil || pat.Regex == nil {
		return nil, fmt.Errorf("pretokenizers[0].pattern: want {\"Regex\": ...}")
	}
	if *pat.Regex == llama3Pattern {
		return llama3Scanner{}, nil
	}
	rs, err := newRegexSplitter(*pat.Regex)
	if err != nil {
		return nil, fmt.Errorf("pretokenizers[0].pattern.Regex: %w", err)
	}
	return rs, nil
}

// Encode returns the token ids of text. Added tokens written in the text
// (such as "<|eot_id|>") are recognised and become their own ids; the text
// between them is pre-tokenized and BPE-encoded. No BOS token is added.
// Text that is not valid UTF-8 is encoded byte for byte (each invalid byte is
// a character of its own that is neither letter, number nor space), so
// Decode(Encode(s)) == s holds for every string.
func (t *Tokenizer) Encode(text string) []int {
	out := make([]int, 0, len(text)/3+1)
	prev := 0
	for i := 0; i < len(text); {
		if !t.addedFirst[text[i]] {
			i++
			continue
		}
		k, ok := t.addedAt(text, i)
		if !ok {
			i++
			continue
		}
		a := &t.added[k]
		start, end := i, i+len(a.Content)
		if a.LStrip {
			for start > prev {
				r, w := utf8.DecodeLastRuneInString(text[prev:start])
				if !unicode.IsSpace(r) {
					break
				}
				start -= w
			}
		}
		if a.RStrip {
			for end < len(text) {
				r, w := utf8.DecodeRuneInString(text[end:])
				if !unicode.IsSpace(r) {
					break
				}
				end += w
			}
		}
		out = t.encodeText(out, text[prev:start])
		out = append(out, a.ID)
		prev, i = end, end
	}
	return t.encodeText(out, text[prev:])
}

// addedAt returns the index of the longest added token that starts at byte i.
func (t *Tokenizer) addedAt(text string, i int) (int, bool) {
	for _, k := range t.byFirst[text[i]] {
		if strings.HasPrefix(text[i:], t.added[k].Content) {
			return k, true
		}
	}
	return 0, false
}

// encodeText encodes a stretch of text that holds no added tokens.
func (t *Tokenizer) encodeText(out []int, s string) []int {
	if s == "" {
		return out
	}
	t.split.split(s, func(a, b int) {
		out = t.bpe.appendWord(out, s[a:b])
	})
	return out
}

// Decode turns ids back into text: vocabulary tokens give their bytes, added
// tokens their content, and the bytes are read as UTF-8 with each ill-formed
// sequence replaced by U+FFFD, as Hugging Face's decoder does. Ids outside the
// vocabulary are skipped. No clean-up of spaces is applied (Hugging Face's
// clean_up_tokenization_spaces), so Decode(Encode(s)) == s for valid UTF-8.
func (t *Tokenizer) Decode(ids []int) string {
	buf := make([]byte, 0, 4*len(ids))
	for _, id := range ids {
		if s, ok := t.addedByID[id]; ok {
			buf = append(buf, s...)
		} else if id >= 0 && id < len(t.tokenBytes) {
			buf = append(buf, t.tokenBytes[id]...)
		}
	}
	if utf8.Valid(buf) {
		return string(buf)
	}
	return string(appendLossyUTF8(make([]byte, 0, len(buf)+8), buf))
}

// TokenID returns the id of an added token ("<|eot_id|>") or of a vocabulary
// token written in the file's byte-level alphabet ("Ġhello" for " hello").
func (t *Tokenizer) TokenID(token string) (int, bool) {
	if k, ok := t.addedByText[token]; ok {
		return t.added[k].ID, true
	}
	raw, ok := byteLevelToBytes(token)
	if !ok {
		return 0, false
	}
	id, ok := t.bpe.vocab[string(raw)]
	return int(id), ok
}

// Token returns the string form of id as tokenizer.json writes it: an added
// token's content, or a vocabulary token in the byte-level alphabet.
func (t *Tokenizer) Token(id int) (string, bool) {
	if s, ok := t.addedByID[id]; ok {
		return s, true
	}
	if id < 0 || id >= len(t.tokenBytes) || t.tokenBytes[id] == nil {
		return "", false
	}
	return bytesToByteLevel(t.tokenBytes[id]), true
}

// VocabSize is one more than the largest id, counting added tokens (128256
// for Llama 3), which is the embedding matrix's row count.
func (t *Tokenizer) VocabSize() int { return t.vocabSize }

// IsSpecial reports whether id is an added token marked special.
func (t *Tokenizer) IsSpecial(id int) bool {
	s, ok := t.addedByID[id]
	return ok && t.added[t.addedByText[s]].Special
}

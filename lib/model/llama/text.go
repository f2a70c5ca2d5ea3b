package llama

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/prefscope/prefscope/lib/tokenizer"
)

// loadText loads dir/tokenizer.json and dir/tokenizer_config.json's chat
// template when they exist; a missing file leaves that part nil (Chat and
// Activations then report it), a malformed one is an error.
func loadText(dir string) (TextTokenizer, ChatRenderer, error) {
	var tok TextTokenizer
	var tmpl ChatRenderer
	p := filepath.Join(dir, "tokenizer.json")
	if _, err := os.Stat(p); err == nil {
		t, err := tokenizer.Load(p)
		if err != nil {
			return nil, nil, fmt.Errorf("llama: %w", err)
		}
		tok = t
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("llama: %w", err)
	}
	p = filepath.Join(dir, "tokenizer_config.json")
	if _, err := os.Stat(p); err == nil {
		c, err := tokenizer.LoadChatTemplate(p)
		if err != nil {
			return nil, nil, fmt.Errorf("llama: %w", err)
		}
		tmpl = c
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("llama: %w", err)
	}
	return tok, tmpl, nil
}

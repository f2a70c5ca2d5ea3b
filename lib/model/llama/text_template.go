//go:build chattemplate

package llama

import "github.com/prefscope/prefscope/lib/tokenizer"

func loadChatTemplate(path string) (ChatRenderer, error) {
	c, err := tokenizer.LoadChatTemplate(path)
	if err != nil {
		return nil, err
	}
	return c, nil
}

//go:build !chattemplate

package llama

import "fmt"

// loadChatTemplate is a stand-in until lib/tokenizer's LoadChatTemplate lands.
func loadChatTemplate(path string) (ChatRenderer, error) {
	return nil, fmt.Errorf("%s: chat templates are not available in this build", path)
}

package openai

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prefscope/prefscope/lib/model"
)

// The chat-completions wire format, as much of it as prefscope uses.

type wireTool struct {
	Type     string     `json:"type"`
	Function model.Tool `json:"function"`
}

type wireToolCall struct {
	ID       string `json:"id,omitempty"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type wireMessage struct {
	Role      string         `json:"role"`
	Content   *string        `json:"content"`
	ToolCalls []wireToolCall `json:"tool_calls,omitempty"`
}

type wireRequest struct {
	Model       string        `json:"model"`
	Messages    []wireMessage `json:"messages"`
	Tools       []wireTool    `json:"tools,omitempty"`
	ToolChoice  any           `json:"tool_choice,omitempty"`
	Temperature float64       `json:"temperature"`
	TopP        float64       `json:"top_p,omitempty"`
	MaxTokens   int           `json:"max_tokens,omitempty"`
	Seed        int64         `json:"seed"`
	Stop        []string      `json:"stop,omitempty"`
}

type wireResponse struct {
	Choices []struct {
		Message      wireMessage `json:"message"`
		FinishReason string      `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

func toWire(modelName string, req model.Request) wireRequest {
	w := wireRequest{Model: modelName, Temperature: req.Temperature, TopP: req.TopP, MaxTokens: req.MaxTokens, Seed: req.Seed, Stop: req.Stop}
	for _, m := range req.Messages {
		content := m.Content
		wm := wireMessage{Role: m.Role, Content: &content}
		for _, tc := range m.ToolCalls {
			var wt wireToolCall
			wt.ID, wt.Type = tc.ID, "function"
			wt.Function.Name, wt.Function.Arguments = tc.Name, tc.Arguments
			wm.ToolCalls = append(wm.ToolCalls, wt)
		}
		w.Messages = append(w.Messages, wm)
	}
	for _, t := range req.Tools {
		w.Tools = append(w.Tools, wireTool{Type: "function", Function: t})
	}
	switch req.ToolChoice {
	case "":
	case "auto", "none", "required":
		w.ToolChoice = req.ToolChoice
	default:
		w.ToolChoice = map[string]any{"type": "function", "function": map[string]string{"name": req.ToolChoice}}
	}
	return w
}

// StatusError is a non-2xx reply: the status and the server's message
// (with the API key redacted).
type StatusError struct {
	Code    int
	Message string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("openai: server answered %d %s: %s", e.Code, http.StatusText(e.Code), e.Message)
}

// errTooLarge marks a reply past the size bound.
var errTooLarge = errors.New("reply too large")

// readBounded reads at most limit bytes of r, failing past the bound
// instead of reading without limit.
func readBounded(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes (raise max_reply_bytes if the server is right)", errTooLarge, limit)
	}
	return b, nil
}

// retryAfter reads Retry-After (seconds or an HTTP date) or the
// retry-after-ms extension; ok is false when the server sent neither.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if ms := h.Get("Retry-After-Ms"); ms != "" {
		if v, err := strconv.ParseFloat(ms, 64); err == nil && v >= 0 {
			return time.Duration(v * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// decodeReply turns a 2xx body into a Response, with key redacted from
// every string (the error message of a body without choices included).
func decodeReply(b []byte, key string) (model.Response, error) {
	var wr wireResponse
	if err := json.Unmarshal(b, &wr); err != nil {
		return model.Response{}, fmt.Errorf("reply is not valid JSON (%d bytes): %w", len(b), err)
	}
	if len(wr.Choices) == 0 {
		if wr.Error != nil {
			return model.Response{}, fmt.Errorf("reply holds an error: %s", shorten(redact(wr.Error.Message, key)))
		}
		return model.Response{}, errors.New("reply has no choices")
	}
	ch := wr.Choices[0]
	out := model.Response{FinishReason: model.FinishReason(ch.FinishReason), PromptTokens: wr.Usage.PromptTokens, CompletionTokens: wr.Usage.CompletionTokens}
	if ch.Message.Content != nil {
		out.Text = *ch.Message.Content
	}
	for _, tc := range ch.Message.ToolCalls {
		out.ToolCalls = append(out.ToolCalls, model.ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
	}
	out.Text = redact(out.Text, key)
	out.FinishReason = model.FinishReason(redact(string(out.FinishReason), key))
	for i := range out.ToolCalls {
		tc := &out.ToolCalls[i]
		tc.ID, tc.Name, tc.Arguments = redact(tc.ID, key), redact(tc.Name, key), redact(tc.Arguments, key)
	}
	return out, nil
}

// maxMessage bounds a server's error message kept in an error.
const maxMessage = 300

// errorMessage is the server's message from an error body, with key
// redacted first and then shortened, so that a key across the cut leaves
// no part behind.
func errorMessage(b []byte, key string) string {
	msg := strings.TrimSpace(string(b))
	var wr wireResponse
	if json.Unmarshal(b, &wr) == nil && wr.Error != nil {
		msg = wr.Error.Message
	}
	return shorten(redact(msg, key))
}

// shorten cuts msg to maxMessage bytes, at a rune boundary.
func shorten(msg string) string {
	if len(msg) <= maxMessage {
		return msg
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "..."
}

// Package openai is a model.Model for any OpenAI-compatible chat-completions
// server (vLLM, SGLang, llama.cpp server, Ollama, hosted APIs), for
// measurement at scale. Activations always come from local weights
// (lib/model/llama), never from a server.
//
// The client bounds requests in flight, retries 429, 5xx, timeouts and
// connection errors with exponential backoff (honouring Retry-After), and
// maps tools and tool calls to and from the OpenAI wire format. Client
// errors (4xx other than 429) are not retried and name the status and the
// server's message.
package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prefscope/prefscope/lib/model"
)

// Client talks to one served model.
type Client struct {
	baseURL    string
	model      string
	apiKey     string
	http       *http.Client
	sem        chan struct{}
	maxRetries int
	backoff    time.Duration
	maxBackoff time.Duration
}

var _ model.Model = (*Client)(nil)

// Option tunes a Client.
type Option func(*Client)

// WithAPIKey sets the bearer token (read it from the environment, never
// from a study file).
func WithAPIKey(key string) Option { return func(c *Client) { c.apiKey = key } }

// WithConcurrency bounds requests in flight (default 16).
func WithConcurrency(n int) Option {
	return func(c *Client) {
		if n > 0 {
			c.sem = make(chan struct{}, n)
		}
	}
}

// WithRetries sets retries after the first attempt (default 5) and the
// first backoff delay (default 500ms, doubling, capped at 30s).
func WithRetries(n int, backoff time.Duration) Option {
	return func(c *Client) { c.maxRetries, c.backoff = n, backoff }
}

// WithHTTPClient replaces the HTTP client (default: 120 s timeout).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// New returns a client for modelName served at baseURL (for example
// "http://localhost:8000/v1").
func New(baseURL, modelName string, opts ...Option) (*Client, error) {
	if baseURL == "" {
		return nil, errors.New("openai: empty base URL")
	}
	if modelName == "" {
		return nil, errors.New("openai: empty model name")
	}
	c := &Client{
		baseURL: strings.TrimRight(baseURL, "/"), model: modelName,
		http: &http.Client{Timeout: 120 * time.Second}, sem: make(chan struct{}, 16),
		maxRetries: 5, backoff: 500 * time.Millisecond, maxBackoff: 30 * time.Second,
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// Name implements model.Model.
func (c *Client) Name() string { return "openai:" + c.model }

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
	Temperature float64       `json:"temperature"`
	MaxTokens   int           `json:"max_tokens,omitempty"`
	Seed        int64         `json:"seed"`
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

// StatusError is a non-2xx reply.
type StatusError struct {
	Code    int
	Message string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("openai: server answered %d: %s", e.Code, e.Message)
}

func retryable(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code == http.StatusTooManyRequests || se.Code >= 500
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// Chat implements model.Model.
func (c *Client) Chat(ctx context.Context, req model.Request) (model.Response, error) {
	body, err := json.Marshal(c.wire(req))
	if err != nil {
		return model.Response{}, fmt.Errorf("openai: encoding request: %w", err)
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return model.Response{}, ctx.Err()
	}
	defer func() { <-c.sem }()
	delay := c.backoff
	for attempt := 0; ; attempt++ {
		resp, wait, err := c.post(ctx, body)
		if err == nil {
			return resp, nil
		}
		if !retryable(err) || attempt >= c.maxRetries || ctx.Err() != nil {
			if attempt > 0 {
				return model.Response{}, fmt.Errorf("%w (after %d attempts)", err, attempt+1)
			}
			return model.Response{}, err
		}
		if wait <= 0 {
			// Full jitter keeps many workers from retrying in lockstep.
			wait = delay/2 + time.Duration(rand.Int64N(int64(delay/2)+1))
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return model.Response{}, ctx.Err()
		}
		delay = min(2*delay, c.maxBackoff)
	}
}

func (c *Client) wire(req model.Request) wireRequest {
	w := wireRequest{Model: c.model, Temperature: req.Temperature, MaxTokens: req.MaxTokens, Seed: req.Seed}
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
	return w
}

// post sends one attempt; wait is the server's Retry-After, if any.
func (c *Client) post(ctx context.Context, body []byte) (model.Response, time.Duration, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return model.Response{}, 0, fmt.Errorf("openai: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	if c.apiKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	hresp, err := c.http.Do(hreq)
	if err != nil {
		return model.Response{}, 0, fmt.Errorf("openai: %w", err)
	}
	defer hresp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(hresp.Body, 64<<20))
	if err != nil {
		return model.Response{}, 0, fmt.Errorf("openai: reading reply: %w", err)
	}
	var wr wireResponse
	jsonErr := json.Unmarshal(b, &wr)
	if hresp.StatusCode/100 != 2 {
		msg := strings.TrimSpace(string(b))
		if jsonErr == nil && wr.Error != nil {
			msg = wr.Error.Message
		}
		if len(msg) > 300 {
			msg = msg[:300] + "..."
		}
		var wait time.Duration
		if s, err := strconv.Atoi(hresp.Header.Get("Retry-After")); err == nil {
			wait = time.Duration(s) * time.Second
		}
		return model.Response{}, wait, &StatusError{Code: hresp.StatusCode, Message: msg}
	}
	if jsonErr != nil {
		return model.Response{}, 0, fmt.Errorf("openai: reply is not JSON: %w", jsonErr)
	}
	if len(wr.Choices) == 0 {
		return model.Response{}, 0, errors.New("openai: reply has no choices")
	}
	ch := wr.Choices[0]
	out := model.Response{FinishReason: model.FinishReason(ch.FinishReason), PromptTokens: wr.Usage.PromptTokens, CompletionTokens: wr.Usage.CompletionTokens}
	if ch.Message.Content != nil {
		out.Text = *ch.Message.Content
	}
	for _, tc := range ch.Message.ToolCalls {
		out.ToolCalls = append(out.ToolCalls, model.ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
	}
	return out, 0, nil
}

// Package model defines how prefscope talks to a language model: a chat
// request goes in (messages, optional tools, temperature, token limit and a
// per-request seed) and text or tool calls come out. ActivationModel adds
// read-out of residual-stream vectors for probing.
//
// The package holds shared types only: requests and replies, the error kinds
// a caller may retry (or, for ErrUnavailable, must stop on), and Spec, a
// model as a study names it (kind, name, path, servers and serving
// settings), which each kind's package opens with its FromSpec (lib/study
// keeps the registry of kinds). Implementations live below it:
// lib/model/synth (the simulated respondent with planted ground truth),
// lib/model/llama (Llama-3.x inference in GoMLX) and lib/model/openai
// (any OpenAI-compatible server).
package model

import (
	"context"
	"encoding/json"
	"fmt"
)

// Chat roles, as in the OpenAI and Hugging Face chat formats.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
	RoleTool      = "tool"
)

// Message is one turn of a chat.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
	// ToolCalls are the calls an assistant turn made, if any.
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
}

// Tool is a function the model may call, described OpenAI-style by a name
// and a JSON Schema for its arguments.
type Tool struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Parameters  map[string]any `json:"parameters,omitempty"`
}

// ToolCall is one call the model made: the tool's name and its arguments as
// a JSON object string (exactly as the model produced it, possibly invalid).
type ToolCall struct {
	ID        string `json:"id,omitempty"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// Args decodes the call's arguments into a map, with an error naming the tool
// when the model wrote invalid JSON.
func (c ToolCall) Args() (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal([]byte(c.Arguments), &m); err != nil {
		return nil, fmt.Errorf("model: tool call %q: arguments are not a JSON object: %w", c.Name, err)
	}
	return m, nil
}

// Request is one chat call.
type Request struct {
	Messages []Message `json:"messages"`
	// Tools offered to the model; empty means plain chat.
	Tools []Tool `json:"tools,omitempty"`
	// Temperature 0 means greedy decoding.
	Temperature float64 `json:"temperature"`
	// MaxTokens caps the reply length; 0 means the model's default.
	MaxTokens int `json:"max_tokens,omitempty"`
	// Seed makes sampling reproducible: the same request with the same seed
	// gets the same reply from models that support it.
	Seed int64 `json:"seed"`
	// TopP is nucleus sampling's probability mass; 0 means the model's default.
	TopP float64 `json:"top_p,omitempty"`
	// Stop lists strings that end generation.
	Stop []string `json:"stop,omitempty"`
	// ToolChoice is "" (the model's default), "auto", "none", "required" or
	// the name of the one tool the model must call.
	ToolChoice string `json:"tool_choice,omitempty"`
	// Steering, when set, adds a vector to the residual stream (local
	// weights and the simulated respondent only; see Steering).
	Steering *Steering `json:"steering,omitempty"`
}

// FinishReason says why generation stopped.
type FinishReason string

// Finish reasons, as in the OpenAI API.
const (
	FinishStop      FinishReason = "stop"
	FinishLength    FinishReason = "length"
	FinishToolCalls FinishReason = "tool_calls"
)

// Response is a model's reply to a Request.
type Response struct {
	Text         string       `json:"text"`
	ToolCalls    []ToolCall   `json:"tool_calls,omitempty"`
	FinishReason FinishReason `json:"finish_reason"`
	// PromptTokens and CompletionTokens are counts when the model reports them.
	PromptTokens     int `json:"prompt_tokens,omitempty"`
	CompletionTokens int `json:"completion_tokens,omitempty"`
	// Attempts is how many requests the model sent for this reply, retries
	// included; 0 means one.
	Attempts int `json:"attempts,omitempty"`
}

// Model answers chat requests. Implementations must be safe for concurrent
// use and should honour ctx cancellation.
type Model interface {
	// Name identifies the model in run configs (for example "synth:default" or
	// a checkpoint directory's base name).
	Name() string
	Chat(ctx context.Context, req Request) (Response, error)
}

// PositionKind selects which token positions an activation read-out returns.
type PositionKind string

// Position kinds for ActivationRequest.
const (
	// PosLast is the last token of the encoded conversation.
	PosLast PositionKind = "last"
	// PosToken is the last occurrence of a named token, such as "<|eot_id|>".
	PosToken PositionKind = "token"
	// PosAssistantMean is the mean over the tokens of the final assistant turn.
	PosAssistantMean PositionKind = "assistant_mean"
	// PosIndices are explicit token indices (negative counts from the end).
	PosIndices PositionKind = "indices"
)

// Positions says where to read activations.
type Positions struct {
	Kind    PositionKind `json:"kind" yaml:"kind"`
	Token   string       `json:"token,omitempty" yaml:"token,omitempty"`
	Indices []int        `json:"indices,omitempty" yaml:"indices,omitempty"`
}

// ActivationRequest asks for residual-stream vectors of a conversation that is
// encoded as it stands (no generation).
type ActivationRequest struct {
	Messages []Message `json:"messages"`
	// Layers are residual-stream indices in Hugging Face's hidden_states
	// convention: 0 is the embedding output and l < NumLayers() is the
	// output of decoder layer l (1-based). As in transformers, index
	// NumLayers() is the last layer's output after the final RMSNorm.
	Layers    []int     `json:"layers"`
	Positions Positions `json:"positions"`
}

// Activations holds, for each requested layer, one float32 vector per
// selected position (a single vector for PosLast, PosToken and
// PosAssistantMean).
type Activations struct {
	Layers []int `json:"layers"`
	// Vectors[k][p] is the vector of Layers[k] at the p-th selected position.
	Vectors [][][]float32 `json:"-"`
}

// Versioned is a model whose answers are fixed by code that changes
// between releases of prefscope (the simulated respondent): Version names
// its behaviour, and a run records it (measure.RunConfig.Respondent) so
// answers of another version are never resumed or read as its own.
type Versioned interface {
	Version() string
}

// ActivationModel is a Model whose residual stream can be read.
type ActivationModel interface {
	Model
	// NumLayers is the number of decoder layers; valid layer indices are
	// 0..NumLayers().
	NumLayers() int
	// HiddenSize is the length of each activation vector.
	HiddenSize() int
	Activations(ctx context.Context, req ActivationRequest) (Activations, error)
}

// BatchModel is a Model that can answer several requests in one pass, as
// local-weight inference does with a padded batch. Replies come back in
// request order.
type BatchModel interface {
	Model
	ChatBatch(ctx context.Context, reqs []Request) ([]Response, error)
}

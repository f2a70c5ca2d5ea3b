package model

import (
	"context"
	"strconv"
	"strings"
)

// Position kinds that name a turn boundary of a [user, assistant]
// conversation; each selects one vector.
const (
	// PosEndOfTurn is the end-of-turn token closing the final assistant turn
	// (<|eot_id|> with the Llama 3 template).
	PosEndOfTurn PositionKind = "end_of_turn"
	// PosUserEnd is the last token of the final user turn (its closing
	// end-of-turn token): the boundary between the task and the reply.
	PosUserEnd PositionKind = "user_end"
	// PosPromptLast is the last token of the prompt the assistant replied
	// to: the end of the generation prompt (the assistant header).
	PosPromptLast PositionKind = "prompt_last"
)

// Name is a short, file-name-safe name of a position: the kind, with the
// token or the indices for the kinds that take them ("token_eot_id",
// "indices_0_-1").
func (p Positions) Name() string {
	out := string(p.Kind)
	if out == "" {
		out = string(PosLast)
	}
	switch p.Kind {
	case PosToken:
		out += "_" + p.Token
	case PosIndices:
		for _, i := range p.Indices {
			out += "_" + strconv.Itoa(i)
		}
	}
	b := []byte(out)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	return trimUnderscores(string(b))
}

// trimUnderscores collapses runs of '_' and trims them at the ends.
func trimUnderscores(s string) string {
	for strings.Contains(s, "__") {
		s = strings.ReplaceAll(s, "__", "_")
	}
	return strings.Trim(s, "_")
}

// CaptureRequest asks for activations of many conversations at several
// positions, each selecting one vector, in one call.
type CaptureRequest struct {
	Conversations [][]Message
	// Layers in the hidden_states convention of ActivationRequest.
	Layers    []int
	Positions []Positions
	// MaxBatchTokens bounds the padded tokens of one batch (0: the model's
	// default).
	MaxBatchTokens int
	// Progress, when not nil, is told after each batch how many
	// conversations and real (unpadded) tokens it held.
	Progress func(conversations, tokens int)
}

// CaptureModel is an ActivationModel that reads many conversations at
// several positions in one call, batching as it sees fit.
type CaptureModel interface {
	ActivationModel
	// ConversationLength is the number of tokens a conversation encodes to
	// (extraction sorts by it, so that batches hold similar lengths).
	ConversationLength(msgs []Message) (int, error)
	// Capture returns out[i][k][p]: conversation i, Layers[k], Positions[p].
	Capture(ctx context.Context, req CaptureRequest) ([][][][]float32, error)
}

// ConversationError is a Capture error about one conversation of the
// request, so that a caller can name the item (a task id) it came from.
type ConversationError struct {
	Index int
	Err   error
}

func (e *ConversationError) Error() string {
	return "conversation " + strconv.Itoa(e.Index) + ": " + e.Err.Error()
}

func (e *ConversationError) Unwrap() error { return e.Err }

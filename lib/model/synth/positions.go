package synth

import (
	"context"
	"fmt"
	"strconv"

	"github.com/prefscope/prefscope/lib/model"
)

var _ model.CaptureModel = (*Model)(nil)

// DefaultPositionStrength is the planted share of the valence signal at each
// position kind: full at the end-of-turn token closing the reply (and at
// the legacy kinds last and token, which read that token), a little less at
// the prompt's last token, about half at the end of the user turn (before
// the model has replied), and least in the mean over the reply's tokens
// (averaging dilutes it). The ordering end_of_turn > prompt_last >
// user_end > assistant_mean is what a probe comparison of positions should
// recover; explicit indices get 1.
var DefaultPositionStrength = map[string]float64{
	string(model.PosEndOfTurn):     1,
	string(model.PosPromptLast):    0.8,
	string(model.PosUserEnd):       0.55,
	string(model.PosAssistantMean): 0.35,
}

func defaultPositionStrength(given map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for k, v := range DefaultPositionStrength {
		out[k] = v
	}
	for k, v := range given {
		out[k] = v
	}
	return out
}

// PositionFactor is the planted signal share at a position kind: at
// position kind k and layer l the valence coefficient is
// PositionFactor(k) · Strength[l].
func (t *Truth) PositionFactor(kind model.PositionKind) float64 {
	switch kind {
	case model.PosLast, model.PosToken, "":
		kind = model.PosEndOfTurn
	}
	if f, ok := t.Params.PositionStrength[string(kind)]; ok {
		return f
	}
	return 1
}

// noiseKey keys the activation noise: the legacy kinds (and end_of_turn,
// the same token) by the position's index, so their vectors are those of
// earlier stores; the other turn-boundary kinds by name, so that each
// position has its own noise.
func noiseKey(kind model.PositionKind, p int) string {
	switch kind {
	case model.PosUserEnd, model.PosPromptLast, model.PosAssistantMean:
		return string(kind)
	}
	return strconv.Itoa(p)
}

// ConversationLength implements model.CaptureModel with a rough token
// count (a token per four bytes of content).
func (m *Model) ConversationLength(msgs []model.Message) (int, error) {
	n := 1
	for _, msg := range msgs {
		n += 4 + len(msg.Content)/4
	}
	return n, nil
}

// Capture implements model.CaptureModel, one conversation and position at
// a time through Activations.
func (m *Model) Capture(ctx context.Context, req model.CaptureRequest) ([][][][]float32, error) {
	out := make([][][][]float32, len(req.Conversations))
	for i, msgs := range req.Conversations {
		out[i] = make([][][]float32, len(req.Layers))
		for k := range out[i] {
			out[i][k] = make([][]float32, len(req.Positions))
		}
		tokens, _ := m.ConversationLength(msgs)
		for p, pos := range req.Positions {
			if pos.Kind == model.PosIndices && len(pos.Indices) != 1 {
				return nil, fmt.Errorf("synth: capture: position %s selects %d tokens, want one", pos.Name(), len(pos.Indices))
			}
			act, err := m.Activations(ctx, model.ActivationRequest{Messages: msgs, Layers: req.Layers, Positions: pos})
			if err != nil {
				return nil, &model.ConversationError{Index: i, Err: err}
			}
			for k := range req.Layers {
				out[i][k][p] = act.Vectors[k][0]
			}
		}
		if req.Progress != nil {
			req.Progress(1, tokens)
		}
	}
	return out, nil
}

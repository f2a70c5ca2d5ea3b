package llama

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/prefscope/prefscope/lib/model"
)

var (
	_ model.Model           = (*Model)(nil)
	_ model.ActivationModel = (*Model)(nil)
	_ model.BatchModel      = (*Model)(nil)
)

func (m *Model) needText() error {
	if m.tok == nil || m.tmpl == nil {
		return fmt.Errorf("llama: %s: no tokenizer.json or chat template (tokenizer_config.json) loaded", m.name)
	}
	return nil
}

// encodeChat renders messages with the chat template and encodes them. A
// template that writes <|begin_of_text|> itself plus a tokenizer that adds
// one would give two; the duplicate is dropped.
func (m *Model) encodeChat(msgs []model.Message, tools []model.Tool, addGen bool) ([]int, error) {
	text, err := m.tmpl.Render(msgs, tools, addGen)
	if err != nil {
		return nil, fmt.Errorf("llama: chat template: %w", err)
	}
	ids := m.tok.Encode(text)
	if b := m.cfg.BOSTokenID; b >= 0 && len(ids) >= 2 && ids[0] == b && ids[1] == b {
		ids = ids[1:]
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("llama: chat template rendered no tokens")
	}
	return ids, nil
}

// Chat renders the request with the chat template (with the generation
// prompt), generates, and decodes the reply. With tools offered, a reply
// that is Llama 3.1's JSON tool call ({"name": ..., "parameters": {...}},
// optionally after <|python_tag|>, several separated by ";") comes back as
// ToolCalls.
func (m *Model) Chat(ctx context.Context, req model.Request) (model.Response, error) {
	out, err := m.ChatBatch(ctx, []model.Request{req})
	if err != nil {
		return model.Response{}, err
	}
	return out[0], nil
}

// ChatBatch answers several requests as one left-padded batch; each keeps
// its own temperature and seed, so a reply does not depend on its batch.
func (m *Model) ChatBatch(ctx context.Context, reqs []model.Request) (resps []model.Response, err error) {
	defer recoverError(&err, "chat")
	if err := m.needText(); err != nil {
		return nil, err
	}
	prompts := make([][]int, len(reqs))
	samp := make([]Sampling, len(reqs))
	maxNew := 0
	for i, r := range reqs {
		if prompts[i], err = m.encodeChat(r.Messages, r.Tools, true); err != nil {
			return nil, fmt.Errorf("%w (request %d)", err, i)
		}
		samp[i] = Sampling{Temperature: r.Temperature, TopP: m.opts.TopP, Seed: r.Seed}
		n := r.MaxTokens
		if n <= 0 {
			n = m.opts.MaxNewTokens
		}
		maxNew = max(maxNew, n)
	}
	steer, err := m.steerPlan(reqs, prompts)
	if err != nil {
		return nil, err
	}
	gens, err := m.Generate(ctx, prompts, samp, GenerateOptions{MaxNewTokens: maxNew, Steer: steer})
	if err != nil {
		return nil, err
	}
	for i, g := range gens {
		toks, finish := g.Tokens, g.Finish
		if n := reqs[i].MaxTokens; n > 0 && len(toks) > n {
			toks, finish = toks[:n], FinishLength
		}
		resp := model.Response{
			Text:             m.tok.Decode(toks),
			FinishReason:     model.FinishReason(finish),
			PromptTokens:     len(prompts[i]),
			CompletionTokens: len(toks),
		}
		if len(reqs[i].Tools) > 0 {
			if calls, ok := ParseToolCalls(resp.Text); ok {
				resp.ToolCalls, resp.Text, resp.FinishReason = calls, "", model.FinishToolCalls
			}
		}
		resps = append(resps, resp)
	}
	return resps, nil
}

// ParseToolCalls reads Llama 3.1's JSON tool-call output: one or more
// objects {"name": string, "parameters": object} (or "arguments"),
// separated by ";" and optionally preceded by <|python_tag|>. ok is false
// when text is anything else (plain text is a plain reply, not an error).
func ParseToolCalls(text string) (calls []model.ToolCall, ok bool) {
	s := strings.TrimSpace(text)
	s = strings.TrimSpace(strings.TrimPrefix(s, "<|python_tag|>"))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "<|eom_id|>"), "<|eot_id|>")
	if !strings.HasPrefix(s, "{") {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(s))
	for {
		var c struct {
			Name       string          `json:"name"`
			Parameters json.RawMessage `json:"parameters"`
			Arguments  json.RawMessage `json:"arguments"`
		}
		if err := dec.Decode(&c); err != nil || c.Name == "" {
			return nil, false
		}
		args := c.Parameters
		if args == nil {
			args = c.Arguments
		}
		if args == nil {
			args = json.RawMessage("{}")
		}
		calls = append(calls, model.ToolCall{ID: fmt.Sprintf("call_%d", len(calls)), Name: c.Name, Arguments: string(args)})
		rest := strings.TrimSpace(s[dec.InputOffset():])
		if rest == "" {
			return calls, true
		}
		if !strings.HasPrefix(rest, ";") {
			return nil, false
		}
		rest = strings.TrimSpace(rest[1:])
		if rest == "" {
			return calls, true
		}
		s = rest
		dec = json.NewDecoder(strings.NewReader(s))
	}
}

// Activations encodes the conversation as it stands (no generation prompt)
// and returns residual-stream vectors. Layer indices follow transformers'
// hidden_states: 0 = token embeddings, l = output of decoder layer l for
// 1 <= l < L, and L = NumLayers() = the last layer's output after the final
// RMSNorm. Positions:
//   - last: the last token of the encoded conversation (with the Llama 3
//     template, the <|eot_id|> closing the final turn);
//   - token: the last occurrence of Positions.Token (e.g. "<|eot_id|>");
//   - assistant_mean: the mean over the final assistant turn's content
//     tokens, after its header and before its closing <|eot_id|>;
//   - indices: explicit token indices, negative counting from the end.
func (m *Model) Activations(ctx context.Context, req model.ActivationRequest) (model.Activations, error) {
	out, err := m.ActivationsBatch(ctx, []model.ActivationRequest{req})
	if err != nil {
		return model.Activations{}, err
	}
	return out[0], nil
}

// ActivationsBatch reads several conversations in one left-padded forward
// pass; every request must ask for the same layers.
func (m *Model) ActivationsBatch(ctx context.Context, reqs []model.ActivationRequest) (acts []model.Activations, err error) {
	defer recoverError(&err, "activations")
	if err := m.needText(); err != nil {
		return nil, err
	}
	if len(reqs) == 0 {
		return nil, nil
	}
	seqs := make([][]int, len(reqs))
	sel := make([][]int, len(reqs)) // selected positions per request
	mean := make([]bool, len(reqs))
	for i, r := range reqs {
		if !slices.Equal(r.Layers, reqs[0].Layers) {
			return nil, fmt.Errorf("llama: activations: request %d asks for layers %v, request 0 for %v", i, r.Layers, reqs[0].Layers)
		}
		if len(r.Layers) == 0 {
			return nil, fmt.Errorf("llama: activations: request %d asks for no layers", i)
		}
		ids, err := m.encodeChat(r.Messages, nil, false)
		if err != nil {
			return nil, fmt.Errorf("%w (request %d)", err, i)
		}
		seqs[i] = ids
		sel[i], mean[i], err = m.positions(r, ids)
		if err != nil {
			return nil, fmt.Errorf("llama: activations: request %d: %w", i, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := m.Forward(seqs, reqs[0].Layers, false)
	if err != nil {
		return nil, err
	}
	for i := range reqs {
		a := model.Activations{Layers: slices.Clone(res.Layers)}
		for k := range res.Layers {
			rows := res.Hidden[k][i]
			var vecs [][]float32
			if mean[i] {
				acc := make([]float64, m.cfg.HiddenSize)
				for _, p := range sel[i] {
					for j, v := range rows[p] {
						acc[j] += float64(v)
					}
				}
				v := make([]float32, len(acc))
				for j := range acc {
					v[j] = float32(acc[j] / float64(len(sel[i])))
				}
				vecs = [][]float32{v}
			} else {
				for _, p := range sel[i] {
					vecs = append(vecs, slices.Clone(rows[p]))
				}
			}
			a.Vectors = append(a.Vectors, vecs)
		}
		acts = append(acts, a)
	}
	return acts, nil
}

// positions resolves a request's Positions to token indices of ids; mean
// says the vectors are averaged.
func (m *Model) positions(r model.ActivationRequest, ids []int) ([]int, bool, error) {
	n := len(ids)
	switch r.Positions.Kind {
	case model.PosEndOfTurn, model.PosUserEnd, model.PosPromptLast:
		at, err := m.turnBoundary(r.Messages, ids, r.Positions.Kind)
		return []int{at}, false, err
	case model.PosLast, "":
		return []int{n - 1}, false, nil
	case model.PosToken:
		id, ok := m.tok.TokenID(r.Positions.Token)
		if !ok {
			return nil, false, fmt.Errorf("token %q is not in the vocabulary", r.Positions.Token)
		}
		for p := n - 1; p >= 0; p-- {
			if ids[p] == id {
				return []int{p}, false, nil
			}
		}
		return nil, false, fmt.Errorf("token %q does not occur in the encoded conversation", r.Positions.Token)
	case model.PosIndices:
		if len(r.Positions.Indices) == 0 {
			return nil, false, fmt.Errorf("positions kind %q with no indices", r.Positions.Kind)
		}
		var out []int
		for _, p := range r.Positions.Indices {
			q := p
			if q < 0 {
				q += n
			}
			if q < 0 || q >= n {
				return nil, false, fmt.Errorf("index %d outside the %d tokens", p, n)
			}
			out = append(out, q)
		}
		return out, false, nil
	case model.PosAssistantMean:
		msgs := r.Messages
		if len(msgs) == 0 || msgs[len(msgs)-1].Role != model.RoleAssistant {
			return nil, false, fmt.Errorf("assistant_mean needs a conversation ending with an assistant turn")
		}
		prefix, err := m.encodeChat(msgs[:len(msgs)-1], nil, true)
		if err != nil {
			return nil, false, err
		}
		start := 0
		for start < len(prefix) && start < n && prefix[start] == ids[start] {
			start++
		}
		end := n
		if eot, ok := m.tok.TokenID("<|eot_id|>"); ok && end > start && ids[end-1] == eot {
			end--
		}
		if end <= start {
			return nil, false, fmt.Errorf("the final assistant turn has no content tokens")
		}
		out := make([]int, 0, end-start)
		for p := start; p < end; p++ {
			out = append(out, p)
		}
		return out, true, nil
	}
	return nil, false, fmt.Errorf("unknown positions kind %q", r.Positions.Kind)
}

package synth

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// Options configure a simulated respondent.
type Options struct {
	// Seed plants the ground truth. Same seed and tasks, same truth.
	Seed int64
	// Tasks the respondent knows; prompts are matched against their text.
	Tasks []task.Task
	// Catalog reads prompts; nil means template.DefaultCatalog().
	Catalog *template.Catalog
	// Params are the planted scales; zero fields take their defaults.
	Params Params
	// Profile names a sensitivity profile (Profiles) that replaces Params'
	// position bias and field scales; empty keeps them.
	Profile string
}

// Model is the simulated respondent. It is safe for concurrent use.
type Model struct {
	truth   *Truth
	catalog *template.Catalog
	byText  map[string]task.Task
}

var (
	_ model.Model           = (*Model)(nil)
	_ model.ActivationModel = (*Model)(nil)
)

// New plants a truth for opts.Tasks and returns the respondent.
func New(opts Options) (*Model, error) {
	if len(opts.Tasks) == 0 {
		return nil, errors.New("synth: no tasks")
	}
	cat := opts.Catalog
	if cat == nil {
		var err error
		if cat, err = template.DefaultCatalog(); err != nil {
			return nil, fmt.Errorf("synth: %w", err)
		}
	}
	params, err := WithProfile(opts.Params, opts.Profile)
	if err != nil {
		return nil, err
	}
	m := &Model{truth: NewTruth(opts.Tasks, opts.Seed, params), catalog: cat, byText: map[string]task.Task{}}
	var framings []string
	for _, k := range []template.Kind{template.PreStated, template.PostStated} {
		for _, ph := range cat.Phrasings(k) {
			framings = append(framings, framing(template.Perception{Kind: k, Fields: template.Fields{Phrasing: ph}}))
		}
	}
	m.truth.TabulatePositivity(framings, cat.Scales())
	for _, t := range opts.Tasks {
		if prev, dup := m.byText[t.Prompt]; dup && prev.ID != t.ID {
			return nil, fmt.Errorf("synth: tasks %s and %s have the same prompt text", prev.ID, t.ID)
		}
		m.byText[t.Prompt] = t
	}
	return m, nil
}

// Truth returns the planted ground truth.
func (m *Model) Truth() *Truth { return m.truth }

// Name implements model.Model: ModelName of the seed.
func (m *Model) Name() string { return ModelName(m.truth.Seed) }

// ModelName is the name of the respondent planted from seed, "synth:<seed>":
// what runs, completion caches and truth files are keyed by.
func ModelName(seed int64) string { return model.Spec{Kind: model.KindSynth, Seed: seed}.Label() }

// NumLayers implements model.ActivationModel.
func (m *Model) NumLayers() int { return m.truth.Params.Layers }

// HiddenSize implements model.ActivationModel.
func (m *Model) HiddenSize() int { return m.truth.Params.HiddenSize }

// Chat implements model.Model: it completes a bare task, or answers a
// measurement prompt in the format the prompt asks for.
func (m *Model) Chat(ctx context.Context, req model.Request) (model.Response, error) {
	if err := ctx.Err(); err != nil {
		return model.Response{}, err
	}
	if len(req.Messages) == 0 {
		return model.Response{}, errors.New("synth: request has no messages")
	}
	if err := req.Steering.Validate(m.NumLayers(), m.HiddenSize()); err != nil {
		return model.Response{}, fmt.Errorf("synth: %w", err)
	}
	r := m.requestRNG(req)
	last := req.Messages[len(req.Messages)-1]
	if t, ok := m.byText[last.Content]; ok && last.Role == model.RoleUser && len(req.Tools) == 0 {
		return m.complete(t, r), nil
	}
	p, err := m.catalog.Perceive(req.Messages, req.Tools)
	if err != nil {
		// A real model would answer something unhelpful; so does the respondent.
		return stop("I'm not sure what you are asking me to do."), nil
	}
	ctxFields := contextOf(p)
	st, err := m.steerOf(req, p)
	if err != nil {
		return model.Response{}, err
	}
	switch p.Kind {
	case template.PreRevealed, template.PostRevealed:
		return m.choose(p, ctxFields, req, r, st), nil
	case template.PreStated, template.PostStated:
		return m.rate(p, ctxFields, req, r, st), nil
	}
	return stop("I'm not sure what you are asking me to do."), nil
}

func (m *Model) complete(t task.Task, r *rand.Rand) model.Response {
	if t.Origin == task.OriginBailBench && r.Float64() < 0.3 {
		return stop("I'd rather not continue with this request.")
	}
	words := strings.Fields(t.Prompt)
	if len(words) > 8 {
		words = words[:8]
	}
	return stop(fmt.Sprintf("Here is my answer to %q: (simulated completion %d of task %s).", strings.Join(words, " "), r.IntN(1000), t.ID))
}

// choose answers a revealed-preference prompt.
func (m *Model) choose(p template.Perception, c Context, req model.Request, r *rand.Rand, st steer) model.Response {
	if len(p.TaskTexts) != 2 || len(p.Labels) != 2 {
		return stop(malformed(p.Fields.Language))
	}
	a, okA := m.byText[p.TaskTexts[0]]
	b, okB := m.byText[p.TaskTexts[1]]
	if !okA || !okB {
		return stop(malformed(p.Fields.Language))
	}
	if st.incoherent {
		return incoherent(r)
	}
	if resp, done := m.misbehave(p, r, a, b); done {
		return resp
	}
	t := m.truth
	d := t.Utility(a.ID, c) + t.Params.PositionBias - t.Utility(b.ID, c) + st.shift[0] - st.shift[1]
	s := math.Hypot(t.Sigma[a.ID], t.Sigma[b.ID])
	pick := 0
	switch {
	case req.Temperature <= 0:
		if d < 0 {
			pick = 1
		}
	default:
		if r.Float64() >= normCDF(d/(s*req.Temperature)) {
			pick = 1
		}
	}
	return answer(p, req, p.Labels[pick], "choice", r)
}

// rate answers a stated-preference prompt with an ordered-probit draw.
func (m *Model) rate(p template.Perception, c Context, req model.Request, r *rand.Rand, st steer) model.Response {
	if len(p.TaskTexts) != 1 || len(p.Options) < 2 {
		return stop(malformed(p.Fields.Language))
	}
	x, ok := m.byText[p.TaskTexts[0]]
	if !ok {
		return stop(malformed(p.Fields.Language))
	}
	if st.incoherent {
		return incoherent(r)
	}
	if resp, done := m.misbehave(p, r, x); done {
		return resp
	}
	k := len(p.Options)
	y := m.truth.ratingMean(x.ID, c, framing(p), p.Scale) + m.truth.Params.RatingSlope*st.shift[0]/m.truth.MuSD
	if req.Temperature > 0 {
		y += req.Temperature * r.NormFloat64()
	}
	// Count cut points below y: 0 means the worst option (listed last).
	above := 0
	for j := 1; j < k; j++ {
		if y > cut(j, k) {
			above++
		}
	}
	return answer(p, req, p.Options[k-1-above], "rating", r)
}

// misbehave plants refusals and malformed answers.
func (m *Model) misbehave(p template.Perception, r *rand.Rand, tasks ...task.Task) (model.Response, bool) {
	par := m.truth.Params
	rate := par.RefusalRate
	for _, t := range tasks {
		if t.Origin == task.OriginBailBench {
			rate = par.BailRefusalRate
		}
	}
	u := r.Float64()
	switch {
	case u < rate:
		return stop(refusal(p.Fields.Language)), true
	case u < rate+par.MalformedRate:
		if p.Fields.ResponseFormat == template.FormatToolCall && r.IntN(2) == 0 {
			// A tool call with broken arguments, as real models sometimes emit.
			return model.Response{FinishReason: model.FinishToolCalls, ToolCalls: []model.ToolCall{{ID: "call_0", Name: firstToolName(p), Arguments: `{"choice": `}}}, true
		}
		return stop(malformed(p.Fields.Language)), true
	}
	return model.Response{}, false
}

// answer phrases value (a label or an option) in the requested format.
func answer(p template.Perception, req model.Request, value, what string, r *rand.Rand) model.Response {
	switch p.Fields.ResponseFormat {
	case template.FormatToolCall:
		if len(req.Tools) > 0 {
			tool := req.Tools[0]
			arg, enum := enumArg(tool)
			v := value
			for _, e := range enum {
				if strings.EqualFold(e, value) {
					v = e
				}
			}
			b, _ := json.Marshal(map[string]string{arg: v})
			return model.Response{FinishReason: model.FinishToolCalls, ToolCalls: []model.ToolCall{{ID: "call_0", Name: tool.Name, Arguments: string(b)}}}
		}
		return stop(value)
	case template.FormatXML:
		return stop("<" + what + ">" + value + "</" + what + ">")
	}
	// Plain text: mostly the bare answer, sometimes inside a short sentence.
	if r.IntN(4) == 0 {
		return stop(fmt.Sprintf(prose(p.Fields.Language), value))
	}
	return stop(value)
}

// enumArg finds the tool's first argument that has an enum, and the enum.
func enumArg(t model.Tool) (string, []string) {
	props, _ := t.Parameters["properties"].(map[string]any)
	for name, v := range props {
		spec, _ := v.(map[string]any)
		var out []string
		switch e := spec["enum"].(type) {
		case []any:
			for _, x := range e {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
		case []string:
			out = e
		}
		if len(out) > 0 {
			return name, out
		}
	}
	return "choice", nil
}

func firstToolName(p template.Perception) string {
	if p.Kind == template.PreStated || p.Kind == template.PostStated {
		return "submit_rating"
	}
	return "submit_choice"
}

func contextOf(p template.Perception) Context {
	f := p.Fields
	c := Context{
		"kind":                 string(p.Kind),
		"language":             f.Language,
		"phrasing":             f.Phrasing,
		"response_format":      f.ResponseFormat,
		"instruction_position": f.InstructionPosition,
		"task_labels":          f.TaskLabels,
		"typos":                strconv.FormatBool(f.Typos),
		"punctuation":          strconv.FormatBool(f.Punctuation),
		"instruction_xml":      strconv.FormatBool(f.InstructionXML),
		"situating_context":    strconv.FormatBool(f.SituatingContext),
	}
	return c
}

// ContextOf is the planted context of a template: the field levels the
// respondent perceives in prompts it renders.
func ContextOf(t template.Template) Context {
	return contextOf(template.Perception{Kind: t.Kind, Fields: t.Fields, Scale: t.Scale})
}

// Framing names the positivity framing of a template: kind and phrasing.
func Framing(t template.Template) string {
	return framing(template.Perception{Kind: t.Kind, Fields: t.Fields})
}

func framing(p template.Perception) string { return string(p.Kind) + "/" + p.Fields.Phrasing }

func stop(text string) model.Response {
	return model.Response{Text: text, FinishReason: model.FinishStop}
}

func refusal(lang string) string {
	switch lang {
	case "fr":
		return "Je suis désolé, mais je ne peux pas répondre à cette demande."
	case "es":
		return "Lo siento, pero no puedo responder a esta solicitud."
	}
	return "I'm sorry, but I can't help with that request."
}

func malformed(lang string) string {
	switch lang {
	case "fr":
		return "Les deux me conviennent, honnêtement."
	case "es":
		return "Las dos me parecen bien, la verdad."
	}
	return "Honestly, both of them sound fine to me."
}

func prose(lang string) string {
	switch lang {
	case "fr":
		return "Ma réponse : %s"
	case "es":
		return "Mi respuesta: %s"
	}
	return "My answer: %s"
}

// requestRNG derives the per-call generator from the truth seed, the whole
// request and its seed: same request + same seed = same answer.
func (m *Model) requestRNG(req model.Request) *rand.Rand {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(m.truth.Seed))
	h.Write(b[:])
	binary.LittleEndian.PutUint64(b[:], uint64(req.Seed))
	h.Write(b[:])
	binary.LittleEndian.PutUint64(b[:], math.Float64bits(req.Temperature))
	h.Write(b[:])
	for _, msg := range req.Messages {
		h.Write([]byte(msg.Role))
		h.Write([]byte{0})
		h.Write([]byte(msg.Content))
		h.Write([]byte{0})
	}
	for _, t := range req.Tools {
		h.Write([]byte(t.Name))
		h.Write([]byte{0})
	}
	hashSteering(h, req.Steering)
	s := h.Sum64()
	return rand.New(rand.NewPCG(s, s^0xda942042e4dd58b5))
}

// Activations implements model.ActivationModel. The conversation must
// contain a known task as a user turn.
func (m *Model) Activations(ctx context.Context, req model.ActivationRequest) (model.Activations, error) {
	if err := ctx.Err(); err != nil {
		return model.Activations{}, err
	}
	var tk task.Task
	found := false
	for _, msg := range req.Messages {
		if t, ok := m.byText[msg.Content]; ok && msg.Role == model.RoleUser {
			tk, found = t, true
		}
	}
	if !found {
		return model.Activations{}, errors.New("synth: activations: no known task in the conversation's user turns")
	}
	npos := 1
	if req.Positions.Kind == model.PosIndices {
		npos = len(req.Positions.Indices)
		if npos == 0 {
			return model.Activations{}, errors.New("synth: activations: positions kind indices with no indices")
		}
	}
	t := m.truth
	v := t.Valence(tk.ID) * t.PositionFactor(req.Positions.Kind)
	out := model.Activations{Layers: append([]int(nil), req.Layers...), Vectors: make([][][]float32, len(req.Layers))}
	for k, l := range req.Layers {
		if l < 0 || l > t.Params.Layers {
			return model.Activations{}, fmt.Errorf("synth: activations: layer %d out of range 0..%d", l, t.Params.Layers)
		}
		off := t.OriginOffset[tk.Origin]
		out.Vectors[k] = make([][]float32, npos)
		for p := 0; p < npos; p++ {
			// Noise depends on the task, layer and position, not on the call,
			// so re-extraction gives identical vectors.
			r := t.rng("act", tk.ID, strconv.Itoa(l), noiseKey(req.Positions.Kind, p))
			vec := make([]float32, t.Params.HiddenSize)
			for i := range vec {
				x := t.Strength[l]*v*t.Direction[l][i] + r.NormFloat64()
				if off != nil {
					x += off[l][i]
				}
				vec[i] = float32(x)
			}
			out.Vectors[k][p] = vec
		}
	}
	return out, nil
}

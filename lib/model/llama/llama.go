package llama

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/safetensors"

	_ "github.com/gomlx/compute/gobackend" // the "go" backend
)

// TextTokenizer is the text side a Model needs; lib/tokenizer's *Tokenizer
// satisfies it.
type TextTokenizer interface {
	Encode(text string) []int
	Decode(ids []int) string
	TokenID(token string) (int, bool)
}

// ChatRenderer renders a conversation to the model's prompt text; lib/tokenizer's
// *ChatTemplate satisfies it.
type ChatRenderer interface {
	Render(messages []model.Message, tools []model.Tool, addGenerationPrompt bool) (string, error)
}

// Options configure Open and New. The zero value (or nil) gives the defaults
// documented on each field.
type Options struct {
	// Backend is a GoMLX backend config such as "go" or
	// "xla:/abs/path/pjrt_c_api_cuda_plugin.so". Empty means $GOMLX_BACKEND, or
	// "go" when that is unset. An xla backend must name its plugin by
	// absolute path: nothing is ever downloaded.
	Backend string
	// DType is the compute dtype ("float32", "bfloat16", "float16"). Empty
	// means the checkpoint's: config.json's torch_dtype, else the dtype of
	// model.embed_tokens.weight.
	DType string
	// MaxNewTokens caps replies when a request sets none (default 512).
	MaxNewTokens int
	// TopP is the nucleus-sampling mass for Chat at temperature > 0; 0 means
	// 1 (no truncation).
	TopP float64
	// Name overrides Model.Name (default: the checkpoint directory's base
	// name).
	Name string
	// Tokenizer and Template override the ones Open loads from the
	// directory's tokenizer.json and tokenizer_config.json.
	Tokenizer TextTokenizer
	Template  ChatRenderer
}

// Model is a Llama-3.x model ready for inference. It is safe for concurrent
// use; calls are serialised.
type Model struct {
	cfg      *Config
	name     string
	dtype    dtypes.DType
	backend  compute.Backend
	weights  []*tensors.Tensor
	invFreq  []float32
	tok      TextTokenizer
	tmpl     ChatRenderer
	stopIDs  map[int]bool
	opts     Options
	mu       sync.Mutex
	execs    map[string]*graph.Exec
	execsMu  sync.Mutex
	closeSrc func() error
	// goBackend is set for GoMLX's pure Go backend, which lacks some ops.
	goBackend bool
	// shapes are the batch shapes Capture has run.
	shapes map[[3]int]bool
}

// Config returns the model's validated configuration.
func (m *Model) Config() Config { return *m.cfg }

// Name identifies the model in run configs.
func (m *Model) Name() string { return m.name }

// NumLayers is the number of decoder layers.
func (m *Model) NumLayers() int { return m.cfg.NumHiddenLayers }

// HiddenSize is the width of the residual stream.
func (m *Model) HiddenSize() int { return m.cfg.HiddenSize }

// DType is the compute dtype.
func (m *Model) DType() dtypes.DType { return m.dtype }

// Backend is the GoMLX backend the model runs on.
func (m *Model) Backend() compute.Backend { return m.backend }

// recoverError turns a panic (GoMLX graph building and tensor helpers panic)
// into an error at an exported function's boundary.
func recoverError(err *error, what string) {
	if r := recover(); r != nil {
		e, ok := r.(error)
		if !ok {
			e = fmt.Errorf("%v", r)
		}
		*err = fmt.Errorf("llama: %s: %w", what, e)
		if os.Getenv("PREFSCOPE_DEBUG") != "" {
			fmt.Fprintf(os.Stderr, "%s\n", debug.Stack())
		}
	}
}

// NewBackend creates the GoMLX backend named by config (see
// Options.Backend), refusing an xla backend without an absolute plugin path
// so that GoMLX never auto-installs (downloads) a plugin.
func NewBackend(config string) (compute.Backend, error) {
	if config == "" {
		config = os.Getenv(compute.ConfigEnvVar)
	}
	if config == "" {
		config = "go"
	}
	name, plugin, _ := strings.Cut(config, ":")
	switch name {
	case "go":
	case "xla", "stablehlo", "shlo", "hlo":
		path, _, _ := strings.Cut(plugin, ",")
		if !filepath.IsAbs(path) {
			return nil, fmt.Errorf("llama: backend %q: the xla backend needs the PJRT plugin's absolute path (xla:/path/to/plugin.so); prefscope never downloads one", config)
		}
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("llama: backend %q: %w", config, err)
		}
		os.Setenv("GOMLX_NO_AUTO_INSTALL", "1")
	default:
		return nil, fmt.Errorf("llama: backend %q: unknown backend (want go or xla:/abs/path.so)", config)
	}
	b, err := compute.NewWithConfig(config)
	if err != nil {
		return nil, fmt.Errorf("llama: backend %q: %w", config, err)
	}
	return b, nil
}

// Open loads a Hugging Face Llama checkpoint directory: config.json, the
// safetensors weights (model.safetensors or shards listed in
// model.safetensors.index.json, memory-mapped), and, when present,
// tokenizer.json and tokenizer_config.json's chat template.
func Open(dir string, opts *Options) (m *Model, err error) {
	defer recoverError(&err, "open "+dir)
	var o Options
	if opts != nil {
		o = *opts
	}
	cfg, err := LoadConfig(filepath.Join(dir, "config.json"))
	if err != nil {
		return nil, err
	}
	ckpt, err := safetensors.OpenCheckpoint(dir)
	if err != nil {
		return nil, fmt.Errorf("llama: %w", err)
	}
	if o.Name == "" {
		o.Name = filepath.Base(filepath.Clean(dir))
	}
	if o.Tokenizer == nil || o.Template == nil {
		tok, tmpl, err := loadText(dir)
		if err != nil {
			ckpt.Close()
			return nil, err
		}
		if o.Tokenizer == nil && tok != nil {
			o.Tokenizer = tok
		}
		if o.Template == nil && tmpl != nil {
			o.Template = tmpl
		}
	}
	m, err = New(cfg, ckpt, &o)
	if err != nil {
		ckpt.Close()
		return nil, err
	}
	m.closeSrc = ckpt.Close
	return m, nil
}

// New builds a model from a validated config and a tensor source.
func New(cfg *Config, src safetensors.Source, opts *Options) (m *Model, err error) {
	defer recoverError(&err, "new model")
	var o Options
	if opts != nil {
		o = *opts
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	dtName := o.DType
	if dtName == "" {
		dtName = cfg.TorchDType
	}
	if dtName == "" {
		if info, ok := src.Info("model.embed_tokens.weight"); ok {
			switch info.DType {
			case safetensors.BF16:
				dtName = "bfloat16"
			case safetensors.F16:
				dtName = "float16"
			default:
				dtName = "float32"
			}
		}
	}
	dt, err := parseDType(dtName)
	if err != nil {
		return nil, err
	}
	backend, err := NewBackend(o.Backend)
	if err != nil {
		return nil, err
	}
	w, err := loadWeights(src, cfg.weightSpecs(), dt)
	if err != nil {
		return nil, err
	}
	for _, t := range w {
		if err := t.ToDevice(backend, 0); err != nil {
			return nil, fmt.Errorf("llama: moving weights to the device: %w", err)
		}
	}
	if o.MaxNewTokens <= 0 {
		o.MaxNewTokens = 512
	}
	if o.TopP <= 0 || o.TopP > 1 {
		o.TopP = 1
	}
	m = &Model{cfg: cfg, name: o.Name, dtype: dt, backend: backend, weights: w, tok: o.Tokenizer, tmpl: o.Template,
		opts: o, execs: map[string]*graph.Exec{}, shapes: map[[3]int]bool{}, stopIDs: map[int]bool{}, goBackend: backend.String() == "go"}
	if m.name == "" {
		m.name = "llama"
	}
	for _, f := range cfg.InvFreq() {
		m.invFreq = append(m.invFreq, float32(f))
	}
	for _, id := range cfg.EOSTokenIDs {
		m.stopIDs[id] = true
	}
	if m.tok != nil {
		for _, s := range []string{"<|eot_id|>", "<|eom_id|>", "<|end_of_text|>"} {
			if id, ok := m.tok.TokenID(s); ok {
				m.stopIDs[id] = true
			}
		}
	}
	return m, nil
}

// Close releases the device weights and the memory-mapped checkpoint.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var errs []error
	for _, e := range m.execs {
		e.Finalize()
	}
	m.execs = nil
	for _, t := range m.weights {
		errs = append(errs, t.FinalizeAll())
	}
	m.weights = nil
	if m.closeSrc != nil {
		errs = append(errs, m.closeSrc())
		m.closeSrc = nil
	}
	return errors.Join(errs...)
}

// StopTokens lists the token ids that end generation (eos_token_id and the
// tokenizer's <|eot_id|>, <|eom_id|>, <|end_of_text|>).
func (m *Model) StopTokens() []int {
	var out []int
	for id := range m.stopIDs {
		out = append(out, id)
	}
	return out
}

// exec returns the cached executor for a graph kind, creating it with fn.
func (m *Model) exec(key string, fn func(inputs []*graph.Node) []*graph.Node) (*graph.Exec, error) {
	m.execsMu.Lock()
	defer m.execsMu.Unlock()
	if e, ok := m.execs[key]; ok {
		return e, nil
	}
	e, err := graph.NewExec(m.backend, fn)
	if err != nil {
		return nil, err
	}
	e.SetMaxCache(-1)
	m.execs[key] = e
	return e, nil
}

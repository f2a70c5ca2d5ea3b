package llama

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
)

// RopeScaling is Hugging Face's "rope_scaling" block (rope_type, or the
// older key type): Llama 3.x's "llama3" frequency scaling and "linear"
// position interpolation are supported; "default" with factor 1 is none.
type RopeScaling struct {
	RopeType                      string  `json:"rope_type"`
	Type                          string  `json:"type"`
	Factor                        float64 `json:"factor"`
	LowFreqFactor                 float64 `json:"low_freq_factor"`
	HighFreqFactor                float64 `json:"high_freq_factor"`
	OriginalMaxPositionEmbeddings int     `json:"original_max_position_embeddings"`
}

// Config is a Llama model's config.json; field tags are Hugging Face's keys.
type Config struct {
	HiddenSize            int          `json:"hidden_size"`
	NumHiddenLayers       int          `json:"num_hidden_layers"`
	NumAttentionHeads     int          `json:"num_attention_heads"`
	NumKeyValueHeads      int          `json:"num_key_value_heads"`
	IntermediateSize      int          `json:"intermediate_size"`
	RMSNormEps            float64      `json:"rms_norm_eps"`
	RopeTheta             float64      `json:"rope_theta"`
	RopeScaling           *RopeScaling `json:"rope_scaling"`
	TieWordEmbeddings     bool         `json:"tie_word_embeddings"`
	VocabSize             int          `json:"vocab_size"`
	BOSTokenID            int          `json:"bos_token_id"`
	EOSTokenIDs           []int        `json:"-"` // eos_token_id: an int or a list
	HeadDim               int          `json:"head_dim"`
	MaxPositionEmbeddings int          `json:"max_position_embeddings"`
	TorchDType            string       `json:"torch_dtype"`
}

// knownKeys are config.json keys that are read or deliberately ignored
// (they do not change the forward pass of a Llama model).
var knownKeys = map[string]bool{
	"hidden_size": true, "num_hidden_layers": true, "num_attention_heads": true, "num_key_value_heads": true,
	"intermediate_size": true, "rms_norm_eps": true, "rope_theta": true, "rope_scaling": true,
	"tie_word_embeddings": true, "vocab_size": true, "bos_token_id": true, "eos_token_id": true,
	"head_dim": true, "max_position_embeddings": true, "torch_dtype": true, "dtype": true,
	// Read but only checked:
	"hidden_act": true, "model_type": true, "architectures": true, "attention_bias": true, "mlp_bias": true,
	"pretraining_tp": true,
	// Training-time or bookkeeping keys with no effect on inference:
	"attention_dropout": true, "initializer_range": true, "use_cache": true, "transformers_version": true,
	"pad_token_id": true, "_name_or_path": true, "output_attentions": true, "output_hidden_states": true,
	"return_dict": true, "layer_types": true, "rope_parameters": true,
	// Llama-family variants that only change values (checked below):
	// Mistral's sliding_window (null, or longer than any sequence), SmolLM's
	// is_llama_config and rope_interleaved, and transformers.js settings.
	"sliding_window": true, "is_llama_config": true, "rope_interleaved": true, "transformers.js_config": true,
}

// Families whose checkpoints are the Llama architecture (same tensors,
// same forward pass) and differ only in config values.
var (
	modelTypes    = map[string]bool{"llama": true, "mistral": true}
	architectures = map[string]bool{"LlamaForCausalLM": true, "MistralForCausalLM": true}
)

// ParseConfig decodes and validates config.json bytes.
func ParseConfig(data []byte) (*Config, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("llama: config: %w", err)
	}
	// The family first: another architecture's keys are better explained
	// by its model_type than by the first key this package does not know.
	if v, ok := raw["model_type"]; ok {
		var mt string
		if json.Unmarshal(v, &mt) != nil || !modelTypes[mt] {
			return nil, fmt.Errorf("llama: config: key \"model_type\" = %s is not supported (Llama-architecture families: llama, mistral)", v)
		}
	}
	if v, ok := raw["architectures"]; ok && string(v) != "null" {
		var as []string
		if err := json.Unmarshal(v, &as); err != nil {
			return nil, fmt.Errorf("llama: config: key \"architectures\": want a list of names, got %s", v)
		}
		for _, a := range as {
			if !architectures[a] {
				return nil, fmt.Errorf("llama: config: key \"architectures\" names %q, not supported (LlamaForCausalLM, MistralForCausalLM)", a)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		if !knownKeys[k] {
			return nil, fmt.Errorf("llama: config: unknown key %q", k)
		}
	}
	c := &Config{RMSNormEps: 1e-5, RopeTheta: 10000, BOSTokenID: -1}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(c); err != nil {
		return nil, fmt.Errorf("llama: config: %w", err)
	}
	if v, ok := raw["eos_token_id"]; ok && string(v) != "null" {
		var one int
		var many []int
		switch {
		case json.Unmarshal(v, &one) == nil:
			c.EOSTokenIDs = []int{one}
		case json.Unmarshal(v, &many) == nil:
			c.EOSTokenIDs = many
		default:
			return nil, fmt.Errorf("llama: config: key \"eos_token_id\": want an int or a list of ints, got %s", v)
		}
	}
	if v, ok := raw["rope_parameters"]; ok && string(v) != "null" {
		// transformers 5 folds rope_theta and rope_scaling into one block.
		var p struct {
			RopeScaling
			RopeTheta *float64 `json:"rope_theta"`
		}
		if err := json.Unmarshal(v, &p); err != nil {
			return nil, fmt.Errorf("llama: config: key \"rope_parameters\": %w", err)
		}
		if p.RopeTheta != nil {
			c.RopeTheta = *p.RopeTheta
		}
		if c.RopeScaling == nil && (p.RopeType != "" || p.Type != "") {
			rs := p.RopeScaling
			c.RopeScaling = &rs
		}
	}
	if c.TorchDType == "" {
		if v, ok := raw["dtype"]; ok { // transformers 5 writes "dtype"
			_ = json.Unmarshal(v, &c.TorchDType)
		}
	}
	// Keys checked for value only.
	checks := []struct {
		key  string
		want string
	}{{"hidden_act", `"silu"`}, {"attention_bias", "false"}, {"mlp_bias", "false"}}
	for _, ch := range checks {
		if v, ok := raw[ch.key]; ok && strings.TrimSpace(string(v)) != ch.want {
			return nil, fmt.Errorf("llama: config: key %q = %s is not supported (want %s)", ch.key, v, ch.want)
		}
	}
	if v, ok := raw["pretraining_tp"]; ok && strings.TrimSpace(string(v)) != "1" {
		return nil, fmt.Errorf("llama: config: key \"pretraining_tp\" = %s is not supported (want 1)", v)
	}
	if v, ok := raw["rope_interleaved"]; ok && strings.TrimSpace(string(v)) != "false" {
		return nil, fmt.Errorf("llama: config: key \"rope_interleaved\" = %s is not supported (want false: RoPE rotates the two halves of a head)", v)
	}
	if v, ok := raw["sliding_window"]; ok && string(v) != "null" {
		// Attention over a window only differs from full attention on
		// sequences longer than the window; allow a window no sequence reaches.
		var w int
		if err := json.Unmarshal(v, &w); err != nil || c.MaxPositionEmbeddings <= 0 || w < c.MaxPositionEmbeddings {
			return nil, fmt.Errorf("llama: config: key \"sliding_window\" = %s is not supported (want null, or at least max_position_embeddings = %d)", v, c.MaxPositionEmbeddings)
		}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// LoadConfig reads and validates a config.json file.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("llama: %w", err)
	}
	c, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return c, nil
}

// Validate checks every value and fills defaults (num_key_value_heads =
// num_attention_heads, head_dim = hidden_size / num_attention_heads). Errors
// name the offending key.
func (c *Config) Validate() error {
	positive := []struct {
		key string
		v   int
	}{{"hidden_size", c.HiddenSize}, {"num_hidden_layers", c.NumHiddenLayers}, {"num_attention_heads", c.NumAttentionHeads},
		{"intermediate_size", c.IntermediateSize}, {"vocab_size", c.VocabSize}}
	for _, p := range positive {
		if p.v <= 0 {
			return fmt.Errorf("llama: config: key %q must be positive, got %d", p.key, p.v)
		}
	}
	if c.NumKeyValueHeads == 0 {
		c.NumKeyValueHeads = c.NumAttentionHeads
	}
	if c.NumKeyValueHeads < 0 || c.NumAttentionHeads%c.NumKeyValueHeads != 0 {
		return fmt.Errorf("llama: config: key \"num_key_value_heads\" = %d must divide num_attention_heads = %d", c.NumKeyValueHeads, c.NumAttentionHeads)
	}
	if c.HeadDim == 0 {
		if c.HiddenSize%c.NumAttentionHeads != 0 {
			return fmt.Errorf("llama: config: key \"hidden_size\" = %d is not a multiple of num_attention_heads = %d", c.HiddenSize, c.NumAttentionHeads)
		}
		c.HeadDim = c.HiddenSize / c.NumAttentionHeads
	}
	if c.HeadDim < 0 || c.HeadDim%2 != 0 {
		return fmt.Errorf("llama: config: key \"head_dim\" = %d must be positive and even (RoPE rotates pairs)", c.HeadDim)
	}
	if !(c.RMSNormEps > 0) || math.IsInf(c.RMSNormEps, 0) {
		return fmt.Errorf("llama: config: key \"rms_norm_eps\" = %v must be positive", c.RMSNormEps)
	}
	if !(c.RopeTheta > 0) || math.IsInf(c.RopeTheta, 0) {
		return fmt.Errorf("llama: config: key \"rope_theta\" = %v must be positive", c.RopeTheta)
	}
	if c.MaxPositionEmbeddings < 0 {
		return fmt.Errorf("llama: config: key \"max_position_embeddings\" = %d must not be negative", c.MaxPositionEmbeddings)
	}
	if c.BOSTokenID >= c.VocabSize {
		return fmt.Errorf("llama: config: key \"bos_token_id\" = %d is outside vocab_size %d", c.BOSTokenID, c.VocabSize)
	}
	for _, id := range c.EOSTokenIDs {
		if id < 0 || id >= c.VocabSize {
			return fmt.Errorf("llama: config: key \"eos_token_id\" value %d is outside vocab_size %d", id, c.VocabSize)
		}
	}
	switch c.TorchDType {
	case "", "float32", "bfloat16", "float16":
	default:
		return fmt.Errorf("llama: config: key \"torch_dtype\" = %q is not one of float32, bfloat16, float16", c.TorchDType)
	}
	if s := c.RopeScaling; s != nil {
		kind := s.RopeType
		if kind == "" {
			kind = s.Type
		}
		switch kind {
		case "llama3":
		case "linear":
			if !(s.Factor >= 1) || math.IsInf(s.Factor, 0) {
				return fmt.Errorf("llama: config: key \"rope_scaling.factor\" = %v must be >= 1", s.Factor)
			}
			return nil
		case "default", "":
			if s.Factor != 0 && s.Factor != 1 {
				return fmt.Errorf("llama: config: key \"rope_scaling\": rope_type %q with factor %v is not supported", kind, s.Factor)
			}
			c.RopeScaling = nil
			return nil
		default:
			return fmt.Errorf("llama: config: key \"rope_scaling.rope_type\" = %q is not supported (\"llama3\" or \"linear\")", kind)
		}
		if !(s.Factor >= 1) {
			return fmt.Errorf("llama: config: key \"rope_scaling.factor\" = %v must be >= 1", s.Factor)
		}
		if !(s.LowFreqFactor > 0) || !(s.HighFreqFactor > s.LowFreqFactor) {
			return fmt.Errorf("llama: config: keys \"rope_scaling.low_freq_factor\" = %v and \"high_freq_factor\" = %v need 0 < low < high", s.LowFreqFactor, s.HighFreqFactor)
		}
		if s.OriginalMaxPositionEmbeddings <= 0 {
			return fmt.Errorf("llama: config: key \"rope_scaling.original_max_position_embeddings\" must be positive, got %d", s.OriginalMaxPositionEmbeddings)
		}
	}
	return nil
}

// InvFreq returns RoPE's inverse frequencies, one per rotated pair
// (head_dim/2 values), with Llama 3.1's scaling when configured:
//
//	base: f_i = theta^(-2i/d)
//	linear: f_i / factor (positions interpolated by factor)
//	llama3: wavelength w = 2*pi/f; w < L/high: keep f; w > L/low: f/factor;
//	        else (1-s)*f/factor + s*f with s = (L/w - low)/(high - low)
//
// where L = original_max_position_embeddings (as in transformers'
// _compute_llama3_parameters). Computed in float64.
func (c *Config) InvFreq() []float64 {
	d := c.HeadDim
	out := make([]float64, d/2)
	for i := range out {
		out[i] = 1 / math.Pow(c.RopeTheta, float64(2*i)/float64(d))
	}
	s := c.RopeScaling
	if s == nil {
		return out
	}
	if s.RopeType == "linear" || s.RopeType == "" && s.Type == "linear" {
		for i := range out {
			out[i] /= s.Factor
		}
		return out
	}
	L := float64(s.OriginalMaxPositionEmbeddings)
	lowWave := L / s.LowFreqFactor
	highWave := L / s.HighFreqFactor
	for i, f := range out {
		w := 2 * math.Pi / f
		switch {
		case w < highWave:
		case w > lowWave:
			out[i] = f / s.Factor
		default:
			sm := (L/w - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor)
			out[i] = (1-sm)*f/s.Factor + sm*f
		}
	}
	return out
}

package synth

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"

	"github.com/prefscope/prefscope/lib/task"
)

// Params are the planted parameters' scales. The zero value of each field
// selects the documented default (use a tiny positive number to really
// switch a rate off, or set the corresponding Disable flag).
type Params struct {
	// OriginMean is the mean utility per task origin. Default: math 0.3,
	// alpaca 0.5, wildchat 0.1, bailbench -1.2.
	OriginMean map[string]float64 `json:"origin_mean" yaml:"origin_mean"`
	// WithinSD is the spread of Mu inside an origin. Default 0.8.
	WithinSD float64 `json:"within_sd" yaml:"within_sd"`
	// SigmaMedian and SigmaLogSD set Sigma_i = SigmaMedian·exp(SigmaLogSD·z).
	// Defaults 0.7 and 0.25.
	SigmaMedian float64 `json:"sigma_median" yaml:"sigma_median"`
	SigmaLogSD  float64 `json:"sigma_log_sd" yaml:"sigma_log_sd"`
	// PositionBias is added to the first-shown task's utility. Default 0.25.
	PositionBias float64 `json:"position_bias" yaml:"position_bias"`
	// FieldSD is the per-task perturbation scale for each template field (and
	// "kind"). Defaults in DefaultFieldSD.
	FieldSD map[string]float64 `json:"field_sd" yaml:"field_sd"`
	// RefusalRate and MalformedRate are per-call probabilities; BailBench
	// tasks refuse at BailRefusalRate. Defaults 0.01, 0.02, 0.06.
	RefusalRate     float64 `json:"refusal_rate" yaml:"refusal_rate"`
	BailRefusalRate float64 `json:"bail_refusal_rate" yaml:"bail_refusal_rate"`
	MalformedRate   float64 `json:"malformed_rate" yaml:"malformed_rate"`
	// PositivityBase shifts every rating up (in latent SD units). Default 1.5,
	// so that, as in the reference study, most answers are positive and few
	// negative.
	PositivityBase float64 `json:"positivity_base" yaml:"positivity_base"`
	// FramingSD and OptionSetSD are the spreads of the per-framing and
	// per-option-set positivity effects, InteractionSD that of the effect of
	// each (framing, option set) combination, so that a framing can be
	// positive under one option set and not another. Defaults 0.4, 0.3, 0.35.
	FramingSD     float64 `json:"framing_sd" yaml:"framing_sd"`
	OptionSetSD   float64 `json:"option_set_sd" yaml:"option_set_sd"`
	InteractionSD float64 `json:"interaction_sd" yaml:"interaction_sd"`
	// OriginPositivity shifts ratings of tasks of an origin, on top of the
	// origin's utility. Default: math 0.3, alpaca 0, wildchat -0.25,
	// bailbench -0.3; an origin not listed gets 0.
	OriginPositivity map[string]float64 `json:"origin_positivity" yaml:"origin_positivity"`
	// RatingSlope scales standardised utility in the rating latent. Default 1.
	RatingSlope float64 `json:"rating_slope" yaml:"rating_slope"`
	// Layers is the number of decoder layers and HiddenSize the activation
	// width. Defaults 32 and 128.
	Layers     int `json:"layers" yaml:"layers"`
	HiddenSize int `json:"hidden_size" yaml:"hidden_size"`
	// PeakStrength is the valence signal strength at the peak layer (noise has
	// unit variance per coordinate). Default 3.
	PeakStrength float64 `json:"peak_strength" yaml:"peak_strength"`
	// OriginOffsetSD scales the per-origin offset vectors. Default 0.5.
	OriginOffsetSD float64 `json:"origin_offset_sd" yaml:"origin_offset_sd"`
	// SteerGain, CoherenceLimit and IncoherenceMax plant the response to
	// steering (steer.go): utility shift SteerGain·L·tanh(m/L)·cos per steered
	// task at multiplier m, L = CoherenceLimit, and incoherent answers beyond
	// L up to IncoherenceMax. Defaults 8, 0.05, 0.9.
	SteerGain      float64 `json:"steer_gain" yaml:"steer_gain"`
	CoherenceLimit float64 `json:"coherence_limit" yaml:"coherence_limit"`
	IncoherenceMax float64 `json:"incoherence_max" yaml:"incoherence_max"`
	// PositionStrength scales the valence signal at each token position
	// kind (see positions.go). Default DefaultPositionStrength.
	PositionStrength map[string]float64 `json:"position_strength" yaml:"position_strength"`
	// TextShare is the share of the within-origin utility variance planted
	// as a linear function of the prompt's words (Text). Default 0.25.
	TextShare float64 `json:"text_share" yaml:"text_share"`
}

// DefaultFieldSD are the planted per-field utility perturbation scales.
// Language and kind matter most, cosmetic perturbations least, so the
// robustness regression has a known ranking to recover.
var DefaultFieldSD = map[string]float64{
	"kind":                 0.30,
	"language":             0.35,
	"phrasing":             0.25,
	"response_format":      0.20,
	"situating_context":    0.15,
	"instruction_position": 0.12,
	"typos":                0.08,
	"task_labels":          0.06,
	"instruction_xml":      0.06,
	"punctuation":          0.04,
}

func (p Params) withDefaults() Params {
	def := func(x *float64, d float64) {
		if *x == 0 {
			*x = d
		}
	}
	if p.OriginMean == nil {
		p.OriginMean = map[string]float64{task.OriginMath: 0.3, task.OriginAlpaca: 0.5, task.OriginWildChat: 0.1, task.OriginBailBench: -1.2}
	}
	def(&p.WithinSD, 0.8)
	def(&p.SigmaMedian, 0.7)
	def(&p.SigmaLogSD, 0.25)
	def(&p.PositionBias, 0.25)
	if p.FieldSD == nil {
		p.FieldSD = map[string]float64{}
		for k, v := range DefaultFieldSD {
			p.FieldSD[k] = v
		}
	}
	def(&p.RefusalRate, 0.01)
	def(&p.BailRefusalRate, 0.06)
	def(&p.MalformedRate, 0.02)
	def(&p.PositivityBase, 1.5)
	def(&p.FramingSD, 0.4)
	def(&p.OptionSetSD, 0.3)
	def(&p.InteractionSD, 0.35)
	if p.OriginPositivity == nil {
		p.OriginPositivity = map[string]float64{task.OriginMath: 0.3, task.OriginAlpaca: 0, task.OriginWildChat: -0.25, task.OriginBailBench: -0.3}
	}
	def(&p.RatingSlope, 1)
	if p.Layers == 0 {
		p.Layers = 32
	}
	if p.HiddenSize == 0 {
		p.HiddenSize = 128
	}
	def(&p.PeakStrength, 3)
	p.PositionStrength = defaultPositionStrength(p.PositionStrength)
	def(&p.OriginOffsetSD, 0.5)
	def(&p.SteerGain, 8)
	def(&p.CoherenceLimit, 0.05)
	def(&p.IncoherenceMax, 0.9)
	def(&p.TextShare, 0.25)
	return p
}

// Truth is the planted ground truth: everything the respondent's behaviour
// derives from. It is reproducible from Seed and the task list, and is
// saved next to simulated runs (truth.json) so notebooks can show estimates
// next to it.
type Truth struct {
	Seed   int64  `json:"seed"`
	Params Params `json:"params"`
	// Mu and Sigma per task ID (the pre-perturbation Thurstonian parameters).
	Mu    map[string]float64 `json:"mu"`
	Sigma map[string]float64 `json:"sigma"`
	// Origin per task ID.
	Origin map[string]string `json:"origin"`
	// MuMean and MuSD standardise Mu into the planted valence.
	MuMean float64 `json:"mu_mean"`
	MuSD   float64 `json:"mu_sd"`
	// Strength[l] is the valence signal strength at residual layer l
	// (0 = embeddings .. Layers).
	Strength []float64 `json:"strength"`
	// Direction[l] is the unit valence direction at layer l.
	Direction [][]float64 `json:"-"`
	// OriginOffset[origin][l] is the origin's offset vector at layer l.
	OriginOffset map[string][][]float64 `json:"-"`
	// PositivityTable lists the planted rating positivity of the framings
	// and option sets of the respondent's catalog (see Positivity).
	PositivityTable *PositivityTable `json:"positivity,omitempty"`
	// Text is the planted text-predictable part of Mu (see Text).
	Text *Text `json:"text,omitempty"`
}

// NewTruth plants parameters for tasks from seed.
func NewTruth(tasks []task.Task, seed int64, params Params) *Truth {
	p := params.withDefaults()
	t := &Truth{Seed: seed, Params: p, Mu: map[string]float64{}, Sigma: map[string]float64{}, Origin: map[string]string{}}
	var sum, sum2 float64
	share := min(max(p.TextShare, 0), 1)
	dim, text := t.plantText(tasks)
	t.Text = &Text{Share: share, Dim: dim, Component: map[string]float64{}}
	for _, tk := range tasks {
		r := t.rng("task", tk.ID)
		t.Text.Component[tk.ID] = p.WithinSD * math.Sqrt(share) * text[tk.ID]
		t.Mu[tk.ID] = p.OriginMean[tk.Origin] + p.WithinSD*math.Sqrt(1-share)*r.NormFloat64() + t.Text.Component[tk.ID]
		t.Sigma[tk.ID] = p.SigmaMedian * math.Exp(p.SigmaLogSD*r.NormFloat64())
		t.Origin[tk.ID] = tk.Origin
		sum += t.Mu[tk.ID]
		sum2 += t.Mu[tk.ID] * t.Mu[tk.ID]
	}
	if n := float64(len(tasks)); n > 1 {
		t.MuMean = sum / n
		t.MuSD = math.Sqrt((sum2 - n*t.MuMean*t.MuMean) / (n - 1))
	}
	if t.MuSD == 0 {
		t.MuSD = 1
	}
	t.Text.WithinOriginShare = withinOriginShare(t.Mu, t.Text.Component, t.Origin)
	t.plantActivations()
	return t
}

func (t *Truth) plantActivations() {
	p := t.Params
	L, H := p.Layers, p.HiddenSize
	t.Strength = make([]float64, L+1)
	t.Direction = make([][]float64, L+1)
	base := randVec(t.rng("direction", "base"), H)
	peak := float64(L) / 2
	for l := 0; l <= L; l++ {
		// Signal grows from nothing at the embeddings to a peak mid-depth and
		// fades towards the output, as probes on real models find.
		x := (float64(l) - peak) / (float64(L) / 4)
		t.Strength[l] = p.PeakStrength * math.Exp(-x*x/2)
		if l == 0 {
			t.Strength[l] = 0
		}
		own := randVec(t.rng("direction", strconv.Itoa(l)), H)
		d := make([]float64, H)
		for k := range d {
			d[k] = base[k] + 0.6*own[k]
		}
		t.Direction[l] = unit(d)
	}
	t.OriginOffset = map[string][][]float64{}
	origins := make([]string, 0, len(p.OriginMean))
	for o := range p.OriginMean {
		origins = append(origins, o)
	}
	sort.Strings(origins)
	for _, o := range origins {
		t.OriginOffset[o] = make([][]float64, L+1)
		for l := 0; l <= L; l++ {
			v := randVec(t.rng("origin", o, strconv.Itoa(l)), H)
			for k := range v {
				v[k] *= p.OriginOffsetSD
			}
			t.OriginOffset[o][l] = v
		}
	}
}

// Valence is the planted valence of a task: its standardised Mu.
func (t *Truth) Valence(taskID string) float64 {
	return (t.Mu[taskID] - t.MuMean) / t.MuSD
}

// Perturbation is the planted utility shift of a task when field has the
// given level: FieldSD[field] · z with z ~ N(0, 1) fixed by (seed, field,
// level, task).
func (t *Truth) Perturbation(field, level, taskID string) float64 {
	sd := t.Params.FieldSD[field]
	if sd == 0 {
		return 0
	}
	return sd * t.rng("field", field, level, taskID).NormFloat64()
}

// Context is the set of field levels a respondent perceives in a prompt,
// keyed by field name (template field names plus "kind").
type Context map[string]string

// Utility is task's utility in context c: Mu plus one perturbation per
// perceived field.
func (t *Truth) Utility(taskID string, c Context) float64 {
	u := t.Mu[taskID]
	for _, f := range slices.Sorted(maps.Keys(c)) {
		u += t.Perturbation(f, c[f], taskID)
	}
	return u
}

// ExpectedCorrelation is the planted Pearson correlation, over tasks, of
// utilities in two contexts: shared variance over total variance, with
// Var(Mu) estimated from the planted Mu.
func (t *Truth) ExpectedCorrelation(a, b Context) float64 {
	varMu := t.MuSD * t.MuSD
	shared, totalA, totalB := varMu, varMu, varMu
	for f, sd := range t.Params.FieldSD {
		la, okA := a[f]
		lb, okB := b[f]
		if okA {
			totalA += sd * sd
		}
		if okB {
			totalB += sd * sd
		}
		if okA && okB && la == lb {
			shared += sd * sd
		}
	}
	return shared / math.Sqrt(totalA*totalB)
}

// Positivity is the planted rating shift for a framing (kind/phrasing), an
// option set (scale name) and a task origin:
//
//	PositivityBase + FramingSD·z(framing) + OptionSetSD·z(scale)
//	  + InteractionSD·z(framing, scale) + OriginPositivity[origin]
//
// with each z ~ N(0, 1) fixed by the seed and its names.
func (t *Truth) Positivity(framing, scale, origin string) float64 {
	p := t.Params
	return p.PositivityBase + t.FramingEffect(framing) + t.OptionSetEffect(scale) +
		t.InteractionEffect(framing, scale) + p.OriginPositivity[origin]
}

// FramingEffect is the planted positivity effect of a framing.
func (t *Truth) FramingEffect(framing string) float64 {
	return t.Params.FramingSD * t.rng("framing", framing).NormFloat64()
}

// OptionSetEffect is the planted positivity effect of an option set.
func (t *Truth) OptionSetEffect(scale string) float64 {
	return t.Params.OptionSetSD * t.rng("options", scale).NormFloat64()
}

// InteractionEffect is the planted positivity effect of one framing with
// one option set, beyond the two main effects.
func (t *Truth) InteractionEffect(framing, scale string) float64 {
	return t.Params.InteractionSD * t.rng("framing_options", framing, scale).NormFloat64()
}

// RatingProbs are the planted probabilities of each of k options, best first,
// for a task in a context with the given framing and scale at temperature 1.
func (t *Truth) RatingProbs(taskID string, c Context, framing, scale string, k int) []float64 {
	return t.RatingProbsAt(taskID, c, framing, scale, k, 1)
}

// RatingProbsAt is RatingProbs at temperature temp: the latent's noise has
// SD temp, and temp <= 0 puts all mass on the option the mean falls in.
func (t *Truth) RatingProbsAt(taskID string, c Context, framing, scale string, k int, temp float64) []float64 {
	return optionProbs(t.ratingMean(taskID, c, framing, scale), k, temp)
}

// optionProbs are the probabilities of k options, best first, of an ordered
// probit with latent mean and noise SD temp.
func optionProbs(mean float64, k int, temp float64) []float64 {
	probs := make([]float64, k)
	prev := 0.0
	for j := 1; j <= k; j++ {
		// Options are listed best first; cut points rise from worst to best.
		var cdf float64 = 1
		if j < k {
			switch {
			case temp > 0:
				cdf = normCDF((cut(j, k) - mean) / temp)
			case mean > cut(j, k):
				cdf = 0
			}
		}
		probs[k-j] = cdf - prev
		prev = cdf
	}
	return probs
}

func (t *Truth) ratingMean(taskID string, c Context, framing, scale string) float64 {
	z := (t.Utility(taskID, c) - t.MuMean) / t.MuSD
	return t.Params.RatingSlope*z + t.Positivity(framing, scale, t.Origin[taskID])
}

// PositivityTable is the planted positivity of a synthetic study, written
// into truth.json: the base, the effect of every framing and option set the
// catalog has, every interaction, and the origin shifts, so that a reader can
// rebuild Positivity without the code.
type PositivityTable struct {
	Base        float64                       `json:"base"`
	Framing     map[string]float64            `json:"framing"`
	OptionSet   map[string]float64            `json:"option_set"`
	Interaction map[string]map[string]float64 `json:"interaction"`
	Origin      map[string]float64            `json:"origin"`
}

// TabulatePositivity fills t.PositivityTable for the given framings
// ("kind/phrasing") and option sets.
func (t *Truth) TabulatePositivity(framings, scales []string) {
	pt := &PositivityTable{
		Base: t.Params.PositivityBase, Framing: map[string]float64{}, OptionSet: map[string]float64{},
		Interaction: map[string]map[string]float64{}, Origin: t.Params.OriginPositivity,
	}
	for _, sc := range scales {
		pt.OptionSet[sc] = t.OptionSetEffect(sc)
	}
	for _, f := range framings {
		pt.Framing[f] = t.FramingEffect(f)
		pt.Interaction[f] = map[string]float64{}
		for _, sc := range scales {
			pt.Interaction[f][sc] = t.InteractionEffect(f, sc)
		}
	}
	t.PositivityTable = pt
}

// cut is the j-th of k−1 cut points, the standard-normal quantile of j/k.
func cut(j, k int) float64 {
	return math.Sqrt2 * math.Erfinv(2*float64(j)/float64(k)-1)
}

func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// rng returns a generator seeded by the truth seed and the given keys, so
// every planted quantity is a pure function of its name.
func (t *Truth) rng(keys ...string) *rand.Rand {
	return rngFor(t.Seed, keys...)
}

func rngFor(seed int64, keys ...string) *rand.Rand {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
	}
	s := h.Sum64()
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}

func randVec(r *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	return v
}

func unit(v []float64) []float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	s = math.Sqrt(s)
	for i := range v {
		v[i] /= s
	}
	return v
}

// ReadTruth reads planted parameters saved as JSON (a study's truth.json) and
// re-plants the activation directions, which are derived from the seed and
// not stored.
func ReadTruth(path string) (*Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("synth: %s: %w", path, err)
	}
	if len(t.Mu) == 0 {
		return nil, fmt.Errorf("synth: %s: no planted utilities", path)
	}
	t.Params = t.Params.withDefaults() // a file written before a parameter existed
	t.plantActivations()
	return &t, nil
}

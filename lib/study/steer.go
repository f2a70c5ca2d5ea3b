package study

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/probe"
	"github.com/prefscope/prefscope/lib/template"
)

// SteerSpec is a part's steer key: the part is measured once unsteered (the
// baseline) and once per direction and non-zero multiplier, with the same
// call seeds, every run otherwise as the part says. A revealed part is
// measured in both display orders (each template canonical and reversed).
//
//	steer:
//	  direction: valence_l16   # a probe direction saved under probes/, or a .safetensors path
//	  layer: 16                # default: the direction's layer
//	  multipliers: [-0.1, -0.05, 0.05, 0.1]   # units of the layer's mean activation norm
//	  mode: differential       # all, prompt, generated, last_prompt, differential
//	  random_directions: 5     # random unit directions orthogonal to it, every multiplier
//	  seed: 1                  # draws the random directions
//	  baseline_samples: 30     # the baseline's; default samples × (1 + random_directions)
//	  borderline: {part: source, low: 0.2, high: 0.8, max_pairs: 40, seed: 1}
//
// Only the measurement call is steered: a post-task part's completions come
// from the study's completion cache, unsteered, shared with every run.
//
// Steering parts run after the fixed-design and active-learning parts,
// because their direction and (with borderline) their pairs come from
// earlier results. Served models cannot steer: a steering part on one is an
// error when the study loads.
type SteerSpec struct {
	Direction        string          `yaml:"direction"`
	Layer            *int            `yaml:"layer,omitempty"`
	Multipliers      []float64       `yaml:"multipliers"`
	Mode             model.SteerMode `yaml:"mode"`
	RandomDirections int             `yaml:"random_directions,omitempty"`
	Seed             int64           `yaml:"seed,omitempty"`
	// BaselineSamples is the samples of the unsteered baseline. Every
	// direction and multiplier is compared with it, so its noise shifts
	// every estimate alike; 0 means samples × (1 + random_directions), as
	// many answers as all directions get at one multiplier.
	BaselineSamples int `yaml:"baseline_samples,omitempty"`
	// Borderline, on a revealed part, takes its pairs from an earlier
	// pre_revealed part: those whose measured P(a over b), the mean of the
	// two display orders' shares, lies in [Low, High].
	Borderline *BorderlineSpec `yaml:"borderline,omitempty"`
}

// BorderlineSpec selects the borderline pairs of an earlier part. Only pairs
// measured in both display orders qualify. MaxPairs > 0 keeps a seeded
// random subset of that size. Low and High default to 0.2 and 0.8.
type BorderlineSpec struct {
	Part     string  `yaml:"part"`
	Low      float64 `yaml:"low,omitempty"`
	High     float64 `yaml:"high,omitempty"`
	MaxPairs int     `yaml:"max_pairs,omitempty"`
	Seed     int64   `yaml:"seed,omitempty"`
}

// MaxRandomDirections bounds steer.random_directions.
const MaxRandomDirections = 100

func (b BorderlineSpec) bounds() (lo, hi float64) {
	lo, hi = b.Low, b.High
	if lo == 0 && hi == 0 {
		lo, hi = 0.2, 0.8
	}
	return lo, hi
}

// validateSteer checks part i's steer key; earlier holds the parts before it.
func (s *Study) validateSteer(root *yaml.Node, i int, p Part, earlier []Part) error {
	st := p.Steer
	if st == nil {
		return nil
	}
	at := func(keys ...string) []string { return append([]string{"parts", strconv.Itoa(i), "steer"}, keys...) }
	if kind := s.PartModel(p).Kind; kind != "synth" && kind != "llama" {
		return keyErr(root, at(), "model kind %q cannot steer: steering needs local weights (llama) or the simulated respondent (synth)", kind)
	}
	if p.ActiveLearning != nil {
		return keyErr(root, at(), "a steering part cannot also be an active_learning part")
	}
	if st.Direction == "" {
		return keyErr(root, at("direction"), "missing: a probe direction's name or a .safetensors file")
	}
	if st.Layer != nil && *st.Layer < 0 {
		return keyErr(root, at("layer"), "must not be negative, got %d", *st.Layer)
	}
	if !slices.ContainsFunc(st.Multipliers, func(m float64) bool { return m != 0 }) {
		return keyErr(root, at("multipliers"), "needs at least one non-zero multiplier (0, the unsteered baseline, is always measured)")
	}
	for j, m := range st.Multipliers {
		if math.IsNaN(m) || math.IsInf(m, 0) {
			return keyErr(root, at("multipliers", strconv.Itoa(j)), "%v is not a finite number", m)
		}
		if slices.Index(st.Multipliers, m) != j {
			return keyErr(root, at("multipliers", strconv.Itoa(j)), "%v is listed twice", m)
		}
	}
	if !slices.Contains(model.SteerModes, st.Mode) {
		return keyErr(root, at("mode"), "%q is not one of %v", st.Mode, model.SteerModes)
	}
	revealed := p.Kind == template.PreRevealed || p.Kind == template.PostRevealed
	if st.Mode == model.SteerDifferential && !revealed {
		return keyErr(root, at("mode"), "differential steering needs two tasks in the prompt (a revealed kind), not %s", p.Kind)
	}
	if st.BaselineSamples < 0 || st.BaselineSamples > measure.MaxRunCalls {
		return keyErr(root, at("baseline_samples"), "must be in 0..%d, got %d", measure.MaxRunCalls, st.BaselineSamples)
	}
	if st.RandomDirections < 0 || st.RandomDirections > MaxRandomDirections {
		return keyErr(root, at("random_directions"), "must be in 0..%d, got %d", MaxRandomDirections, st.RandomDirections)
	}
	b := st.Borderline
	if b == nil {
		return nil
	}
	if !revealed {
		return keyErr(root, at("borderline"), "borderline pairs need a revealed kind, not %s", p.Kind)
	}
	j := slices.IndexFunc(earlier, func(q Part) bool { return q.Name == b.Part })
	if j < 0 {
		return keyErr(root, at("borderline", "part"), "%q is not a part listed before this one", b.Part)
	}
	if src := earlier[j]; src.Kind != template.PreRevealed || src.Steer != nil || src.ActiveLearning != nil {
		return keyErr(root, at("borderline", "part"), "part %q must be a fixed-design pre_revealed part without steering", b.Part)
	}
	if lo, hi := b.bounds(); !(lo >= 0 && lo < hi && hi <= 1) {
		return keyErr(root, at("borderline"), "want 0 <= low < high <= 1, got low %v, high %v", lo, hi)
	}
	if b.MaxPairs < 0 {
		return keyErr(root, at("borderline", "max_pairs"), "must not be negative, got %d", b.MaxPairs)
	}
	return nil
}

// steerDirection loads a steering part's direction: a probe saved under
// probes/ by name, or a .safetensors file (relative to the study).
func (s *Study) steerDirection(st *SteerSpec) (*probe.Direction, error) {
	var d *probe.Direction
	var err error
	if strings.HasSuffix(st.Direction, ".safetensors") || strings.ContainsAny(st.Direction, `/\`) {
		path := st.Direction
		if !filepath.IsAbs(path) {
			path = filepath.Join(s.dir, path)
		}
		d, err = probe.ReadDirection(path)
	} else {
		d, err = probe.LoadDirection(s.dir, st.Direction)
	}
	if err != nil {
		return nil, fmt.Errorf("study: %s: steer.direction %q: %w (fit and save the probe first: probe.SaveDirection)", s.path(), st.Direction, err)
	}
	return d, nil
}

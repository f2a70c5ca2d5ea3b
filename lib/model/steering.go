package model

import (
	"errors"
	"fmt"
	"math"
)

// SteerMode says which token positions a steering vector is added at.
type SteerMode string

// Steering modes.
const (
	// SteerAll adds the vector at every position, prompt and generated.
	SteerAll SteerMode = "all"
	// SteerPrompt adds it at every prompt position (prefill only).
	SteerPrompt SteerMode = "prompt"
	// SteerGenerated adds it only at generated positions (decode only).
	SteerGenerated SteerMode = "generated"
	// SteerLastPrompt adds it at the last prompt position only.
	SteerLastPrompt SteerMode = "last_prompt"
	// SteerDifferential adds +vector on the tokens of Plus and −vector on the
	// tokens of Minus, during prefill: for a pairwise choice, Plus is the
	// first-shown task's text and Minus the second's.
	SteerDifferential SteerMode = "differential"
)

// SteerModes lists every mode, in documentation order.
var SteerModes = []SteerMode{SteerAll, SteerPrompt, SteerGenerated, SteerLastPrompt, SteerDifferential}

// Steering asks a model to add c·v to its residual stream at one layer while
// it answers, with v a unit direction and c = Multiplier·Norm: the
// multiplier is in units of Norm, the layer's mean activation norm (stored
// beside a probe direction), so that the same multiplier means the same
// relative push on models of any width.
//
// Layer follows ActivationRequest's convention: the vector is added to
// hidden state Layer, the output of decoder layer Layer (0 = embeddings),
// which is the input of the layers above it.
type Steering struct {
	// Direction is the unit vector of the hidden size. It is not part of a
	// run's identity as JSON (too long); DirectionID is.
	Direction []float32 `json:"-" yaml:"-"`
	// DirectionID names the direction in run configs: which probe (with a
	// hash of its vector) or which random draw.
	DirectionID string    `json:"direction" yaml:"direction"`
	Layer       int       `json:"layer" yaml:"layer"`
	Multiplier  float64   `json:"multiplier" yaml:"multiplier"`
	Norm        float64   `json:"norm" yaml:"norm"`
	Mode        SteerMode `json:"mode" yaml:"mode"`
	// Plus and Minus are the texts whose tokens a differential request steers
	// by +c and −c. They are per request (the engine fills them from the
	// tasks shown), so run configs leave them empty.
	Plus  string `json:"plus,omitempty" yaml:"plus,omitempty"`
	Minus string `json:"minus,omitempty" yaml:"minus,omitempty"`
}

// Coefficient is the length of the added vector, Multiplier·Norm.
func (s *Steering) Coefficient() float64 { return s.Multiplier * s.Norm }

// Validate checks a request's steering against a model's shape: a unit
// direction of hiddenSize, a layer in 0..numLayers, a known mode, finite
// numbers, and both spans for a differential request.
func (s *Steering) Validate(numLayers, hiddenSize int) error {
	if s == nil {
		return nil
	}
	if len(s.Direction) != hiddenSize {
		return fmt.Errorf("model: steering %s: direction has %d values, the model's hidden size is %d", s.DirectionID, len(s.Direction), hiddenSize)
	}
	if s.Layer < 0 || s.Layer > numLayers {
		return fmt.Errorf("model: steering %s: layer %d out of range 0..%d", s.DirectionID, s.Layer, numLayers)
	}
	if math.IsNaN(s.Multiplier) || math.IsInf(s.Multiplier, 0) || math.IsNaN(s.Norm) || math.IsInf(s.Norm, 0) || s.Norm < 0 {
		return fmt.Errorf("model: steering %s: multiplier %v and norm %v must be finite, the norm non-negative", s.DirectionID, s.Multiplier, s.Norm)
	}
	var n2 float64
	for _, x := range s.Direction {
		n2 += float64(x) * float64(x)
	}
	if math.Abs(math.Sqrt(n2)-1) > 1e-3 {
		return fmt.Errorf("model: steering %s: direction has norm %.4f, want a unit vector", s.DirectionID, math.Sqrt(n2))
	}
	switch s.Mode {
	case SteerAll, SteerPrompt, SteerGenerated, SteerLastPrompt:
	case SteerDifferential:
		if s.Plus == "" || s.Minus == "" {
			return errors.New("model: differential steering needs both spans (plus and minus texts)")
		}
	default:
		return fmt.Errorf("model: steering %s: unknown mode %q (want one of %v)", s.DirectionID, s.Mode, SteerModes)
	}
	return nil
}

// ErrNoSteering is returned by models that cannot steer (served models):
// steering needs local weights or the simulated respondent.
var ErrNoSteering = errors.New("model: this model cannot steer (steering needs local weights or the simulated respondent)")

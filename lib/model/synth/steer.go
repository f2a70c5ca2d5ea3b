package synth

import (
	"encoding/binary"
	"fmt"
	"hash"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/template"
)

// SteerCosine is the cosine between a steering direction and the planted
// valence direction at layer: the only part of a direction the respondent
// responds to.
func (t *Truth) SteerCosine(dir []float32, layer int) float64 {
	if layer < 0 || layer >= len(t.Direction) || len(dir) != len(t.Direction[layer]) {
		return 0
	}
	var dot, n2 float64
	for i, x := range dir {
		dot += float64(x) * t.Direction[layer][i]
		n2 += float64(x) * float64(x)
	}
	if n2 == 0 {
		return 0
	}
	return dot / math.Sqrt(n2)
}

// SteerShift is the planted utility shift of a task whose tokens are steered
// along a direction with cosine cos to the valence direction, at multiplier
// m (in units of the layer's mean activation norm):
//
//	SteerGain · L · tanh(m / L) · cos,   L = CoherenceLimit,
//
// linear (slope SteerGain·cos) well inside the coherence limit, saturating
// at ±SteerGain·L·cos beyond it.
func (t *Truth) SteerShift(cos, m float64) float64 {
	p := t.Params
	l := p.CoherenceLimit
	return p.SteerGain * l * math.Tanh(m/l) * cos
}

// Incoherence is the planted probability that a steered answer is
// incoherent (unparseable), whatever the direction: 0 up to the coherence
// limit, then IncoherenceMax·(1 − exp(−(|m| − L)/L)).
func (t *Truth) Incoherence(m float64) float64 {
	p := t.Params
	over := math.Abs(m) - p.CoherenceLimit
	if over <= 0 {
		return 0
	}
	return p.IncoherenceMax * (1 - math.Exp(-over/p.CoherenceLimit))
}

// steer is a request's planted steering response: the utility shift of each
// shown task (display order) and whether the answer comes out incoherent.
type steer struct {
	shift      []float64
	incoherent bool
}

// steerOf reads req.Steering against the perceived prompt. Without
// steering every shift is zero. Differential steering shifts the task whose
// text is Plus up and the one whose text is Minus down; the other modes
// shift every task shown (so a pairwise choice does not move, a rating
// does). A differential span that is not a task of the prompt is an error,
// as it is for a model that looks for it among the prompt's tokens.
func (m *Model) steerOf(req model.Request, p template.Perception) (steer, error) {
	s := steer{shift: make([]float64, len(p.TaskTexts))}
	st := req.Steering
	if st == nil {
		return s, nil
	}
	t := m.truth
	shift := t.SteerShift(t.SteerCosine(st.Direction, st.Layer), st.Multiplier)
	if st.Mode == model.SteerDifferential {
		plus, minus := -1, -1
		for i, x := range p.TaskTexts {
			switch x {
			case st.Plus:
				plus = i
			case st.Minus:
				minus = i
			}
		}
		if plus < 0 || minus < 0 {
			return s, fmt.Errorf("synth: differential steering: the prompt's tasks do not include both span texts (plus found: %t, minus found: %t)", plus >= 0, minus >= 0)
		}
		s.shift[plus], s.shift[minus] = shift, -shift
	} else {
		for i := range s.shift {
			s.shift[i] = shift
		}
	}
	s.incoherent = m.steerRNG(req).Float64() < t.Incoherence(st.Multiplier)
	return s, nil
}

// steerRNG is the draw of incoherence, separate from the answer's stream.
func (m *Model) steerRNG(req model.Request) *rand.Rand {
	r := m.requestRNG(req)
	s := r.Uint64() ^ 0x5bd1e9955bd1e995
	return rand.New(rand.NewPCG(s, s>>1))
}

// incoherent is the text of an answer broken by steering too hard: repeated
// fragments that no parser reads as a choice or rating.
func incoherent(r *rand.Rand) model.Response {
	words := []string{"the", "the", "sea", "of", "of", "and", "task", "tasks", "—", "…"}
	var b strings.Builder
	for i := 0; i < 12; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	return stop(b.String())
}

// SteeredChoiceProb is the planted probability that a pairwise choice in
// context c at temperature temp picks the first-shown task a over b when
// their utilities are shifted by shiftA and shiftB (see SteerShift), among
// coherent, parsed answers. temp <= 0 is greedy (0 or 1).
func (t *Truth) SteeredChoiceProb(a, b string, c Context, temp, shiftA, shiftB float64) float64 {
	d := t.Utility(a, c) + t.Params.PositionBias - t.Utility(b, c) + shiftA - shiftB
	if temp <= 0 {
		if d < 0 {
			return 0
		}
		return 1
	}
	return normCDF(d / (temp * math.Hypot(t.Sigma[a], t.Sigma[b])))
}

// SteeredRatingProbs is RatingProbsAt with the task's utility shifted by
// shift (see SteerShift).
func (t *Truth) SteeredRatingProbs(taskID string, c Context, framing, scale string, k int, temp, shift float64) []float64 {
	mean := t.ratingMean(taskID, c, framing, scale) + t.Params.RatingSlope*shift/t.MuSD
	return optionProbs(mean, k, temp)
}

// hashSteering folds a steered request's settings into its random stream,
// so that each direction and multiplier draws its answers independently of
// the unsteered ones (as separate samples would); multiplier 0 adds
// nothing, so an unsteered request and one steered by 0 answer alike.
func hashSteering(h hash.Hash64, s *model.Steering) {
	if s == nil || s.Multiplier == 0 {
		return
	}
	var b [8]byte
	h.Write([]byte(s.DirectionID))
	h.Write([]byte{0})
	h.Write([]byte(s.Mode))
	binary.LittleEndian.PutUint64(b[:], math.Float64bits(s.Multiplier))
	h.Write(b[:])
	binary.LittleEndian.PutUint64(b[:], uint64(s.Layer))
	h.Write(b[:])
	for _, x := range s.Direction {
		binary.LittleEndian.PutUint32(b[:4], math.Float32bits(x))
		h.Write(b[:4])
	}
}

package utility

import (
	"math"
)

// Metrics summarises how well a model predicts a set of comparisons.
type Metrics struct {
	// Accuracy is the weighted share of comparisons won by the side the
	// model gives P ≥ 1/2 (ties and soft labels count fractionally).
	Accuracy float64
	// LogLoss is the mean negative log-probability of the observed outcomes,
	// -Σ [w_ij log P(i≻j) + w_ji log P(j≻i)] / Σ (w_ij + w_ji), in nats,
	// with log Φ evaluated stably (no clipping).
	LogLoss float64
	// Comparisons is the total weight Σ (w_ij + w_ji).
	Comparisons float64
}

// Predictor is anything that gives P(task i preferred to task j);
// *Utilities is one, and so is Truth.
type Predictor interface {
	Prob(i, j int) float64
	// Z returns the probit (μᵢ-μⱼ)/√(σᵢ²+σⱼ²), so that Prob = Φ(Z).
	Z(i, j int) float64
}

// PlantedModel is a planted Thurstonian model: it predicts like a fit.
type PlantedModel struct {
	Mu, Sigma []float64
}

// Prob returns Φ((μᵢ-μⱼ)/√(σᵢ²+σⱼ²)) under the planted parameters.
func (t PlantedModel) Prob(i, j int) float64 { return Phi(t.Z(i, j)) }

// Z returns (μᵢ-μⱼ)/√(σᵢ²+σⱼ²) under the planted parameters.
func (t PlantedModel) Z(i, j int) float64 {
	return (t.Mu[i] - t.Mu[j]) / math.Sqrt(t.Sigma[i]*t.Sigma[i]+t.Sigma[j]*t.Sigma[j])
}

// Evaluate scores a model on held-out comparisons.
func Evaluate(m Predictor, test *Data) Metrics {
	var r Metrics
	var correct, loss float64
	for _, p := range test.pairs {
		z := m.Z(p.I, p.J)
		need := 0
		if p.WinsI != 0 {
			need |= 1
		}
		if p.WinsJ != 0 {
			need |= 2
		}
		lpI, lpJ, _, _ := pairTerms(z, need)
		loss -= p.WinsI*lpI + p.WinsJ*lpJ
		switch {
		case z > 0:
			correct += p.WinsI
		case z < 0:
			correct += p.WinsJ
		default: // P = 1/2 predicts i by the P ≥ 1/2 rule
			correct += p.WinsI
		}
		r.Comparisons += p.WinsI + p.WinsJ
	}
	if r.Comparisons > 0 {
		r.Accuracy = correct / r.Comparisons
		r.LogLoss = loss / r.Comparisons
	}
	return r
}

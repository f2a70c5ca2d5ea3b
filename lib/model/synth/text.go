package synth

import (
	"maps"
	"math"
	"slices"

	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/task"
)

// Text is the planted text-predictable component of utility: a part of
// every task's utility that is a linear function of the words of its prompt
// (its TF-IDF vector, task.TextFeatures), so that a content baseline (a
// probe on the words alone) can read it and no more. truth.json saves it
// under "text".
type Text struct {
	// Share is Params.TextShare: the planted share of the within-origin
	// utility variance that comes from the words.
	Share float64 `json:"share"`
	// Dim is the number of hashed text features the component is planted on.
	Dim int `json:"dim"`
	// Component is each task's text part of Mu, in utility units.
	Component map[string]float64 `json:"component"`
	// WithinOriginShare is the realised share of the variance of Mu within
	// origins that Component explains (the R² of Mu on Component after both
	// are demeaned by origin): what a perfect content baseline reaches on
	// origin-demeaned utilities.
	WithinOriginShare float64 `json:"within_origin_share"`
}

// plantText returns each task's standardised text score (SD 1 over the
// tasks, mean 0 within every origin):
//
//	t = std((F̃ F̃ᵀ)^textPower c),  c_j ~ N(0, 1) per task,
//
// with F̃ the prompts' TF-IDF features (task.TextFeatures) demeaned within
// origin. t = F̃v is linear in the words, with v a mix of the tasks' own word
// vectors, so it varies along the main axes on which the prompts' words
// differ (where a ridge on the words can learn it from a few hundred tasks),
// not along single rare words. All 0 when the prompts carry no
// within-origin word variation.
func (t *Truth) plantText(tasks []task.Task) (dim int, score map[string]float64) {
	dim = task.DefaultTextDim
	score = map[string]float64{}
	prompts := make([]string, len(tasks))
	for i, tk := range tasks {
		prompts[i] = tk.Prompt
		score[tk.ID] = 0
	}
	f, err := task.TextFeatures(prompts, dim)
	if err != nil {
		return dim, score // no tasks
	}
	origins := make([]string, len(tasks))
	for i, tk := range tasks {
		origins[i] = tk.Origin
	}
	stats.DemeanByGroup(f, dim, origins)
	raw := make([]float64, len(tasks))
	for i, tk := range tasks {
		raw[i] = t.rng("text", tk.ID).NormFloat64()
	}
	for range textPower {
		// raw ← F̃ F̃ᵀ raw: each pass weights the kernel's top directions more.
		v := make([]float64, dim)
		for i := range tasks {
			for j, x := range f[i*dim : (i+1)*dim] {
				v[j] += raw[i] * x
			}
		}
		for i := range tasks {
			raw[i] = 0
			for j, x := range f[i*dim : (i+1)*dim] {
				raw[i] += x * v[j]
			}
		}
	}
	_, sd := meanSD(raw)
	if sd > 0 {
		for i, tk := range tasks {
			score[tk.ID] = raw[i] / sd
		}
	}
	return dim, score
}

// textPower is how many times the text kernel F̃F̃ᵀ is applied to the
// random task weights: each pass concentrates t further on the directions
// along which the prompts' words vary most. With 4, a ridge on the 240
// default prompts' words recovers about nine tenths of the planted share.
const textPower = 4

// withinOriginShare is the R² of mu on component after both are demeaned
// by origin.
func withinOriginShare(mu, component map[string]float64, origin map[string]string) float64 {
	ids := slices.Sorted(maps.Keys(mu))
	demean := func(v map[string]float64) []float64 {
		out := make([]float64, len(ids))
		groups := make([]string, len(ids))
		for i, id := range ids {
			out[i], groups[i] = v[id], origin[id]
		}
		stats.DemeanByGroup(out, 1, groups)
		return out
	}
	a, b := demean(mu), demean(component)
	var ab, aa, bb float64
	for i := range a {
		ab += a[i] * b[i]
		aa += a[i] * a[i]
		bb += b[i] * b[i]
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab * ab / (aa * bb)
}

func meanSD(v []float64) (m, sd float64) {
	if len(v) < 2 {
		return 0, 0
	}
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	for _, x := range v {
		sd += (x - m) * (x - m)
	}
	return m, math.Sqrt(sd / float64(len(v)-1))
}

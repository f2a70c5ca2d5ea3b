package synth

import (
	"maps"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/prefscope/prefscope/lib/task"
)

// Text is the planted text-predictable component of utility: a small
// lexicon of words, each with a weight, so that part of every task's utility
// is a linear function of which lexicon words its prompt contains. A content
// baseline (a probe on the words of the prompt alone) can read this part and
// no more; truth.json saves it under "text".
type Text struct {
	// Share is Params.TextShare: the planted share of the within-origin
	// utility spread that comes from the words.
	Share float64 `json:"share"`
	// Lexicon maps each planted word to its weight (before standardising).
	Lexicon map[string]float64 `json:"lexicon"`
	// Component is each task's text part of Mu, in utility units.
	Component map[string]float64 `json:"component"`
	// WithinOriginShare is the realised share of the variance of Mu within
	// origins that Component explains (the R² of Mu on Component after both
	// are demeaned by origin): what a perfect content baseline reaches on
	// origin-demeaned utilities.
	WithinOriginShare float64 `json:"within_origin_share"`
}

// Lexicon selection: words of 3+ letters found in at least lexiconMinDocs
// prompts and at most lexiconMaxShare of them (so the words recur, and are
// not in every prompt), lexiconSize of them chosen by the seed.
const (
	lexiconMinDocs  = 8
	lexiconMaxShare = 0.25
	lexiconSize     = 20
)

// Words splits a prompt into lowercase words of letters: the tokenisation
// of the planted lexicon.
func Words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) })
}

// plantText chooses the lexicon from the tasks' prompts and returns each
// task's standardised text score (mean 0, SD 1 over the tasks; all 0 when
// no prompt has a lexicon word).
func (t *Truth) plantText(tasks []task.Task) (lexicon map[string]float64, score map[string]float64) {
	docs := map[string]int{}
	present := make([][]string, len(tasks))
	for i, tk := range tasks {
		seen := map[string]bool{}
		for _, w := range Words(tk.Prompt) {
			if len([]rune(w)) >= 3 && !seen[w] {
				seen[w] = true
				present[i] = append(present[i], w)
				docs[w]++
			}
		}
	}
	var candidates []string
	for w, n := range docs {
		if n >= lexiconMinDocs && float64(n) <= lexiconMaxShare*float64(len(tasks)) {
			candidates = append(candidates, w)
		}
	}
	// A seeded order (a hash of seed and word), not the alphabet.
	key := map[string]float64{}
	for _, w := range candidates {
		key[w] = t.rng("lexicon", w).Float64()
	}
	slices.SortFunc(candidates, func(a, b string) int {
		if key[a] != key[b] {
			if key[a] < key[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	lexicon = map[string]float64{}
	for _, w := range candidates[:min(lexiconSize, len(candidates))] {
		lexicon[w] = t.rng("text", w).NormFloat64()
	}
	raw := make([]float64, len(tasks))
	for i := range tasks {
		for _, w := range present[i] {
			raw[i] += lexicon[w]
		}
	}
	m, sd := meanSD(raw)
	score = map[string]float64{}
	for i, tk := range tasks {
		score[tk.ID] = 0
		if sd > 0 {
			score[tk.ID] = (raw[i] - m) / sd
		}
	}
	return lexicon, score
}

// withinOriginShare is the R² of mu on component after both are demeaned
// by origin.
func withinOriginShare(mu, component map[string]float64, origin map[string]string) float64 {
	ids := slices.Sorted(maps.Keys(mu))
	demean := func(v map[string]float64) []float64 {
		sum, n := map[string]float64{}, map[string]float64{}
		for _, id := range ids {
			sum[origin[id]] += v[id]
			n[origin[id]]++
		}
		out := make([]float64, len(ids))
		for i, id := range ids {
			out[i] = v[id] - sum[origin[id]]/n[origin[id]]
		}
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

package task

import (
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"unicode"
)

// DefaultTextDim is the number of hashed text features (2¹²).
const DefaultTextDim = 1 << 12

// TextFeatures turns task texts into the content baseline's features:
// lowercase words (runs of letters and digits), their unigrams and adjacent
// bigrams hashed (FNV-1a) into dim buckets, weighted by TF-IDF as
// scikit-learn's TfidfVectorizer does by default (raw counts times the
// smoothed idf ln((1+n)/(1+df)) + 1, each row scaled to unit length). The
// result is n×dim, row-major. The probes' content baseline reads these
// features (what the words of a prompt predict, and nothing a model
// computed), and the simulated respondent plants its text-predictable
// utility on them.
func TextFeatures(texts []string, dim int) ([]float64, error) {
	if dim <= 0 {
		return nil, fmt.Errorf("task: text features: dim %d must be positive", dim)
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("task: text features: no texts")
	}
	n := len(texts)
	x := make([]float64, n*dim)
	df := make([]float64, dim)
	for i, t := range texts {
		row := x[i*dim : (i+1)*dim]
		words := strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		for k, w := range words {
			row[bucket(w, dim)]++
			if k > 0 {
				row[bucket(words[k-1]+" "+w, dim)]++
			}
		}
		for j, v := range row {
			if v > 0 {
				df[j]++
			}
		}
	}
	for j := range df {
		df[j] = math.Log((1+float64(n))/(1+df[j])) + 1
	}
	for i := range n {
		row := x[i*dim : (i+1)*dim]
		var ss float64
		for j := range row {
			row[j] *= df[j]
			ss += row[j] * row[j]
		}
		if ss > 0 {
			s := 1 / math.Sqrt(ss)
			for j := range row {
				row[j] *= s
			}
		}
	}
	return x, nil
}

func bucket(term string, dim int) int {
	h := fnv.New64a()
	h.Write([]byte(term))
	return int(h.Sum64() % uint64(dim))
}

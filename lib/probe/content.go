package probe

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
// result is n×dim, row-major. A probe on these features reads what the
// words of the prompt predict, and nothing the model computed.
func TextFeatures(texts []string, dim int) ([]float64, error) {
	if dim <= 0 {
		return nil, fmt.Errorf("probe: text features: dim %d must be positive", dim)
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("probe: text features: no texts")
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

// ContentDataset is ds with its activations replaced by the text features
// of each row's task (texts maps task id to prompt): the content baseline
// runs the same ridge, folds and targets on the words alone. A task without
// a text is an error naming it.
func ContentDataset(ds *Dataset, texts map[string]string, dim int) (*Dataset, error) {
	rows := make([]string, ds.Rows())
	for i, id := range ds.TaskIDs {
		t, ok := texts[id]
		if !ok {
			return nil, fmt.Errorf("probe: content baseline: task %s has no text", id)
		}
		rows[i] = t
	}
	x, err := TextFeatures(rows, dim)
	if err != nil {
		return nil, err
	}
	out := *ds
	out.X, out.D = x, dim
	return &out, nil
}

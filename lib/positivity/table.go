package positivity

import (
	"fmt"
	"math"
	"slices"

	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/template"
)

// Dim is a field a Table groups ratings by.
type Dim string

// The dimensions of a rating.
const (
	ByModel     Dim = "model"
	ByPart      Dim = "part"
	ByKind      Dim = "kind"
	ByFraming   Dim = "framing"
	ByOptionSet Dim = "option_set"
	ByOrigin    Dim = "origin"
)

var dims = []Dim{ByModel, ByPart, ByKind, ByFraming, ByOptionSet, ByOrigin}

// Class is the sign of an answer's score.
type Class int

// The three classes, in the order Cell.Share indexes them.
const (
	Positive Class = iota
	Neutral
	Negative
)

// Classes lists the classes in order.
var Classes = []Class{Positive, Neutral, Negative}

func (c Class) String() string {
	switch c {
	case Positive:
		return "positive"
	case Neutral:
		return "neutral"
	case Negative:
		return "negative"
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

func classOf(k, n int) Class {
	switch s := optionScore(k, n); {
	case s > 0:
		return Positive
	case s < 0:
		return Negative
	}
	return Neutral
}

// Share is a count out of the cell's valid answers, the share P and its
// Wilson 95% interval CI (stats.Wilson; NaN when there are no valid answers).
type Share struct {
	Count int
	P     float64
	CI    stats.Interval
}

// Cell is one group of ratings: the values of the grouping dimensions (the
// others are empty), counts, shares and the mean score.
type Cell struct {
	Model, Part, Kind, Framing, OptionSet, Origin string
	// N counts every answer; Valid the parsed ones, Refused and Unparsed the
	// rest (N = Valid + Refused + Unparsed).
	N, Valid, Refused, Unparsed int
	// Share is indexed by Class: Share[Positive] etc., over Valid.
	Share [3]Share
	// Mean is the mean score over valid answers, in [−1, 1]; MeanCI its 95%
	// interval, mean ± Z95·SE with the SE clustered by task
	// (stats.ClusteredSE), clipped to [−1, 1] (NaN below two tasks).
	Mean   float64
	MeanCI stats.Interval
	// Tasks is the number of distinct tasks among the valid answers.
	Tasks int
	// HasNeutral is true when some answer's scale has a middle option, so
	// that the neutral share is a real quantity, not zero by construction.
	HasNeutral bool
	// Planted are the planted shares (by Class) and mean score of exactly
	// the valid answers counted here, when every one of them carries
	// planted probabilities; nil otherwise.
	Planted *Planted
}

// Planted is the expected share of each class and the expected mean score
// under the planted truth.
type Planted struct {
	Share [3]float64
	Mean  float64
}

// Value returns the cell's value of a dimension.
func (c *Cell) Value(d Dim) string {
	switch d {
	case ByModel:
		return c.Model
	case ByPart:
		return c.Part
	case ByKind:
		return c.Kind
	case ByFraming:
		return c.Framing
	case ByOptionSet:
		return c.OptionSet
	case ByOrigin:
		return c.Origin
	}
	return ""
}

func (c *Cell) set(d Dim, v string) {
	switch d {
	case ByModel:
		c.Model = v
	case ByPart:
		c.Part = v
	case ByKind:
		c.Kind = v
	case ByFraming:
		c.Framing = v
	case ByOptionSet:
		c.OptionSet = v
	case ByOrigin:
		c.Origin = v
	}
}

func ratingValue(r *Rating, d Dim) string {
	switch d {
	case ByModel:
		return r.Model
	case ByPart:
		return r.Part
	case ByKind:
		return string(r.Kind)
	case ByFraming:
		return r.Framing
	case ByOptionSet:
		return r.OptionSet
	case ByOrigin:
		return r.Origin
	}
	return ""
}

// Table groups ratings by the given dimensions (none: one overall cell) and
// returns one cell per combination present, in order of first appearance.
// It returns an error for an unknown dimension or a rating that cannot be
// counted (fewer than two options, an option out of range, planted
// probabilities of the wrong length), naming its index.
func Table(ratings []Rating, by ...Dim) ([]Cell, error) {
	for _, d := range by {
		if !slices.Contains(dims, d) {
			return nil, fmt.Errorf("positivity: unknown dimension %q (want one of %v)", d, dims)
		}
	}
	index := map[string]int{}
	var groups [][]int
	var out []Cell
	for i := range ratings {
		r := &ratings[i]
		if err := r.check(); err != nil {
			return nil, fmt.Errorf("positivity: rating %d (%s %s/%s, task %s): %w", i, r.Model, r.Framing, r.OptionSet, r.Task, err)
		}
		key := ""
		for _, d := range by {
			key += ratingValue(r, d) + "\x00"
		}
		g, ok := index[key]
		if !ok {
			g = len(out)
			index[key] = g
			var c Cell
			for _, d := range by {
				c.set(d, ratingValue(r, d))
			}
			out = append(out, c)
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	for g := range out {
		fill(&out[g], ratings, groups[g])
	}
	return out, nil
}

// fill counts the ratings idx into c.
func fill(c *Cell, ratings []Rating, idx []int) {
	var planted Planted
	allPlanted := true
	var scores []float64
	var tasks []string
	for _, i := range idx {
		r := &ratings[i]
		c.N++
		if r.Options > 2 && r.Options%2 == 1 {
			c.HasNeutral = true
		}
		switch r.Outcome {
		case template.OutcomeRefusal:
			c.Refused++
			continue
		case template.OutcomeUnparseable:
			c.Unparsed++
			continue
		}
		c.Valid++
		c.Share[classOf(r.Option, r.Options)].Count++
		scores, tasks = append(scores, r.Score()), append(tasks, r.Task)
		if r.Planted == nil {
			allPlanted = false
			continue
		}
		for k, p := range r.Planted {
			planted.Share[classOf(k, r.Options)] += p
			planted.Mean += p * optionScore(k, r.Options)
		}
	}
	for k := range c.Share {
		c.Share[k].P, c.Share[k].CI = stats.Wilson(c.Share[k].Count, c.Valid)
	}
	c.Tasks = countDistinct(tasks)
	// The lengths agree by construction, so ClusteredSE cannot fail here.
	mean, se, _ := stats.ClusteredSE(scores, tasks)
	c.Mean, c.MeanCI = mean, stats.NaNInterval()
	if !math.IsNaN(se) {
		// Scores live in [−1, 1]; so does the interval.
		c.MeanCI = stats.Interval{Low: math.Max(-1, mean-stats.Z95*se), High: math.Min(1, mean+stats.Z95*se)}
	}
	if allPlanted && c.Valid > 0 {
		for k := range planted.Share {
			planted.Share[k] /= float64(c.Valid)
		}
		planted.Mean /= float64(c.Valid)
		c.Planted = &planted
	}
}

// countDistinct is the number of distinct strings in xs.
func countDistinct(xs []string) int {
	seen := make(map[string]bool, len(xs))
	for _, x := range xs {
		seen[x] = true
	}
	return len(seen)
}

// Coverage counts, over cells with planted shares, the (cell, class) shares
// whose planted value lies inside the measured share's 95% interval. The
// neutral share of a cell whose scales have no middle option is left out (it
// is zero on both sides by construction), as are cells without valid
// answers.
func Coverage(cells []Cell) (inside, total int) {
	for i := range cells {
		c := &cells[i]
		if c.Planted == nil || c.Valid == 0 {
			continue
		}
		for _, k := range Classes {
			if k == Neutral && !c.HasNeutral {
				continue
			}
			total++
			p := c.Planted.Share[k]
			if c.Share[k].CI.Contains(p) {
				inside++
			}
		}
	}
	return inside, total
}

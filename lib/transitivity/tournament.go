package transitivity

import (
	"fmt"
	"sort"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/template"
)

// Edge is one measured pair of a tournament, tasks I < J by index.
type Edge struct {
	I, J int
	// WinsI counts choices of I over J; N counts all choices between them.
	WinsI, N int
	// FirstI counts the choices made with I shown first.
	FirstI int
}

// P is the pooled probability that I is chosen over J: WinsI / N.
func (e Edge) P() float64 { return float64(e.WinsI) / float64(e.N) }

// Tournament is the pairwise choices of one run, both presentation orders
// pooled.
type Tournament struct {
	// Run is the run id.
	Run string
	// Tasks lists the tasks seen in a choice, sorted; indices refer to it.
	Tasks []string
	// Edges are the measured pairs, sorted by (I, J).
	Edges []Edge
	// Choices counts choice records pooled; Refusals and Unparseable count
	// records that carry no preference (kept out of the probabilities).
	Choices, Refusals, Unparseable int

	index map[string]int
	edge  map[[2]int]int
}

// TournamentOptions are the settings of NewTournament. The zero value pools
// every sample.
type TournamentOptions struct {
	// MaxSamples, when positive, keeps only records with sample index below
	// it: the data a study with that many samples per pair would have had.
	MaxSamples int
}

// NewTournament pools the pairwise choices of one run's records. It returns
// an error naming the record when a record is not a pairwise choice of two
// distinct tasks or its winner is neither of them.
func NewTournament(run string, records []measure.Record, o *TournamentOptions) (*Tournament, error) {
	if o == nil {
		o = &TournamentOptions{}
	}
	t := &Tournament{Run: run, index: map[string]int{}, edge: map[[2]int]int{}}
	type count struct{ winsA, n, firstA int }
	pairs := map[[2]string]*count{}
	for k, r := range records {
		if r.TaskA == "" || r.TaskB == "" || r.TaskA == r.TaskB {
			return nil, fmt.Errorf("transitivity: run %s record %d (key %q): not a pairwise choice of two tasks", run, k, r.Key)
		}
		if o.MaxSamples > 0 && r.Sample >= o.MaxSamples {
			continue
		}
		switch r.Outcome {
		case template.OutcomeChoice:
		case template.OutcomeRefusal:
			t.Refusals++
			continue
		default:
			t.Unparseable++
			continue
		}
		if r.Winner != r.TaskA && r.Winner != r.TaskB {
			return nil, fmt.Errorf("transitivity: run %s record %d (key %q): winner %q is neither %q nor %q", run, k, r.Key, r.Winner, r.TaskA, r.TaskB)
		}
		a, b := r.TaskA, r.TaskB
		if a > b {
			a, b = b, a
		}
		c := pairs[[2]string{a, b}]
		if c == nil {
			c = &count{}
			pairs[[2]string{a, b}] = c
		}
		c.n++
		if r.Winner == a {
			c.winsA++
		}
		if len(r.Shown) > 0 && r.Shown[0] == a {
			c.firstA++
		}
		t.Choices++
	}
	seen := map[string]bool{}
	for p := range pairs {
		seen[p[0]], seen[p[1]] = true, true
	}
	for id := range seen {
		t.Tasks = append(t.Tasks, id)
	}
	sort.Strings(t.Tasks)
	for i, id := range t.Tasks {
		t.index[id] = i
	}
	for p, c := range pairs {
		// Tasks are sorted, so the index order matches the id order.
		t.Edges = append(t.Edges, Edge{I: t.index[p[0]], J: t.index[p[1]], WinsI: c.winsA, N: c.n, FirstI: c.firstA})
	}
	sort.Slice(t.Edges, func(a, b int) bool {
		if t.Edges[a].I != t.Edges[b].I {
			return t.Edges[a].I < t.Edges[b].I
		}
		return t.Edges[a].J < t.Edges[b].J
	})
	for k, e := range t.Edges {
		t.edge[[2]int{e.I, e.J}] = k
	}
	return t, nil
}

// FromRun is NewTournament over a stored run's records.
func FromRun(r *measure.Run, o *TournamentOptions) (*Tournament, error) {
	return NewTournament(r.File.ID, r.Records, o)
}

// Edge returns the index into Edges of the pair {i, j}, if measured.
func (t *Tournament) Edge(i, j int) (int, bool) {
	if i > j {
		i, j = j, i
	}
	k, ok := t.edge[[2]int{i, j}]
	return k, ok
}

// Index returns the index of a task id in Tasks.
func (t *Tournament) Index(id string) (int, bool) {
	i, ok := t.index[id]
	return i, ok
}

// P returns the pooled probability that task a was chosen over task b and
// the number of choices between them; ok is false when the pair was not
// measured.
func (t *Tournament) P(a, b string) (p float64, n int, ok bool) {
	i, okA := t.index[a]
	j, okB := t.index[b]
	if !okA || !okB {
		return 0, 0, false
	}
	k, ok := t.Edge(i, j)
	if !ok {
		return 0, 0, false
	}
	e := t.Edges[k]
	if i == e.I {
		return e.P(), e.N, true
	}
	return 1 - e.P(), e.N, true
}

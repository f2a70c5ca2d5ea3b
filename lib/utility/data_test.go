package utility

import (
	"strings"
	"testing"
)

func TestDataPooling(t *testing.T) {
	d, err := NewDataIDs([]string{"math_1", "alpaca_2", "wildchat_3"})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		a, b       string
		wa, wb     float64
		wantI      int
		wantJ      int
		wantWi, wj float64
	}{
		// (b, a) and (a, b) pool into one pair oriented I < J.
		{"alpaca_2", "math_1", 1, 0, 0, 1, 0, 1},
		{"math_1", "alpaca_2", 1, 0, 0, 1, 1, 1},
		// A tie adds a half to each side.
		{"math_1", "alpaca_2", 0.5, 0.5, 0, 1, 1.5, 1.5},
		// A soft label p adds p and 1-p.
		{"wildchat_3", "math_1", 0.8, 0.2, 0, 2, 0.2, 0.8},
	}
	for k, s := range steps {
		if err := d.AddID(s.a, s.b, s.wa, s.wb); err != nil {
			t.Fatalf("step %d: %v", k, err)
		}
		i, _ := d.Index(s.a)
		j, _ := d.Index(s.b)
		p, ok := d.Get(i, j)
		if !ok || p.I != s.wantI || p.J != s.wantJ || p.WinsI != s.wantWi || p.WinsJ != s.wj {
			t.Errorf("step %d: pair = %+v, want {%d %d %v %v}", k, p, s.wantI, s.wantJ, s.wantWi, s.wj)
		}
	}
	if len(d.Pairs()) != 2 || d.Comparisons() != 4 {
		t.Errorf("pairs %d comparisons %v, want 2 and 4", len(d.Pairs()), d.Comparisons())
	}
	if got := d.Degrees(); got[0] != 2 || got[1] != 1 || got[2] != 1 {
		t.Errorf("degrees = %v, want [2 1 1]", got)
	}
	bad := []struct {
		name   string
		a, b   int
		wa, wb float64
	}{
		{"self", 1, 1, 1, 0},
		{"out of range", 0, 3, 1, 0},
		{"negative index", -1, 0, 1, 0},
		{"negative wins", 0, 1, -1, 0},
		{"NaN wins", 0, 1, 0, nan()},
	}
	for _, b := range bad {
		if err := d.Add(b.a, b.b, b.wa, b.wb); err == nil {
			t.Errorf("%s: want an error", b.name)
		}
	}
	if _, err := NewDataIDs([]string{"x", "x"}); err == nil {
		t.Error("repeated id: want an error")
	}
	if err := d.AddID("math_1", "nope", 1, 0); err == nil {
		t.Error("unknown id: want an error")
	}
}

func nan() float64 { var z float64; return z / z }

func TestReadSplitJSONL(t *testing.T) {
	in := `{"a": 0, "b": 1, "winner": "a", "split": "train"}
{"a": 1, "b": 0, "winner": "a", "split": "train"}
{"a": 2, "b": 1, "winner": "b", "split": "test"}
`
	train, test, err := ReadSplitJSONL(strings.NewReader(in), 0, "x.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := train.Get(0, 1)
	q, _ := test.Get(1, 2)
	if train.N() != 3 || p.WinsI != 1 || p.WinsJ != 1 || q.WinsI != 1 || q.WinsJ != 0 {
		t.Errorf("train %+v test %+v", p, q)
	}
	bad := map[string]string{
		"bad winner": `{"a": 0, "b": 1, "winner": "c"}`,
		"missing b":  `{"a": 0, "winner": "a"}`,
		"bad split":  `{"a": 0, "b": 1, "winner": "a", "split": "dev"}`,
		"not json":   `{"a": 0,`,
		"self pair":  `{"a": 1, "b": 1, "winner": "a"}`,
		"huge index": `{"a": 0, "b": 2000000000, "winner": "a"}`,
	}
	for name, line := range bad {
		_, _, err := ReadSplitJSONL(strings.NewReader("\n"+line+"\n"), 0, "bad.jsonl")
		if err == nil || !strings.Contains(err.Error(), "bad.jsonl") {
			t.Errorf("%s: err = %v, want an error naming the file", name, err)
		}
	}
}

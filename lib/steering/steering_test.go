package steering

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/template"
)

// simulate draws answers for pairs with baseline P(first) p0[g][o] and a
// planted shift slope·m (differential, so the same in both orders), nBase
// baseline and n steered answers per pair, order and multiplier.
func simulate(r *rand.Rand, pairs int, slope float64, ms []float64, nBase, n int) []Answer {
	var out []Answer
	draw := func(g, o int, dir string, m, p float64, k int) {
		for s := 0; s < k; s++ {
			v := 0.0
			if r.Float64() < p {
				v = 1
			}
			out = append(out, Answer{Cluster: fmt.Sprintf("p%02d", g), Order: o, Direction: dir, Random: strings.HasPrefix(dir, "random"),
				Multiplier: m, Outcome: template.OutcomeChoice, Value: v, Planted: p})
		}
	}
	for g := 0; g < pairs; g++ {
		for o := 0; o < 2; o++ {
			p0 := 0.3 + 0.4*float64((g*7+o*3)%10)/10
			draw(g, o, Baseline, 0, p0, nBase)
			for _, m := range ms {
				draw(g, o, Probe, m, p0+slope*m, n)
				draw(g, o, "random 1", m, p0, n)
			}
		}
	}
	return out
}

// The shift and slope intervals cover the planted values about 95% of the
// time over repeated simulations (the pair-clustered SE is calibrated), and
// the random direction's interval covers zero about as often.
func TestIntervalsAreCalibrated(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ms := []float64{-0.05, -0.025, 0.025, 0.05}
	const reps, slope = 300, 3.0
	coverShift, coverSlope, coverRandom := 0, 0, 0
	for rep := 0; rep < reps; rep++ {
		answers := simulate(r, 40, slope, ms, 30, 6)
		curves, err := Shifts(answers)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := curves[0].At(0.05)
		if p.CI.Contains(slope * 0.05) {
			coverShift++
		}
		if math.Abs(p.Planted-slope*0.05) > 1e-12 {
			t.Fatalf("planted shift %v, want %v", p.Planted, slope*0.05)
		}
		s, err := Slope(answers, Probe, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		if s.CI.Contains(slope) {
			coverSlope++
		}
		if q, _ := curves[1].At(-0.025); q.CI.Contains(0) {
			coverRandom++
		}
	}
	for name, c := range map[string]int{"shift": coverShift, "slope": coverSlope, "random": coverRandom} {
		if f := float64(c) / reps; f < 0.91 || f > 0.99 {
			t.Errorf("%s interval covers the planted value in %.1f%% of %d simulations, want about 95%%", name, 100*f, reps)
		}
	}
}

// On answers without noise (every answer its planted probability as a
// fraction) the estimates are exact, and the SE equals a hand computation.
func TestShiftsExactAndSEByHand(t *testing.T) {
	var answers []Answer
	add := func(g string, o int, dir string, m float64, vals ...float64) {
		for _, v := range vals {
			answers = append(answers, Answer{Cluster: g, Order: o, Direction: dir, Multiplier: m, Outcome: template.OutcomeChoice, Value: v, Planted: math.NaN()})
		}
	}
	// Pair a: baseline 1/2 in both orders; steered 1 in both.
	add("a", 0, Baseline, 0, 1, 0)
	add("a", 1, Baseline, 0, 1, 0)
	add("a", 0, Probe, 0.1, 1, 1)
	add("a", 1, Probe, 0.1, 1, 1)
	// Pair b: baseline 0 and 1; steered 0 and 1: no shift.
	add("b", 0, Baseline, 0, 0)
	add("b", 1, Baseline, 0, 1)
	add("b", 0, Probe, 0.1, 0, 0)
	add("b", 1, Probe, 0.1, 1, 1)
	// Pair c: unparsed steered answers are left out.
	add("c", 0, Baseline, 0, 1)
	add("c", 1, Baseline, 0, 1)
	add("c", 0, Probe, 0.1, 0, math.NaN())
	add("c", 1, Probe, 0.1, 1)
	curves, err := Shifts(answers)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := curves[0].At(0.1)
	if !ok {
		t.Fatal("no point at 0.1")
	}
	// Order 0: answers (a: +1/2, +1/2), (b: 0, 0), (c: −1): mean 0.
	// Order 1: (a: +1/2, +1/2), (b: 0, 0), (c: 0): mean 0.2. Shift 0.1.
	if math.Abs(p.Shift-0.1) > 1e-12 {
		t.Fatalf("shift %v, want 0.1", p.Shift)
	}
	// Per-pair totals t_g = Σ x/(2·n_o), n_o = 5: a 0.2, b 0, c −0.1.
	t3 := []float64{0.2, 0, -0.1}
	var ss float64
	for _, x := range t3 {
		d := 3*x - p.Shift
		ss += d * d
	}
	se := math.Sqrt(1.5 * ss / 9)
	if math.Abs((p.CI.High-p.CI.Low)/2/1.959963984540054-se) > 1e-12 {
		t.Fatalf("CI %v, want half-width 1.96 × %v", p.CI, se)
	}
	if p.Answers != 10 || p.Clusters != 3 {
		t.Fatalf("answers %d clusters %d, want 10 and 3", p.Answers, p.Clusters)
	}
	if _, err := Shifts(answers[4:6]); err == nil {
		t.Fatal("no baseline: no error")
	}
}

func TestCoherenceAndVerdicts(t *testing.T) {
	var answers []Answer
	add := func(dir string, m float64, parsed, unparsed int) {
		for i := 0; i < parsed+unparsed; i++ {
			a := Answer{Cluster: "p", Direction: dir, Random: dir != Probe && dir != Baseline, Multiplier: m, Outcome: template.OutcomeChoice, Value: 1, Planted: math.NaN()}
			if i >= parsed {
				a.Outcome, a.Value = template.OutcomeUnparseable, math.NaN()
			}
			answers = append(answers, a)
		}
	}
	add(Baseline, 0, 95, 5)
	for _, m := range []float64{-0.1, -0.05, 0.05, 0.1} {
		bad := 5
		if math.Abs(m) > 0.05 {
			bad = 60
		}
		add(Probe, m, 100-bad, bad)
		add("random 1", m, 100-bad, bad)
	}
	pts := Coherence(answers)
	if len(pts) != 9 || pts[0].Direction != Baseline {
		t.Fatalf("points %+v", pts)
	}
	if up := CoherentUpTo(pts, Probe, 0.05); up != 0.05 {
		t.Fatalf("coherent up to %v, want 0.05", up)
	}
	v := CoherenceVerdict(pts, 0.05)
	if !strings.Contains(v, "up to |multiplier| 0.05") || !strings.Contains(v, "only 40% parse") {
		t.Fatalf("verdict %q", v)
	}
	if _, err := CoherenceFigure(pts, "coherence", 0.05); err != nil {
		t.Fatal(err)
	}
}

func TestRandomVerdict(t *testing.T) {
	iv := func(lo, hi float64) Point {
		return Point{Multiplier: 0.1, Shift: (lo + hi) / 2, CI: stats.Interval{Low: lo, High: hi}}
	}
	curves := []Curve{
		{Direction: "random 1", Random: true, Points: []Point{{}, iv(-0.01, 0.03)}},
		{Direction: "random 2", Random: true, Points: []Point{{}, iv(0.01, 0.05)}},
		{Direction: PooledRandom, Random: true, Points: []Point{{}, iv(-0.01, 0.04)}},
	}
	v := RandomVerdict(curves)
	for _, want := range []string{"at most 1.5 points", "every 95% interval covers zero", "1 of the 2 intervals of single random directions exclude zero"} {
		if !strings.Contains(v, want) {
			t.Errorf("verdict %q lacks %q", v, want)
		}
	}
	curves[2].Points[1] = iv(0.01, 0.04)
	if v := RandomVerdict(curves); !strings.Contains(v, "excludes zero at multiplier 0.1") {
		t.Errorf("verdict %q", v)
	}
}

package probe

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/stats"
	"github.com/prefscope/prefscope/lib/task"
)

// TestContentBaselineRecoversPlantedWordShare: a target whose planted share
// of variance comes from which words a text contains; the content baseline's
// CV R² is near that share, and a probe on unrelated words scores ~0.
func TestContentBaselineRecoversPlantedWordShare(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	vocab := make([]string, 60)
	for i := range vocab {
		vocab[i] = "w" + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	weight := map[string]float64{}
	for _, w := range vocab[:10] {
		weight[w] = r.NormFloat64()
	}
	const n, share = 600, 0.4
	texts := make([]string, n)
	text := make([]float64, n)
	for i := range texts {
		var ws []string
		for range 8 {
			w := vocab[r.IntN(len(vocab))]
			ws = append(ws, w)
		}
		texts[i] = strings.Join(ws, " ")
		seen := map[string]bool{}
		for _, w := range ws {
			if !seen[w] {
				text[i] += weight[w]
				seen[w] = true
			}
		}
	}
	m, sd := stats.MeanSE(text)
	sd *= math.Sqrt(n)
	y := make([]float64, n)
	for i := range y {
		y[i] = math.Sqrt(share)*(text[i]-m)/sd + math.Sqrt(1-share)*r.NormFloat64()
	}
	x, _ := task.TextFeatures(texts, task.DefaultTextDim)
	ds, err := NewDataset(x, task.DefaultTextDim, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	sw, err := CrossValidate(ds, &Options{Shuffle: true})
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := sw.Metric(sw.Best, func(s Scores) float64 { return s.R2 })
	// The words' effects are learnt from 480 training texts among ~4,000
	// hashed unigram and bigram features, so the baseline recovers a good
	// part of the planted share, never more.
	if r2 < share/2 || r2 > share+0.05 {
		t.Errorf("content baseline CV R² %.3f, planted word share %.2f", r2, share)
	}
	noise, _ := ds.WithTarget(shuffled(y, 7))
	sw, err = CrossValidate(noise, &Options{Shuffle: true})
	if err != nil {
		t.Fatal(err)
	}
	if r2, _ := sw.Metric(sw.Best, func(s Scores) float64 { return s.R2 }); r2 > 0.02 {
		t.Errorf("content baseline on shuffled targets: CV R² %.3f", r2)
	}
}

// TestCrossTargetTransfers: target b is a rescaled copy of target a plus a
// little noise and c is independent of the activations, so a's probe
// predicts b about as well as a, and c not at all.
func TestCrossTargetTransfers(t *testing.T) {
	ds, _ := planted(400, 10, 0.7, 3)
	r := rand.New(rand.NewPCG(1, 1))
	b, c := make([]float64, ds.Rows()), make([]float64, ds.Rows())
	for i, v := range ds.Y {
		b[i] = -3 + 2*v + 0.05*r.NormFloat64()
		c[i] = r.NormFloat64()
	}
	ct, err := CrossTarget(ds, []string{"a", "b", "c"}, [][]float64{ds.Y, b, c}, &Options{Shuffle: true})
	if err != nil {
		t.Fatal(err)
	}
	aa, ab, ac := ct.Scores[0][0].Pearson, ct.Scores[0][1].Pearson, ct.Scores[0][2].Pearson
	if math.Abs(aa-ab) > 0.02 || aa < 0.75 || math.Abs(ac) > 0.15 {
		t.Errorf("Pearson a→a %.3f, a→b %.3f, a→c %.3f", aa, ab, ac)
	}
	if ct.Scores[0][1].R2 > ct.Scores[0][0].R2-0.1 {
		t.Errorf("a's probe in a's units must miss b's level and scale: R² %.2f against a's own %.2f", ct.Scores[0][1].R2, ct.Scores[0][0].R2)
	}
}

// TestGroupCosines: three groups share one planted direction; with many
// tasks per group their probes agree, the interval covers the estimate, and
// the split-half cosine falls with fewer tasks.
func TestGroupCosines(t *testing.T) {
	ds, w := planted(900, 8, 0.8, 5)
	groups := make([]string, ds.Rows())
	for i := range groups {
		groups[i] = []string{"a", "b", "c"}[i%3]
	}
	gc, err := CosinesByGroup(ds, groups, 10, &Options{Shuffle: true}, &stats.BootstrapOptions{Replicates: 100, Level: math.NaN()})
	if err != nil {
		t.Fatal(err)
	}
	for a := range gc.Groups {
		for c := a + 1; c < len(gc.Groups); c++ {
			if gc.Cosine[a][c] < 0.9 || !gc.Interval[a][c].Contains(gc.Cosine[a][c]) || gc.Interval[a][c].Width() <= 0 {
				t.Errorf("%s vs %s: cosine %.3f, interval %+v", gc.Groups[a], gc.Groups[c], gc.Cosine[a][c], gc.Interval[a][c])
			}
		}
		if c, _ := Cosine(gc.W[a], w); c < 0.9 {
			t.Errorf("group %s probe vs planted: %.3f", gc.Groups[a], c)
		}
	}
	sh, err := SplitHalfCosines(ds, []int{10, 40, 300}, 20, 1, &Options{Shuffle: true})
	if err != nil {
		t.Fatal(err)
	}
	if !(sh.Mean[0] < sh.Mean[1] && sh.Mean[1] < sh.Mean[2]) || sh.Mean[2] < 0.9 {
		t.Errorf("split-half cosines %v must rise with tasks per half towards 1", sh.Mean)
	}
}

// TestBradleyTerryRecoversPlantedDirection: choices drawn from
// σ(w·(x_i − x_j)); the BT probe recovers w, reaches the planted scores'
// accuracy, and at 10% of the pairs is at least as accurate as ridge on μ.
func TestBradleyTerryRecoversPlantedDirection(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	const n, d = 200, 12
	x := make([]float64, n*d)
	w := make([]float64, d)
	for j := range w {
		w[j] = r.NormFloat64() / math.Sqrt(d) * 1.5
	}
	for i := range x {
		x[i] = r.NormFloat64()
	}
	y := make([]float64, n)
	for i := range y {
		y[i] = dot(w, x[i*d:(i+1)*d])
	}
	ds, err := NewDataset(x, d, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	truth := y
	pairs := &PairSet{}
	for i := range n {
		for range 8 {
			j := r.IntN(n)
			if j == i {
				continue
			}
			var wi float64
			for range 10 {
				if r.Float64() < sigmoid(truth[i]-truth[j]) {
					wi++
				}
			}
			pairs.add(i, j, wi, 10-wi)
		}
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	_, got, err := BTCrossValidate(ds, pairs, all, Logspace(-2, 4, 7), 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := Cosine(got, w); c < 0.95 {
		t.Errorf("BT probe vs planted w: cosine %.3f", c)
	}
	cmp, err := ComparePairProbes(ds, pairs, &PairOptions{Seeds: []uint64{0, 1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	sum := cmp.Summary()
	if sum[0].Difference < 0 {
		t.Errorf("at 10%% of pairs BT %.3f < ridge on μ %.3f", sum[0].BT, sum[0].Ridge)
	}
	if best := PairAccuracy(truth, pairs); sum[2].BT < best-0.03 {
		t.Errorf("BT at all pairs %.3f, planted scores %.3f", sum[2].BT, best)
	}
	t.Logf("%+v", sum)
}

func shuffled(y []float64, seed uint64) []float64 {
	out := append([]float64(nil), y...)
	rand.New(rand.NewPCG(seed, 0)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// TestMetaGroups: metadata values by task, "origin" from the task itself,
// "" where a task has no value, and an unknown task is an error.
func TestMetaGroups(t *testing.T) {
	ds, _ := planted(3, 2, 0.5, 1)
	ds.TaskIDs = []string{"a", "b", "c"}
	tasks := []task.Task{{ID: "a", Origin: "wildchat", Meta: map[string]string{"topic": "coding"}}, {ID: "b", Origin: "math"}, {ID: "c", Origin: "wildchat", Meta: map[string]string{"topic": "travel"}}}
	got, err := MetaGroups(ds, tasks, "topic")
	if err != nil || !slices.Equal(got, []string{"coding", "", "travel"}) {
		t.Errorf("topic groups %v, %v", got, err)
	}
	got, _ = MetaGroups(ds, tasks, "origin")
	if !slices.Equal(got, []string{"wildchat", "math", "wildchat"}) {
		t.Errorf("origin groups %v", got)
	}
	if _, err := MetaGroups(ds, tasks[:2], "topic"); err == nil || !strings.Contains(err.Error(), "task c") {
		t.Errorf("unknown task: %v", err)
	}
}

// TestThinKeepsTheFraction: thinning keeps about frac of the comparisons,
// never more than a pair had.
func TestThinKeepsTheFraction(t *testing.T) {
	p := &PairSet{}
	for k := range 400 {
		p.add(k, k+1, 7, 3.5)
	}
	got := thin(p, 0.3, rand.New(rand.NewPCG(1, 2)))
	var n float64
	for k := range got.I {
		if got.WinsI[k] > 7 || got.WinsJ[k] > 3.5 {
			t.Fatalf("pair %d: %v/%v comparisons kept of 7/3.5", k, got.WinsI[k], got.WinsJ[k])
		}
		n += got.WinsI[k] + got.WinsJ[k]
	}
	if share := n / (400 * 10.5); math.Abs(share-0.3) > 0.03 {
		t.Errorf("kept %.3f of the comparisons, want 0.3", share)
	}
}

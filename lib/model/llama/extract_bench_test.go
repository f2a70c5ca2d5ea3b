package llama

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/prefscope/prefscope/lib/model"
)

// LengthMix draws n conversation lengths (prompt, completion) uniformly from
// the ranges of issue 18's GPU benchmark, with a fixed seed: prompts 20-400
// tokens, completions 50-1,500.
func lengthMix(n int, seed uint64, scale int) (prompt, completion []int) {
	rng := rand.New(rand.NewPCG(seed, 18))
	for i := 0; i < n; i++ {
		prompt = append(prompt, (20+rng.IntN(381))/scale)
		completion = append(completion, (50+rng.IntN(1451))/scale)
	}
	return prompt, completion
}

// templateTokens is the Llama 3 template's overhead around one user and
// one assistant turn (begin, two headers, two end-of-turns).
const templateTokens = 12

// shapesFor10k is the number of graphs a 10,000-conversation extraction
// compiles: lengths sorted, cut into shards of 256 as activations.Extract
// does, each shard planned by PlanBatches.
func shapesFor10k(maxBatchTokens, shard int) (perShard, global int) {
	p, c := lengthMix(10000, 1, 1)
	lengths := make([]int, len(p))
	for i := range p {
		lengths[i] = p[i] + c[i] + templateTokens
	}
	slices.Sort(lengths)
	var all []Batch
	for s := 0; s < len(lengths); s += shard {
		plan, _ := PlanBatches(lengths[s:min(s+shard, len(lengths))], maxBatchTokens)
		all = append(all, plan...)
	}
	plan, _ := PlanBatches(lengths, maxBatchTokens)
	return CountShapes(all), CountShapes(plan)
}

func TestShapesBounded(t *testing.T) {
	for _, shard := range []int{256, 1024} {
		perShard, global := shapesFor10k(DefaultMaxBatchTokens, shard)
		// 9 buckets (128..2048) x at most 1 + log2(rows) shapes each.
		if perShard > 9*5 || global > perShard {
			t.Errorf("%d graphs per shard plan, %d for one global plan", perShard, global)
		}
		t.Logf("10,000 conversations, max_batch_tokens %d: %d graphs (shards of %d), %d (one plan)", DefaultMaxBatchTokens, perShard, shard, global)
	}
}

// benchConvs builds conversations for the byte tokenizer (one token per
// byte) with the 10,000-mix's lengths scaled down by 8 (prompts 2-50
// tokens, completions 6-187), so a CPU benchmark runs in seconds.
func benchConvs(n int) [][]model.Message {
	p, c := lengthMix(n, 2, 8)
	rng := rand.New(rand.NewPCG(3, 3))
	word := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	var out [][]model.Message
	for i := range p {
		out = append(out, []model.Message{{Role: model.RoleUser, Content: word(max(p[i], 1))}, {Role: model.RoleAssistant, Content: word(max(c[i], 1))}})
	}
	return out
}

// BenchmarkExtract compares batched capture (length buckets, positions
// selected on the device, every position in one pass) with extraction as it
// was: one conversation and one position per call through Activations
// (every token's hidden state copied back, positions selected on the
// host). Model h256v1024 (2 layers, hidden 256), 32 conversations of the
// scaled 10,000-mix (the same conversations for both arms), layers 1 and
// 2, one position (end_of_turn) and four.
//
// Each arm runs on its own freshly opened model, so its first pass
// compiles every graph it needs: the cold pass minus a steady pass is its
// compile cost, reported apart (batched-compile-s, single-compile-s, with
// the graph counts batched-graphs and single-graphs). Each of the b.N
// iterations then runs steadyPasses passes of each arm on the warm models,
// alternating, and an arm's steady-state time is its fastest pass (the
// least disturbed by other load on a shared machine): extract-speedup is
// the ratio of the two, with both tokens/s; cpu-speedup is the same ratio
// of CPU time (user + system, all threads), which other load on a shared
// machine disturbs far less than wall time. pad-frac is the batched plan's padded tokens over
// real tokens (one-at-a-time pads to a multiple of 8); graphs-10k is the
// graph count of the full-size 10,000 mix in the geometric buckets an xla
// backend uses.
func BenchmarkExtract(b *testing.B) {
	const steadyPasses = 3
	convs := benchConvs(32)
	all := []model.Positions{{Kind: model.PosEndOfTurn}, {Kind: model.PosUserEnd}, {Kind: model.PosAssistantMean}, {Kind: model.PosPromptLast}}
	layers := []int{1, 2}
	const budget = 2048
	ctx := context.Background()
	open := func() *Model {
		m := openBench(b, benchModels()["h256v1024"])
		m.tok, m.tmpl = ByteTokenizer{}, Llama3Layout{}
		return m
	}
	lengths := make([]int, len(convs))
	tokens, singleShapes := 0, map[int]bool{}
	lm := open()
	for i, c := range convs {
		n, err := lm.ConversationLength(c)
		if err != nil {
			b.Fatal(err)
		}
		lengths[i], tokens = n, tokens+n
		singleShapes[roundUp(n, 8)] = true
	}
	bucket := BucketLength // the plan Capture makes on this backend
	if lm.goBackend {
		bucket = FineBucketLength
	}
	plan, err := planBatches(lengths, budget, bucket) // end_of_turn reads the last token: nothing is cut
	if err != nil {
		b.Fatal(err)
	}
	padded := 0
	for _, p := range plan {
		padded += p.Rows * p.Len
	}
	for _, np := range []int{1, 4} {
		positions := all[:np]
		b.Run("positions="+strconv.Itoa(np), func(b *testing.B) {
			mb, ms := open(), open()
			// Each arm returns its wall and CPU time.
			batched := func() (time.Duration, time.Duration) {
				t0, c0 := time.Now(), cpuTime()
				if _, err := mb.Capture(ctx, model.CaptureRequest{Conversations: convs, Layers: layers, Positions: positions, MaxBatchTokens: budget}); err != nil {
					b.Fatal(err)
				}
				return time.Since(t0), cpuTime() - c0
			}
			single := func() (time.Duration, time.Duration) {
				t0, c0 := time.Now(), cpuTime()
				for _, c := range convs {
					for _, p := range positions {
						if _, err := ms.Activations(ctx, model.ActivationRequest{Messages: c, Layers: layers, Positions: p}); err != nil {
							b.Fatal(err)
						}
					}
				}
				return time.Since(t0), cpuTime() - c0
			}
			coldB, _ := batched()
			coldS, _ := single()
			tb, ts := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
			cb, cs := tb, ts
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for range steadyPasses {
					w, c := batched()
					tb, cb = min(tb, w), min(cb, c)
					w, c = single()
					ts, cs = min(ts, w), min(cs, c)
				}
			}
			b.ReportMetric(ts.Seconds()/tb.Seconds(), "extract-speedup")
			if cb > 0 {
				b.ReportMetric(cs.Seconds()/cb.Seconds(), "cpu-speedup")
			}
			b.ReportMetric(float64(tokens)/tb.Seconds(), "batched-tok/s")
			b.ReportMetric(float64(tokens)/ts.Seconds(), "single-tok/s")
			b.ReportMetric(float64(len(convs))/tb.Seconds(), "batched-conv/s")
			b.ReportMetric(coldB.Seconds()-tb.Seconds(), "batched-compile-s")
			b.ReportMetric(coldS.Seconds()-ts.Seconds(), "single-compile-s")
			b.ReportMetric(float64(mb.CaptureShapes()), "batched-graphs")
			b.ReportMetric(float64(len(singleShapes)), "single-graphs")
			b.ReportMetric(float64(padded)/float64(tokens), "pad-frac")
			perShard, _ := shapesFor10k(DefaultMaxBatchTokens, 256)
			b.ReportMetric(float64(perShard), "graphs-10k")
		})
	}
	perShard, _ := shapesFor10k(DefaultMaxBatchTokens, 256)
	b.Logf("10,000-conversation mix (prompts 20-400, completions 50-1,500, seed 1): %d compiled graphs at max_batch_tokens %d", perShard, DefaultMaxBatchTokens)
}

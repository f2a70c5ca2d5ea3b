package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/prefscope/prefscope/lib/internal/synthtest"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model/openai"
	"github.com/prefscope/prefscope/lib/model/openai/fakeserver"
	"github.com/prefscope/prefscope/lib/study"
	"github.com/prefscope/prefscope/lib/template"
)

// BenchmarkServedThroughput runs the measurement engine against the fake
// server answering in a median 100 ms (log-normal, sigma 0.2) at study
// concurrency 64 and 256, and reports throughput-ratio: achieved calls/s
// over the ideal concurrency / median latency. A warm-up run first lets
// the adaptive limit leave slow start, so the ratio is the sustained rate.
// limit=fixed pins the client's limit at the concurrency: the same
// pipeline without adaptation, to tell the controller's cost from the
// machine's (on a loaded machine both fall short, and latency-ms, the
// client's smoothed attempt latency, shows by how much the process was
// starved).
//
//	go test ./lib/cmd/prefscope -run '^$' -bench ServedThroughput -benchtime 1x
func BenchmarkServedThroughput(b *testing.B) {
	const latency = 100 * time.Millisecond
	fx := synthtest.New(b, 99)
	var ids []string
	for _, t := range fx.Tasks[:64] {
		ids = append(ids, t.ID)
	}
	pairs := study.PairSpec{Dense: true}.Make(ids) // 2,016 pairs
	tp := fx.Catalog.Generate(template.PreRevealed, "")[7]
	m := fx.Model
	for _, conc := range []int{64, 256} {
		for _, limit := range []string{"adaptive", "fixed"} {
			b.Run(fmt.Sprintf("concurrency=%d/limit=%s", conc, limit), func(b *testing.B) {
				fs := fakeserver.Start(fakeserver.Config{Model: m, Latency: latency, Spread: 0.2, Seed: 1})
				defer fs.Close()
				cfg := openai.Config{BaseURLs: []string{fs.URL()}, Model: "synth-served"}
				if limit == "fixed" {
					// The same client without adaptation, for comparison.
					cfg.MinConcurrency, cfg.InitialConcurrency = conc, conc
				}
				c, err := openai.New(cfg)
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				eng := &measure.Engine{Model: c, Catalog: fx.Catalog, Tasks: fx.ByID, Concurrency: conc}
				// About 3 s of calls at the ideal rate per iteration.
				samples := max(1, 30*conc/len(pairs))
				run := func(seed int64, n int) measure.RunConfig {
					return measure.RunConfig{Part: "bench", Template: tp, Tasks: ids, Pairs: pairs[:n], Samples: samples, Temperature: 1, Seed: seed}
				}
				if _, err := eng.Run(context.Background(), b.TempDir(), run(-1, 4*conc/samples)); err != nil {
					b.Fatal(err)
				}
				calls := 0
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					sum, err := eng.Run(context.Background(), b.TempDir(), run(int64(i), len(pairs)))
					if err != nil {
						b.Fatal(err)
					}
					if sum.Done != sum.Total {
						b.Fatalf("%d of %d calls done", sum.Done, sum.Total)
					}
					calls += sum.Done
				}
				rate := float64(calls) / b.Elapsed().Seconds()
				ideal := float64(conc) / latency.Seconds()
				b.ReportMetric(rate, "calls/s")
				b.ReportMetric(rate/ideal, "throughput-ratio")
				b.ReportMetric(c.Endpoints()[0].Limit, "final-limit")
				b.ReportMetric(c.Endpoints()[0].LatencyMS, "latency-ms")
			})
		}
	}
}

package openai

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/openai/fakeserver"
)

// BenchmarkThroughput drives the client alone (no measurement engine)
// with 64 and 256 callers against the fake server answering in a median
// 100 ms (log-normal, sigma 0.2), and reports throughput-ratio: calls/s
// over the ideal callers / median latency. Each iteration is 30 rounds of
// the ideal rate; a warm-up lets the adaptive limit leave slow start.
// lib/cmd/prefscope's BenchmarkServedThroughput is the same through the
// whole engine.
//
//	go test ./lib/model/openai -run '^$' -bench Throughput -benchtime 1x
func BenchmarkThroughput(b *testing.B) {
	const latency = 100 * time.Millisecond
	for _, conc := range []int{64, 256} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			fs := fakeserver.Start(fakeserver.Config{Model: echoModel{}, Latency: latency, Spread: 0.2, Seed: 1})
			defer fs.Close()
			c, err := New(Config{BaseURLs: []string{fs.URL()}, Model: "m"})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			var seq atomic.Int64
			round := func(calls int) {
				var wg sync.WaitGroup
				var left atomic.Int64
				left.Store(int64(calls))
				for range conc {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for left.Add(-1) >= 0 {
							req := model.Request{Messages: []model.Message{{Role: "user", Content: "pick one"}}, Seed: seq.Add(1)}
							if _, err := c.Chat(context.Background(), req); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
			}
			round(4 * conc)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				round(30 * conc)
			}
			rate := float64(30*conc*b.N) / b.Elapsed().Seconds()
			b.ReportMetric(rate, "calls/s")
			b.ReportMetric(rate/(float64(conc)/latency.Seconds()), "throughput-ratio")
			b.ReportMetric(c.Endpoints()[0].Limit, "final-limit")
			b.ReportMetric(c.Endpoints()[0].LatencyMS, "latency-ms")
		})
	}
}

package utility

import (
	"fmt"
	"testing"
)

func TestX(t *testing.T) {
	for _, k := range []float64{20, 22.23} {
		for seed := uint64(0); seed < 4; seed++ {
			st, _ := Simulate(SimOptions{N: 1000, PairsPerTask: k, Seed: seed})
			u, _ := Fit(st.Train, nil)
			sc := ScoreFit(u, st)
			mv := u.MuVar
			u.MuVar = nil
			pl := Evaluate(u, st.Test)
			u.MuVar = mv
			or := Evaluate(st.Truth, st.Test)
			fmt.Printf("k=%.1f seed=%d ll=%.4f plugin=%.4f truth=%.4f ratio=%.3f sp=%.4f s=%.3f it=%d ev=%d\n", k, seed, sc.LogLoss, pl.LogLoss, or.LogLoss, sc.LogLoss/or.LogLoss, sc.Spearman, u.MuPriorSD, u.Iterations, u.Evaluations)
		}
	}
}

package transitivity_test

import (
	"fmt"

	"github.com/prefscope/prefscope/lib/transitivity"
)

// A triad whose three pooled pair probabilities all exceed 0.5 is a hard
// cycle; its cycle probability is the chance that one draw per pair goes
// round: 0.8·0.7·0.6 + 0.2·0.3·0.4.
func ExampleHardCycle() {
	fmt.Println(transitivity.HardCycle(0.8, 0.7, 0.6), transitivity.HardCycle(0.8, 0.7, 0.5))
	fmt.Printf("%.3f\n", transitivity.CycleProbability(0.8, 0.7, 0.6))
	// Output:
	// true false
	// 0.360
}

package num_test

import (
	"fmt"
	"math"

	"github.com/prefscope/prefscope/lib/num"
)

func ExampleF() {
	fmt.Println(num.F(math.Pi, 3), num.F(-0.0001, 2), num.F(math.NaN(), 2))
	fmt.Println(num.Pct(0.1234, 1))
	// mean 0.622, sample sd 0.0335, se = 0.0335/√5 = 0.0150
	fmt.Println(num.MeanPM([]float64{0.60, 0.65, 0.62, 0.58, 0.66}, 2))
	// Output:
	// 3.142 0.00 –
	// 12.3%
	// 0.62 ± 0.01 (n = 5)
}

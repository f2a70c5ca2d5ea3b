package utility_test

import (
	"fmt"
	"os"

	"github.com/prefscope/prefscope/lib/utility"
)

// Four tasks, each pair compared 10 times: A beats everything most of the
// time, D loses most of the time.
func ExampleFit() {
	d, _ := utility.NewDataIDs([]string{"A", "B", "C", "D"})
	d.AddID("A", "B", 7, 3)
	d.AddID("A", "C", 8, 2)
	d.AddID("A", "D", 9, 1)
	d.AddID("B", "C", 6, 4)
	d.AddID("B", "D", 7, 3)
	d.AddID("C", "D", 6, 4)
	u, err := utility.Fit(d, &utility.FitOptions{EqualSigma: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, id := range u.IDs {
		fmt.Printf("%s mu %.3f\n", id, u.Mu[i])
	}
	fmt.Printf("P(A > D) = %.3f\n", u.Prob(0, 3))
	// Output:
	// A mu 0.681
	// B mu 0.070
	// C mu -0.224
	// D mu -0.528
	// P(A > D) = 0.804
}

// Simulate a study with planted utilities, fit it, and score the fit on
// held-out pairs and against the truth.
func ExampleSimulate() {
	st, _ := utility.Simulate(utility.SimOptions{N: 200, PairsPerTask: 20, SamplesPerPair: 3, Seed: 7})
	u, _ := utility.Fit(st.Train, nil)
	sc := utility.ScoreFit(u, st)
	truth := utility.Evaluate(st.Truth, st.Test)
	fmt.Printf("held-out accuracy %.2f (truth %.2f), spearman with planted mu %.2f\n", sc.Accuracy, truth.Accuracy, sc.Spearman)
	// Output: held-out accuracy 0.73 (truth 0.74), spearman with planted mu 0.97
}

// The fit as the run store's utilities.csv.
func ExampleUtilities_WriteCSV() {
	u := &utility.Utilities{IDs: []string{"math_1", "alpaca_7"}, Mu: []float64{0.25, -0.25}, Sigma: []float64{1, 0.5}}
	u.WriteCSV(os.Stdout)
	// Output:
	// task_id,mu,sigma
	// math_1,0.25,1
	// alpaca_7,-0.25,0.5
}

package stats

// DemeanByGroup subtracts from each row of x (a row-major matrix of width
// columns) the mean of the rows sharing its group label, in place: the
// within-group centring that probes and the simulator use to take origin
// offsets out of activations and targets. groups[i] labels row i.
func DemeanByGroup(x []float64, width int, groups []string) {
	sums := map[string][]float64{}
	counts := map[string]int{}
	for i, g := range groups {
		if sums[g] == nil {
			sums[g] = make([]float64, width)
		}
		for j, v := range x[i*width : (i+1)*width] {
			sums[g][j] += v
		}
		counts[g]++
	}
	for i, g := range groups {
		row := x[i*width : (i+1)*width]
		for j := range row {
			row[j] -= sums[g][j] / float64(counts[g])
		}
	}
}

package study

// Calls counts the model calls of the result's runs: all of them, and those
// made by this call of Run (the rest were already stored).
func (r *Result) Calls() (total, made int) {
	for _, s := range r.Summaries {
		total += s.Total
		made += s.Done
	}
	return total, made
}

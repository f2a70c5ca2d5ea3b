// Package transitivity measures how often a model's pairwise choices form
// cycles, and how often they would by sampling noise alone.
//
// Within one run, the choice probability of a pair pools both presentation
// orders: p_ij = wins of i over j / choices between them (refusals and
// unparseable replies carry no preference and are counted, not pooled).
// A triad {i, j, k} is closed when all three of its pairs were measured in
// the same run. Its cycle probability is
//
//	P(cycle) = p_ij·p_jk·p_ki + (1 − p_ij)(1 − p_jk)(1 − p_ki),
//
// the chance that one independent draw per pair comes out as i ≻ j ≻ k ≻ i
// or the reverse (orientation-free; 0.25 for coin flips). A triad is a hard
// cycle when all three of p_ij, p_jk, p_ki are above 0.5 or all three are
// below; a pair at exactly 0.5 has no majority, so it never completes one.
//
// Triads are drawn as in the reference study: a run chosen with probability
// proportional to its number of tasks, three distinct tasks uniformly from
// it, kept when closed and not already kept, until a target count or an
// attempt cap (SampleOptions). Exhaustive mode lists every closed triad,
// for small or dense runs. The hard-cycle rate comes with a percentile
// bootstrap interval over triads, the mean cycle probability with its
// standard deviation.
//
// # The noise floor
//
// An exactly transitive Thurstonian respondent, P(i ≻ j) = Φ((μᵢ − μⱼ)/√(σᵢ²
// + σⱼ²)), still shows hard cycles when each pair has few samples: pairs of
// close utilities flip by chance. Predict simulates that: for the same
// triads, each measured pair gets binomial draws at the model's probability
// with the pair's own number of samples (one draw per pair and replicate,
// shared by every triad containing it, as in the data), and the hard-cycle
// rate of each replicate gives the predicted rate and its interval. A model
// may carry a position bias (added to the utility of the task shown first,
// as lib/model/synth plants it); each pair then keeps its measured split of
// display orders.
//
// Estimators take the planted model as plain numbers (a Thurstonian per
// run in AnalysisOptions.Planted; lib/study's PlantedThurstonian builds them
// from the simulated respondent), never the simulator. Result.Verdict and
// Headline state where a rate stands against its floor, and figures.go
// draws the notebook's figures.
//
// Sources: the reference study (hard-cycle rate 14.9% over 713 triads for
// Llama-3.1-8B) and Mazeika et al. (2025), Utility Engineering. The
// transitivity notebook (notebooks/transitivity.ipynb) uses this package, and
// the robustness notebook quotes its headline rate.
package transitivity

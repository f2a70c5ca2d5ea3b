// Package positivity measures how positive a model's self-reports are: the
// distribution of its ratings over question framings x option sets, overall,
// by task origin and by model, with honest uncertainty, and on a synthetic
// study next to the planted distribution.
//
// # Model
//
// A rating scale lists K options best first; option k (0 = best) scores
//
//	s = 1 − 2k/(K−1)   ∈ [−1, 1]
//
// so good/neutral/bad maps to +1/0/−1 and yes/no to +1/−1. An answer is
// positive when s > 0, neutral when s = 0, negative when s < 0. Shares are
// over valid (parsed) answers; refusals and unparseable answers are counted
// beside them, never folded in. Each share x/n carries the Wilson score 95%
// interval
//
//	(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n),   z = 1.959964,
//
// (Wilson, 1927; stats.Wilson), which stays inside [0, 1] and keeps its
// coverage near 0 and 1, where positivity shares live. The mean score's 95%
// interval is mean ± z·SE with SE clustered by task (stats.ClusteredSE:
// answers about the same task share its utility, so they are not
// independent draws). Both are stats.Interval values (Share.CI,
// Cell.MeanCI). CheckCoverage states the verdict of the synthetic check
// against CoverageBar.
//
// # Conventions
//
// A Rating is one answer: model, part, kind, framing (the phrasing id),
// option set (the scale id), origin, task, outcome and option. FromRuns reads
// them from a study's stored runs; any caller may build the slice itself
// (say, from another tool's JSON) and put it through the same Table and
// figures. Table groups ratings by any of the Dims. On a synthetic study
// FromRuns attaches each answer's planted option probabilities (through
// PlantedRatings, which lib/study implements for the simulator), and every Cell then carries the planted shares, the
// expected shares of exactly the answers it holds.
//
// notebooks/positivity.ipynb is the notebook that uses this package.
package positivity

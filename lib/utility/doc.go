// Package utility fits Thurstonian utilities to pairwise preferences,
// chooses which pairs to measure next (active learning), and scores fits on
// held-out comparisons.
//
// # Model
//
// Task i has a utility U_i ~ N(μᵢ, σᵢ²); in a comparison the task with the
// larger draw is preferred, so
//
//	P(i ≻ j) = Φ((μᵢ - μⱼ) / √(σᵢ² + σⱼ²)),
//
// Thurstone's Case III, as used by the Utility Engineering paper (Mazeika et
// al., 2025). With σᵢ all equal it is Case V.
//
// # Data
//
// Data pools comparisons per unordered pair {i, j}: WinsI and WinsJ count
// the comparisons each side won, from either presentation order. Ties add
// one half to each side, a soft label p adds p and 1-p.
//
// # Fitting
//
// Fit maximises the penalised log-likelihood over the observed pairs only
// (cost linear in the number of pairs) with the exact gradient and gonum's
// L-BFGS. The likelihood fixes neither location nor scale: Fit centres μ to
// mean 0, and fixes the scale through σ, either exactly (Case V,
// σᵢ = StartSigma) or with the prior log σᵢ ~ N(log StartSigma, τ²) (the
// default, τ = 0.25). σ bounds are kept by the reparametrisation
// log σ = c + h·tanh(t). A Gaussian prior μᵢ ~ N(0, s²) shrinks noisy μ;
// by default s is estimated by empirical Bayes (EM with Laplace posterior
// variances). CompareSettings prints the held-out evidence behind these
// defaults; the reference implementation's settings (free σ, no priors)
// overfit badly with one sample per pair.
//
// log Φ is computed from erfc of the smaller tail, and from the continued
// fraction of the Mills ratio beyond |z| = 30, so it stays finite and
// accurate for any finite z; no probability is clipped. Inside Fit's
// objective log Φ comes from a cubic Hermite table (|z| < 8, error below
// 1e-12; see table.go), several times cheaper than erfc, exp and log.
//
// # Evaluation and active learning
//
// Evaluate scores any Predictor on held-out comparisons (accuracy,
// log-loss); lib/stats.Spearman and Pearson compare μ with planted utilities.
// Simulate draws studies with planted truth. A Strategy proposes the next
// batch of pairs from the current data and fit: PaperStrategy (the Utility
// Engineering paper's percentile rule with pseudo-labels),
// ReferenceStrategy (the reference study's variant), RandomStrategy (the
// control) and InfoGainStrategy (prefscope's rule: greedy expected
// information about μᵢ-μⱼ under the Laplace posterior). Replay runs a
// strategy against stored comparisons with a fixed held-out split (NewSplit,
// SplitRun) and returns its learning curve; ReplayStrategies replays several
// on one split next to the full fit, for measured runs and for
// CompareStrategies alike. ActiveRun drives a live measurement loop (Next,
// measure, Add, ..., Result). CompareStrategies, CompareSettings and
// RankAgreement give the evidence tables shown in the notebook.
//
// Conventions: tasks are indexed 0..N-1 (Data.IDs names them); μ is in
// units of σ₀ = StartSigma; probabilities are for "first index preferred".
// The robustness notebook (notebooks/robustness.ipynb) uses this package.
package utility

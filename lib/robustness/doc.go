// Package robustness measures how stable fitted utilities are across
// measurement runs that differ in template fields (task_order, phrasing,
// language, ...; see DESIGN.md section 3).
//
// For every pair of runs (a, b) sharing at least MinShared tasks it computes
// rᵃᵇ, the Pearson correlation of their utilities over the shared tasks,
// and for each field f the indicator sᶠᵃᵇ = 1 when both runs have the same
// value of f (a field missing from a run has the value ""). Two views then
// attribute the loss of correlation to fields:
//
//   - averaging: for each field, mean r over pairs with the field the same
//     minus mean r over pairs with it different;
//   - regression: r = β₀ + Σ_f β_f sᶠ + ε fitted by least squares. When
//     indicators are collinear (two fields always co-vary in the sample) the
//     design is rank-deficient and the minimum-norm solution
//     β = X⁺ r is reported, X⁺ the SVD pseudo-inverse (gonum's mat.SVD),
//     and R² = 1 - SSE/SST.
//
// A large β_f says utilities are sensitive to field f: runs that agree on
// f correlate more, holding the other fields fixed. Analyze runs both views
// on stored, fitted runs (FromStore), and on a synthetic study also on the
// planted correlations; Summary is its saved result.
//
// # Standard errors
//
// The n = G(G−1)/2 observations are pairs of G runs, and a run's noise
// enters every pair it is in, so they are not independent. Four kinds:
//
//   - OLS: √(diag((XᵀX)⁺) · SSE/(n − p)), p = rank X; treats pairs as
//     independent.
//   - dyadic-robust (DyadicSE; Fafchamps and Gubert 2007, Aronow, Samii and
//     Assenova 2015): residual cross-products summed over every two pairs
//     that share a run, scaled by G/(G−1)·(n−1)/(n−p), negative eigenvalues
//     clipped.
//   - run bootstrap (Correlations.Bootstrap): resample runs, rebuild the
//     run pairs, refit; percentile intervals for every β and R².
//   - task bootstrap (TaskBootstrap): resample tasks, recompute every
//     correlation, refit.
//
// Runs are not the only shared source: runs with the same level of a field
// share that level's per-task perturbation, which ties together pairs with
// no run in common, so the two run-level kinds can still be too small.
// Calibrate measures each kind on replicate studies of the simulated
// respondent (sd of β across replicates over the mean reported SE). On the
// robustness part's design (24 templates; 30 tasks, every pair once; 60
// respondent seeds) the task bootstrap is calibrated on every field (ratios
// 0.89-1.14), while OLS, dyadic-robust and run-bootstrap SEs are too small
// by up to 3.9×, 2.5× and 2.1× on the fields with large planted effects
// (language, phrasing) and too large on the null ones; so the intervals to
// quote are the task bootstrap's.
//
// The robustness notebook (notebooks/robustness.ipynb) shows the views; the
// reference study found task_order to be the only field with a large
// effect (48 runs, R² = 0.249).
package robustness

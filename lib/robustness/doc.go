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
// # Planted truth as plain numbers
//
// The package never imports the simulator. A synthetic study's truth
// arrives as Planted: per run, the utility of each task that the
// respondent chose by. PlantedCorrelations (the one place planted
// correlations are computed) correlates them over the same run pairs as
// the estimate; lib/study builds Planted from the simulated respondent
// (study.PlantedRobustness), including the shift a fixed task order plants
// through the position bias, so that task_order has a planted β too.
//
// # By model and across models
//
// AnalyzeModel gives one model's regression with task-bootstrap intervals,
// its mean correlation across templates with an interval, and how many
// planted βs the intervals cover (ModelResult.Recovered); lib/study adds the
// hard-cycle rate against its floor (study.RobustnessByModel).
// CompareModels correlates two models' utilities template by template (runs
// matched by identical template) and averages over templates, with a task
// bootstrap. ModelTable, BetaTable, ModelBetasFigure, RecoveryFigure and
// CrossModelFigure show them; any number of models.
//
// # Standard errors
//
// The n = G(G−1)/2 observations are pairs of G runs, and a run's noise
// enters every pair it is in, so they are not independent. Four methods
// (SEMethods):
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
// Calibrate measures each kind on replicate studies (sd of β across
// replicates over the mean reported SE), which its caller builds
// (study.CalibrationDesign builds them on the simulated respondent). On the
// robustness part's design (24 templates; 30 tasks, every pair once; 60
// respondent seeds) the task bootstrap is calibrated on every field (ratios
// 0.89-1.14), while OLS, dyadic-robust and run-bootstrap SEs are too small
// by up to 3.9×, 2.5× and 2.1× on the fields with large planted effects
// (language, phrasing) and too large on the null ones; so the intervals to
// quote are the task bootstrap's.
//
// The robustness notebook (notebooks/robustness.ipynb) shows the views,
// with the figures (figures.go) and the sentences that state verdicts
// (text.go) of this package; the reference study found task_order to be
// the only field with a large effect on Llama-3.1-8B (48 runs, R² = 0.249)
// and the larger models more coherent.
package robustness

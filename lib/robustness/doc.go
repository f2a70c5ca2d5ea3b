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
//     β = X⁺ r is reported, X⁺ the SVD pseudo-inverse, with standard errors
//     √(diag((XᵀX)⁺) · SSE/(n - p)), p = rank X, and R² = 1 - SSE/SST.
//
// A large β_f says utilities are sensitive to field f: runs that agree on
// f correlate more, holding the other fields fixed. Analyze runs both views
// on stored, fitted runs (FromStore), and on a synthetic study also on the
// planted correlations; Summary is its saved result. The robustness notebook
// (notebooks/robustness.ipynb) shows both views; the reference study found
// task_order to be the only field with a large effect (48 runs, R² = 0.249).
package robustness

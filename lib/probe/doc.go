// Package probe fits linear (ridge) probes from activations to per-task
// targets: the alpha sweep under k-fold cross-validation, noise baselines,
// held-out groups (origin, or any task metadata key such as a topic) with
// mean-adjusted R², cosine similarity of probe weights with bootstrap
// intervals and the split-half ceiling that few tasks per group impose,
// cross-target transfer, the content baseline (the same ridge on the words
// of the task text alone, TF-IDF over hashed unigrams and bigrams), and
// Bradley-Terry probes fitted to pairwise choices directly. It owns the
// figures and verdict sentences of notebooks/probe.ipynb, whose cells call
// them.
//
// # Model
//
// A probe predicts a target yᵢ (a post-task rating, a Thurstonian μ, a
// score) from task i's activation vector xᵢ ∈ Rᵈ:
//
//	min over w, b of  ‖y - Xw - b·1‖² + α‖w‖²,
//
// scikit-learn's Ridge with fit_intercept: α is its alpha, the intercept b
// is not penalised, so X and y are centred on the training rows and
// b = ȳ - x̄ᵀw. Options.Standardize divides features by their SD first, and
// Options.DemeanByOrigin (DemeanTargetByOrigin) subtracts each origin's mean
// activation (target); both use all rows and no labels, before folds.
//
// # Cross-validation
//
// KFold splits like scikit-learn's KFold: unshuffled by default (what
// cross_validate(cv=5) does for a regressor), shuffled with a seed on
// request; OriginFolds holds out one origin at a time. The best alpha has
// the largest mean fold R² (r2_score: SS_tot about the test fold's mean).
// Scores also carry MSE, Pearson r and the mean-adjusted R², R² after the
// predictions are shifted to the test fold's mean, which separates "ranks
// the held-out origin right" from "gets its level right".
//
// # The sweep
//
// The product the sweep needs is paid once: the centred design's Gram XᵀX
// (primal, d×d) or kernel XXᵀ (dual, n×n). A fold's centred training Gram
// is the full one minus the test rows' Gram and a rank-one mean
// correction; its training kernel is a sub-block with rank-one centring
// corrections. Each fold's matrix A is then reduced once to tridiagonal
// form, A = Q T Qᵀ (LAPACK dsytrd), and every alpha is solved from it:
//
//	w_α = Q (T + αI)⁻¹ Qᵀ Xᵀy,
//
// where T + αI is tridiagonal and positive definite, so each alpha costs
// O(d) plus applying Q to all alphas' columns at once. This is exact, like
// the eigendecomposition A = V Λ Vᵀ that the reference's fast method uses,
// but skips what an eigensolver adds after the same reduction (the
// tridiagonal eigenproblem and back-transforming d eigenvectors): dsytrd is
// about half the time of dsyevd (divide and conquer), and far less than
// gonum's QR-based EigenSym. Several targets share the reductions, which
// makes the shuffled-label baseline cost about one sweep. The primal or
// dual form is chosen by estimated flops (dual when training rows are
// fewer than features); both give the same predictions.
//
// # Probes that must generalise
//
// Options.Groups holds out one group per fold (GroupFolds; MinGroup keeps
// small groups in training). CrossTarget scores a probe trained on one
// target against others on the same held-out rows. ContentDataset swaps a
// dataset's activations for task.TextFeatures of its tasks' prompts.
// CosinesByGroup fits one probe per group and bootstraps their cosines;
// SplitHalfCosines measures how far two probes with one true direction agree
// at n tasks each.
//
// # Bradley-Terry probes
//
// BTProbe fits P(i chosen over j) = σ(w·(x_i − x_j)) with an L2 penalty by
// Newton's method; BTCrossValidate chooses α over pairs held out by task.
// ComparePairProbes judges it against ridge on the Thurstonian μ fitted to
// the same training pairs, by held-out pair accuracy as the training pairs
// (or comparisons) are thinned.
//
// # Degenerate input
//
// A nil dataset, a probe without weights, no seeds, a test fold or held-out
// group of one row, and constant or non-finite targets are errors naming
// what is wrong. A fold whose targets are all equal scores NaN (R² is
// undefined), which Metric skips; a sweep in which every fold is so is an
// error.
//
// # Linear algebra
//
// By default the package calls BLAS and LAPACK through cgo:
// gonum.org/v1/netlib over OpenBLAS (Debian's libopenblas-dev) and LAPACKE
// (liblapacke-dev, since Debian's OpenBLAS exports no LAPACKE symbols);
// scripts/setup.sh installs both. Built with CGO_ENABLED=0 or the build tag
// noopenblas, it uses gonum's pure-Go BLAS and LAPACK with the same
// routines (Dsyrk, Dgemm, Dsytrd, Dormqr) and passes the same tests, about
// ten times slower on large matrices. Backend names the one in use.
package probe

// Package steering analyses steering experiments: how far choices and
// ratings move when a direction (a probe's, or a random control) is added to
// the model's residual stream, per multiplier of the layer's mean activation
// norm, and how coherent the answers stay. It owns the estimators, the
// verdict sentences and the figures of notebooks/steering.ipynb; lib/study
// runs the steering parts and hands their runs over as []Run.
//
// # Estimators
//
// A steering part measures each pair in both display orders, once unsteered
// (the baseline, multiplier 0) and once per direction and multiplier, with
// the same call seeds. For a pair g shown in order o, the baseline P̂₀(g, o)
// is the share of parsed baseline answers choosing the first-shown task;
// each parsed steered answer r contributes x_r = 1{first chosen} − P̂₀(g, o).
// The shift of P(A) at a multiplier is the mean of the two order-specific
// mean shifts,
//
//	Δ(m) = ½ Σ_o (1/n_o) Σ_{r in order o} x_r,
//
// so that position bias cancels. Δ is a sum of per-pair totals t_g, and
// pairs are independent, so its standard error is the pair-clustered
// sandwich (stats.ClusteredSE over the totals), which also carries the
// noise of the baseline each pair's shifts share. The slope of Δ against
// the multiplier is the least-squares line through the origin (Δ(0) = 0 by
// construction) over the multipliers within a fit range,
// b = Σ_m m·Δ(m) / Σ_m m², with the same pair-clustered error. Rating
// shifts are the same with tasks as clusters and one stratum. Random
// directions get the same estimates one by one; pooled, the shift is their
// mean and its interval a t interval from their spread (k−1 degrees of
// freedom for k directions), because each random direction has a small
// effect of its own and the question is about directions of that size in
// general, not about these k.
//
// With a synthetic study every answer also carries its planted
// probability (through Planted, which lib/study implements for
// lib/model/synth), and every estimate is computed a second
// time from the planted probabilities of exactly the answers it used: the
// planted value a correct pipeline must cover.
//
// Coherence per multiplier: the shares of answers that parsed, refused and
// were unparseable, with Wilson intervals.
package steering

// Package synth is the simulated respondent: a model.Model and
// model.ActivationModel with planted ground truth, the embedded default that
// lets every notebook run on a fresh machine, and the yardstick that tests
// and notebooks check the estimators against.
//
// It speaks through the same text interface a real model does. For each
// request it reads the rendered prompt with template.Catalog.Perceive, finds
// the tasks by their exact text, and answers in the format the prompt asks
// for (plain text, XML tags, or a tool call when tools are offered).
//
// # Planted model
//
// Task i has a latent utility Mu_i (an origin mean plus N(0, WithinSD²))
// and a Thurstonian spread Sigma_i. A share TextShare (default 0.25) of
// that within-origin variance is text-predictable:
//
//	Mu_i = OriginMean + WithinSD·(√(1−s)·z_i + √s·t_i),  t = std((F̃ F̃ᵀ)⁴ c),
//
// with F̃ the prompts' TF-IDF word features (task.TextFeatures) demeaned
// within origin and c_j ~ N(0, 1) per task: t is a linear function of the
// words, along the main axes on which the prompts differ, so a content
// baseline (a probe on the prompt's words alone) can read t and nothing
// else. truth.json saves each task's text component and its realised share
// of the within-origin variance of Mu under "text" (Truth.Text). A prompt context c (the template fields
// the respondent perceives, plus the measurement kind) perturbs utilities:
//
//	u_i(c) = Mu_i + Σ_f FieldSD[f] · z(f, level_f(c), i),   z ~ N(0, 1)
//
// so two runs that share a field's level share that perturbation and
// correlate more; Truth.ExpectedCorrelation gives the planted amount. A
// revealed choice between the first-shown task a and the second b picks a
// with probability
//
//	P(a) = Φ((u_a(c) + PositionBias − u_b(c)) / (T · √(Sigma_a² + Sigma_b²)))
//
// at temperature T (T = 0 is greedy). Ratings follow an ordered probit:
// y = RatingSlope·(u_i(c) − m)/s + Positivity(c) + T·ε, cut at the K−1
// standard-normal quantiles k/K into the K options, where Positivity(c) =
// PositivityBase + a framing effect (kind and phrasing) + an option-set effect
// (the scale) + an effect of that framing with that option set + a shift by
// the task's origin (Truth.Positivity; truth.json lists every term under
// "positivity"). A small planted rate of refusals (higher for BailBench tasks)
// and of malformed answers exercises the parsers.
//
// Activations: at decoder layer l the residual vector of a conversation about
// task i is OriginOffset[origin][l] + Strength[l] · v_i · Direction[l] + N(0, I),
// with v_i the standardised Mu_i (the planted valence) and Strength peaking
// mid-depth. The strength also depends on the token position read
// (positions.go): at position kind k it is PositionFactor(k) · Strength[l],
// with Params.PositionStrength (saved in truth.json under
// params.position_strength) defaulting to end_of_turn 1 (also last and
// token, which read that token), prompt_last 0.8, user_end 0.55 and
// assistant_mean 0.35, so that probes comparing positions on the same
// conversations should find that order; user_end, prompt_last and
// assistant_mean each have their own noise.
//
// Steering (steer.go): a request that steers along a unit direction d at
// layer l with multiplier m (units of the layer's mean activation norm)
// shifts the utility of each steered task by
//
//	SteerGain · L · tanh(m / L) · cos(d, Direction[l]),   L = CoherenceLimit,
//
// linear with slope SteerGain·cos well inside L and saturating beyond it;
// a direction orthogonal to the planted one does nothing. Differential
// steering shifts the task whose text is the request's Plus span up and the
// Minus task down (P(first) moves); the other modes shift every task shown,
// so a pairwise choice stays put and a rating moves. Past L, whatever the
// direction, an answer is incoherent (an unparseable string of words) with
// probability IncoherenceMax·(1 − exp(−(|m| − L)/L)). Multiplier 0 leaves
// every answer identical to the unsteered one; any other steering is hashed
// into the request's random stream, so a steered answer is a fresh draw
// (an orthogonal direction answers with the unsteered probabilities). The three parameters are in truth.json under "params";
// Truth.SteeredChoiceProb and Truth.SteeredRatingProbs give the planted
// answer probabilities.
//
// Every draw is a pure function of (Truth.Seed, request, request seed), so the
// same request with the same seed always gets the same answer, concurrently
// or not.
package synth

// Package progress reports how far a long job has got, with a rate and an
// estimated time to completion, wherever the job runs.
//
// A job (a measurement run, an activation extraction) takes a Bars from its
// caller, starts one Bar per stage with Start(bars, label, total), calls
// Bar.Add as items finish and Bar.Finish when it stops, done or not. The
// job does not know where the bar is drawn:
//
//   - Writer(w), the CLI's (w is stderr): an animated bar from
//     github.com/schollz/progressbar/v3 when w is a terminal, and otherwise
//     (a log file, CI, a notebook's stderr) one plain line with count, rate
//     and ETA at most every few seconds, plus a last line at Finish;
//   - NotebookBars(w): an HTML <progress> bar in the GoNB cell output, one
//     output block per bar updated in place (Writer(w) outside a notebook);
//   - nil: nothing (Start returns a Bar that does nothing).
//
// Parts groups the runs of a study: one bar per part with its runs done,
// its calls (those already stored counted apart, outside the rate), the
// rate and the ETA, and a bar of its own only for a long run. lib/study's
// Run draws through it, so a part of 24 short runs is one bar, not 24.
//
// Stats is the arithmetic every implementation shares: after Done of Total
// items in Elapsed, Skipped of them needing no work, the rate is
// (Done−Skipped)/Elapsed items per second and the ETA
// is (Total−Done)/rate, the mean rate so far being the estimate of the rest
// (jobs here have items of similar cost, so the simple mean is good enough
// and does not jump about as a moving average would).
//
// The package imports nothing from lib (GoNB's gonbui draws the notebook
// bars), so every package may use it (it sits low in DESIGN.md's order).
package progress

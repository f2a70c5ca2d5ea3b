package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/probe"
	"github.com/prefscope/prefscope/lib/study"
)

// probeSweep times the probe's alpha sweep (5-fold CV, 17 alphas, the
// probe notebook's options) on one layer of a synthetic study's activation
// store against the planted valence: the CPU timing of data/studies/scale.
func probeSweep(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	dir := fs.String("study", "data/studies/scale", "synthetic study directory (with truth.json)")
	store := fs.String("store", "", "activation store (default: the study's only synth store)")
	layer := fs.Int("layer", 16, "layer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	truth, err := study.LoadTruth(*dir)
	if err != nil {
		return err
	}
	if *store == "" {
		*store = activations.Dir(*dir, fmt.Sprintf("synth:%d", truth.Seed))
	}
	t0 := time.Now()
	set, err := activations.Load(*store, *layer)
	if err != nil {
		return err
	}
	target := map[string]float64{}
	for _, id := range set.IDs {
		target[id] = truth.Valence(id)
	}
	ds, err := probe.FromSet(set, target)
	if err != nil {
		return err
	}
	load := time.Since(t0)
	t1 := time.Now()
	sw, err := probe.CrossValidate(ds, &probe.Options{Shuffle: true})
	if err != nil {
		return err
	}
	r2, se := sw.Metric(sw.Best, func(s probe.Scores) float64 { return s.R2 })
	fmt.Fprintf(out, "probe: %d rows x %d, load %.1f s, sweep (%d folds x %d alphas) %.1f s, best alpha %g, CV R² %.3f ± %.3f\n",
		ds.Rows(), len(set.X[0]), load.Seconds(), len(sw.Folds), len(sw.Alphas), time.Since(t1).Seconds(), sw.BestAlpha(), r2, se)
	return nil
}

package probe

import (
	"fmt"
	"math"
	"strconv"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/plot"
)

// PositionScore is the cross-validated probe of one layer at one token
// position: R² at the best alpha, mean over folds, with its standard error
// over folds.
type PositionScore struct {
	Layer    int     `json:"layer"`
	Position string  `json:"position"`
	R2       float64 `json:"r2"`
	SE       float64 `json:"se"`
	Alpha    float64 `json:"alpha"`
	N        int     `json:"n"`
}

// ComparePositions runs the probe's alpha sweep (CrossValidate with opt)
// for every layer x position of the activation store in dir against
// target, on identical conversations: every position of a store was read
// in the same pass. positions nil means all of the store's positions (in
// extract.yaml order). Scores come back layer-major.
func ComparePositions(dir string, layers []int, positions []string, target map[string]float64, opt *Options) ([]PositionScore, error) {
	if len(layers) == 0 {
		return nil, fmt.Errorf("probe: compare positions: no layers")
	}
	if positions == nil {
		pl, err := activations.Positions(dir)
		if err != nil {
			return nil, err
		}
		for _, p := range pl {
			positions = append(positions, p.Name())
		}
	}
	var out []PositionScore
	for _, l := range layers {
		for _, p := range positions {
			set, err := activations.LoadPosition(dir, l, p)
			if err != nil {
				return nil, err
			}
			ds, err := FromSet(set, target)
			if err != nil {
				return nil, fmt.Errorf("probe: layer %d %s: %w", l, p, err)
			}
			sw, err := CrossValidate(ds, opt)
			if err != nil {
				return nil, fmt.Errorf("probe: layer %d %s: %w", l, p, err)
			}
			r2, se := sw.Metric(sw.Best, func(s Scores) float64 { return s.R2 })
			out = append(out, PositionScore{Layer: l, Position: p, R2: r2, SE: se, Alpha: sw.BestAlpha(), N: ds.Rows()})
		}
	}
	return out, nil
}

// PositionsFigure draws scores as grouped bars: one group per position,
// one bar per layer, ±1 SE over folds; target names the probe's target in
// the title. planted, when not nil, maps a
// position to its planted signal share (synth's Params.PositionStrength),
// written under the position's name so the reader can check the ordering.
func PositionsFigure(scores []PositionScore, target string, planted map[string]float64) (*plot.Figure, error) {
	if len(scores) == 0 {
		return nil, fmt.Errorf("probe: positions figure: no scores")
	}
	var positions []string
	var layers []int
	seenP, seenL := map[string]bool{}, map[int]bool{}
	for _, s := range scores {
		if !seenP[s.Position] {
			seenP[s.Position] = true
			positions = append(positions, s.Position)
		}
		if !seenL[s.Layer] {
			seenL[s.Layer] = true
			layers = append(layers, s.Layer)
		}
	}
	idx := map[string]int{}
	for i, p := range positions {
		idx[p] = i
	}
	series := make([]plot.BarSeries, len(layers))
	for k, l := range layers {
		series[k] = plot.BarSeries{Name: "layer " + strconv.Itoa(l), Values: make([]float64, len(positions)), Err: make([]float64, len(positions))}
		for _, s := range scores {
			if s.Layer == l {
				series[k].Values[idx[s.Position]] = s.R2
				if !math.IsNaN(s.SE) {
					series[k].Err[idx[s.Position]] = s.SE
				}
			}
		}
	}
	cats := make([]string, len(positions))
	for i, p := range positions {
		cats[i] = p
		if f, ok := planted[p]; ok {
			cats[i] = fmt.Sprintf("%s (planted %.2f)", p, f)
		}
	}
	n := scores[0].N
	return plot.Bars(cats, series, &plot.BarsOptions{Options: plot.Options{
		Title:  "Probe CV R² by token position and layer\ntarget: " + target,
		XLabel: "token position (planted signal share)",
		YLabel: fmt.Sprintf("CV R², best α (mean ± SE over folds, n = %d)", n),
	}})
}

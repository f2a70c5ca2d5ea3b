package study

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// RunConfigs expands the study into one measure.RunConfig per (part, template).
// Active-learning parts are left out: see ActiveConfigs.
func (s *Study) RunConfigs(tasks []task.Task, cat *template.Catalog) ([]measure.RunConfig, error) {
	all, err := s.expand(tasks, cat)
	if err != nil {
		return nil, err
	}
	var out []measure.RunConfig
	for _, c := range all {
		if c.spec == nil {
			out = append(out, c.cfg)
		}
	}
	return out, nil
}

// ActiveConfig is one active-learning run of a study: the base config
// (tasks, template, seeds; no pairs) and the part's learner settings.
type ActiveConfig struct {
	// PartName is the study part; Base.Part adds the template index.
	PartName string
	Base     measure.RunConfig
	Spec     ActiveLearningSpec
}

// ActiveConfigs lists the study's active-learning runs, one per template of
// each part with an active_learning key. lib/utility.RunActive drives them.
func (s *Study) ActiveConfigs(tasks []task.Task, cat *template.Catalog) ([]ActiveConfig, error) {
	all, err := s.expand(tasks, cat)
	if err != nil {
		return nil, err
	}
	var out []ActiveConfig
	for _, c := range all {
		if c.spec != nil {
			out = append(out, ActiveConfig{PartName: c.part, Base: c.cfg, Spec: *c.spec})
		}
	}
	return out, nil
}

type expanded struct {
	part string
	cfg  measure.RunConfig
	spec *ActiveLearningSpec
}

func (s *Study) expand(tasks []task.Task, cat *template.Catalog) ([]expanded, error) {
	byID := make(map[string]task.Task, len(tasks))
	for _, t := range tasks {
		byID[t.ID] = t
	}
	var out []expanded
	var studyCalls float64
	for pi, p := range s.Parts {
		if p.Steer != nil {
			continue // expanded once its direction and pairs exist: steerConfigs
		}
		ts := tasks
		if p.Tasks.N > 0 {
			var err error
			if ts, err = task.Sample(tasks, task.SampleOptions{N: p.Tasks.N, Seed: uint64(p.Tasks.Seed)}); err != nil {
				return nil, fmt.Errorf("study: study %s part %s: %w", s.Name, p.Name, err)
			}
		}
		ids := make([]string, len(ts))
		for i, t := range ts {
			ids[i] = t.ID
		}
		sort.Strings(ids)
		tpls, err := p.templates(cat)
		if err != nil {
			return nil, fmt.Errorf("study: study %s part %s: %w", s.Name, p.Name, err)
		}
		var pairs [][2]string
		revealed := p.Kind == template.PreRevealed || p.Kind == template.PostRevealed
		if p.ActiveLearning == nil {
			// Count before allocating: the pair list and the engine's call
			// list grow with this number.
			runCalls := float64(len(ids)) * float64(p.Samples)
			if revealed {
				runCalls = p.Pairs.count(len(ids)) * float64(p.Samples)
			}
			studyCalls += runCalls * float64(len(tpls))
			if runCalls > measure.MaxRunCalls {
				return nil, fmt.Errorf("study: %s: part %s: %.0f calls per run (%d templates), more than the limit of %d per run", s.path(), p.Name, runCalls, len(tpls), measure.MaxRunCalls)
			}
			if studyCalls > MaxStudyCalls {
				return nil, fmt.Errorf("study: %s: %.0f calls up to part %s, more than the limit of %d per study", s.path(), studyCalls, p.Name, MaxStudyCalls)
			}
			if revealed {
				pairs = p.Pairs.Make(ids)
			}
		}
		for ti, t := range tpls {
			cfg := s.runConfig(pi, ti, t, ids, pairs)
			if p.ActiveLearning != nil {
				// Each template's learner gets its own part name, so its
				// batch runs are told apart.
				cfg.Part = fmt.Sprintf("%s-t%02d", p.Name, ti)
			}
			if cfg.Inputs, err = measure.InputHash(cat, byID, cfg); err != nil {
				return nil, fmt.Errorf("study: study %s part %s: %w", s.Name, p.Name, err)
			}
			out = append(out, expanded{part: p.Name, cfg: cfg, spec: p.ActiveLearning})
		}
	}
	return out, nil
}

// count is an upper bound on the pairs Make returns for n tasks, computed
// without making them.
// runConfig is the run of template t (the ti-th of part pi) over ids and
// pairs; its seed depends on the study's seed, the part and the template
// only, so a steered run and its unsteered twin share it.
func (s *Study) runConfig(pi, ti int, t template.Template, ids []string, pairs [][2]string) measure.RunConfig {
	p := s.Parts[pi]
	spec := s.PartModel(p)
	return measure.RunConfig{
		Study: s.Name, Part: p.Name, Model: spec, Respondent: respondentVersion(spec), Template: t, Tasks: ids, Pairs: pairs,
		Samples: p.Samples, Temperature: p.Temperature, MaxTokens: p.MaxTokens,
		Seed:                  s.Seed*1_000_003 + int64(pi)*10_007 + int64(ti),
		CompletionSeed:        s.Seed,
		CompletionTemperature: p.CompletionTemperature, CompletionMaxTokens: p.CompletionMaxTokens,
	}
}

func (ps PairSpec) count(n int) float64 {
	all := float64(n) * float64(n-1) / 2
	if ps.Dense || n < 2 {
		return max(all, 0)
	}
	return min(all, float64((ps.PerTask+1)/2)*float64(n))
}

func (p Part) templates(cat *template.Catalog) ([]template.Template, error) {
	tpls, err := p.chooseTemplates(cat)
	if err != nil {
		return nil, err
	}
	for i := range tpls {
		if p.TaskOrder != "" {
			tpls[i].Fields.TaskOrder = p.TaskOrder
		}
		if err := cat.Validate(tpls[i]); err != nil {
			return nil, fmt.Errorf("template %d: %w", i, err)
		}
	}
	return tpls, nil
}

func (p Part) chooseTemplates(cat *template.Catalog) ([]template.Template, error) {
	t := p.Templates
	switch {
	case len(t.List) > 0:
		for i := range t.List {
			if t.List[i].Kind == "" {
				t.List[i].Kind = p.Kind
			}
			if t.List[i].Fields.TaskOrder == "" {
				t.List[i].Fields.TaskOrder = template.OrderRandom
			}
			if err := cat.Validate(t.List[i]); err != nil {
				return nil, fmt.Errorf("templates.list[%d]: %w", i, err)
			}
		}
		return t.List, nil
	case t.Grid != nil:
		kinds := t.Grid.Kinds
		if len(kinds) == 0 {
			kinds = []template.Kind{p.Kind}
		}
		var out []template.Template
		for _, k := range kinds {
			for _, sc := range t.Grid.Scales {
				n := 0
				base := template.Template{Kind: k, Fields: t.Grid.Base, Scale: sc}
				seen := map[string]bool{}
				cands, err := gridCandidates(cat, k, sc, t.Grid.Phrasings)
				if err != nil {
					return nil, err
				}
				for _, cand := range cands {
					// Match on the fields this kind varies, other than phrasing
					// and task order (set from the base below).
					match := true
					for _, f := range cat.Factors(k) {
						if f.Name != template.FieldPhrasing && f.Name != template.FieldTaskOrder && cand.Tag(f.Name) != base.Tag(f.Name) {
							match = false
						}
					}
					if !match {
						continue
					}
					cand.Fields.Seed = t.Grid.Base.Seed
					if k == template.PreRevealed || k == template.PostRevealed {
						cand.Fields.TaskOrder = t.Grid.Base.TaskOrder
						if cand.Fields.TaskOrder == "" {
							cand.Fields.TaskOrder = template.OrderRandom
						}
					}
					if !seen[cand.ID()] {
						seen[cand.ID()] = true
						out = append(out, cand)
						n++
					}
				}
				if n == 0 {
					return nil, fmt.Errorf("templates.grid: no %s template with scale %q matches base fields", k, sc)
				}
			}
		}
		return out, nil
	default:
		all := cat.Generate(p.Kind, t.Scale)
		if len(all) == 0 {
			return nil, fmt.Errorf("templates: catalog has no %s templates with scale %q", p.Kind, t.Scale)
		}
		return template.SampleBalanced(all, t.Sample, t.Seed), nil
	}
}

// gridCandidates is the kind's factorial for a scale, restricted to the
// listed phrasings (in their order) when there are any.
func gridCandidates(cat *template.Catalog, k template.Kind, scale string, phrasings []string) ([]template.Template, error) {
	all := cat.Generate(k, scale)
	if len(phrasings) == 0 {
		return all, nil
	}
	have := cat.Phrasings(k)
	var out []template.Template
	for _, ph := range phrasings {
		if !slices.Contains(have, ph) {
			return nil, fmt.Errorf("templates.grid.phrasings: %q is not a %s phrasing (have %v)", ph, k, have)
		}
		for _, t := range all {
			if t.Fields.Phrasing == ph {
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// Make returns the spec's pairs over ids, each in sorted (canonical) order.
func (ps PairSpec) Make(ids []string) [][2]string {
	var out [][2]string
	if ps.Dense {
		for i := range ids {
			for j := i + 1; j < len(ids); j++ {
				out = append(out, [2]string{ids[i], ids[j]})
			}
		}
		return out
	}
	// Union of PerTask/2 random Hamiltonian cycles: every task gets about
	// PerTask partners and the graph is connected.
	r := rand.New(rand.NewPCG(uint64(ps.Seed), 0x51ed27))
	seen := map[[2]string]bool{}
	rounds := (ps.PerTask + 1) / 2
	n := len(ids)
	for k := 0; k < rounds && n > 1; k++ {
		perm := r.Perm(n)
		for i := 0; i < n; i++ {
			a, b := ids[perm[i]], ids[perm[(i+1)%n]]
			if a > b {
				a, b = b, a
			}
			if a == b || seen[[2]string{a, b}] {
				continue
			}
			seen[[2]string{a, b}] = true
			out = append(out, [2]string{a, b})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i][0] != out[j][0] {
			return out[i][0] < out[j][0]
		}
		return out[i][1] < out[j][1]
	})
	return out
}

// respondentVersion is what measure.RunConfig.Respondent records for a
// part's model: synth.Version for the simulated respondent, nothing for a
// real model.
func respondentVersion(spec model.Spec) string {
	if spec.Kind == model.KindSynth {
		return synth.Version
	}
	return ""
}

package study

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/steering"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// steerRun is one run of a steering part: its config and what it steers.
type steerRun struct {
	cfg measure.RunConfig
	run steering.Run // without Run (the stored records)
}

// steerConfigs expands steering part pi into its runs: per template (and,
// for revealed kinds, per display order) the unsteered baseline, then each
// direction (the probe's, then the random ones) at each non-zero
// multiplier. All runs of a template share its call seeds.
func (s *Study) steerConfigs(pi int, tasks []task.Task, cat *template.Catalog) ([]steerRun, error) {
	p := s.Parts[pi]
	st := p.Steer
	dir, err := s.steerDirection(st)
	if err != nil {
		return nil, err
	}
	layer := dir.Layer
	if st.Layer != nil {
		layer = *st.Layer
	}
	byID := make(map[string]task.Task, len(tasks))
	for _, t := range tasks {
		byID[t.ID] = t
	}
	ids, pairs, err := s.steerTasks(p, tasks)
	if err != nil {
		return nil, err
	}
	tpls, err := p.templates(cat)
	if err != nil {
		return nil, fmt.Errorf("study: %s: part %s: %w", s.path(), p.Name, err)
	}
	if len(pairs) > 0 {
		var both []template.Template
		for _, t := range tpls {
			for _, o := range []string{template.OrderCanonical, template.OrderReversed} {
				t.Fields.TaskOrder = o
				both = append(both, t)
			}
		}
		tpls = both
	}
	type direction struct {
		label  string
		random bool
		vec    []float32
		id     string
	}
	dirs := []direction{{steering.Probe, false, dir.Vector, "probe:" + st.Direction + "@" + vectorHash(dir.Vector)}}
	for k := 1; k <= st.RandomDirections; k++ {
		dirs = append(dirs, direction{fmt.Sprintf("random %d", k), true, RandomDirection(dir.Vector, st.Seed, k), fmt.Sprintf("random:%d:%d", st.Seed, k)})
	}
	var out []steerRun
	for ti, t := range tpls {
		base := s.runConfig(pi, ti, t, ids, pairs)
		if base.Inputs, err = measure.InputHash(cat, byID, base); err != nil {
			return nil, fmt.Errorf("study: study %s part %s: %w", s.Name, p.Name, err)
		}
		unsteered := base
		if unsteered.Samples = st.BaselineSamples; unsteered.Samples == 0 {
			unsteered.Samples = p.Samples * (1 + st.RandomDirections)
		}
		if n := (unsteered.Calls() + base.Calls()*int64(len(dirs)*len(st.Multipliers))) * int64(len(tpls)); n > MaxStudyCalls {
			return nil, fmt.Errorf("study: %s: part %s: %d calls, more than the limit of %d per study", s.path(), p.Name, n, MaxStudyCalls)
		}
		out = append(out, steerRun{cfg: unsteered, run: steering.Run{Direction: steering.Baseline, Layer: layer, Mode: st.Mode}})
		for _, d := range dirs {
			for _, m := range st.Multipliers {
				if m == 0 {
					continue // the baseline
				}
				cfg := base
				cfg.Steering = &model.Steering{Direction: d.vec, DirectionID: d.id, Layer: layer, Multiplier: m, Norm: dir.MeanNorm, Mode: st.Mode}
				out = append(out, steerRun{cfg: cfg, run: steering.Run{Direction: d.label, Random: d.random, Multiplier: m, Vector: d.vec, Layer: layer, Mode: st.Mode}})
			}
		}
	}
	return out, nil
}

// steerTasks are a steering part's tasks and pairs: the borderline pairs of
// its source part, or the part's own sampling.
func (s *Study) steerTasks(p Part, tasks []task.Task) (ids []string, pairs [][2]string, err error) {
	if b := p.Steer.Borderline; b != nil {
		if pairs, err = BorderlinePairs(s.dir, *b); err != nil {
			return nil, nil, fmt.Errorf("study: %s: part %s: %w", s.path(), p.Name, err)
		}
		seen := map[string]bool{}
		for _, pr := range pairs {
			for _, id := range pr {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		sort.Strings(ids)
		return ids, pairs, nil
	}
	ts := tasks
	if p.Tasks.N > 0 {
		if ts, err = task.Sample(tasks, task.SampleOptions{N: p.Tasks.N, Seed: uint64(p.Tasks.Seed)}); err != nil {
			return nil, nil, fmt.Errorf("study: study %s part %s: %w", s.Name, p.Name, err)
		}
	}
	for _, t := range ts {
		ids = append(ids, t.ID)
	}
	sort.Strings(ids)
	if p.Kind == template.PreRevealed || p.Kind == template.PostRevealed {
		pairs = p.Pairs.Make(ids)
	}
	return ids, pairs, nil
}

// BorderlinePairs reads the stored runs of b.Part and returns, in canonical
// order, the pairs measured in both display orders whose P(a over b), the
// mean of the two orders' shares of parsed answers choosing a, lies in
// [Low, High]; with MaxPairs, a seeded random subset of that size.
func BorderlinePairs(dir string, b BorderlineSpec) ([][2]string, error) {
	runs, err := PartRuns(dir, b.Part)
	if err != nil {
		return nil, fmt.Errorf("borderline pairs: %w", err)
	}
	type counts struct{ wins, n [2]int }
	byPair := map[[2]string]*counts{}
	for _, r := range runs {
		for _, rec := range r.Records {
			if rec.Outcome != template.OutcomeChoice || len(rec.Shown) != 2 {
				continue
			}
			k := [2]string{rec.TaskA, rec.TaskB}
			c := byPair[k]
			if c == nil {
				c = &counts{}
				byPair[k] = c
			}
			o := 0
			if rec.Shown[0] != rec.TaskA {
				o = 1
			}
			c.n[o]++
			if rec.Winner == rec.TaskA {
				c.wins[o]++
			}
		}
	}
	lo, hi := b.bounds()
	var out [][2]string
	for k, c := range byPair {
		if c.n[0] == 0 || c.n[1] == 0 {
			continue
		}
		p := (float64(c.wins[0])/float64(c.n[0]) + float64(c.wins[1])/float64(c.n[1])) / 2
		if p >= lo && p <= hi {
			out = append(out, k)
		}
	}
	sortPairs(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("borderline pairs: no pair of part %s measured in both orders has P(a) in [%v, %v]", b.Part, lo, hi)
	}
	if b.MaxPairs > 0 && len(out) > b.MaxPairs {
		r := rand.New(rand.NewPCG(uint64(b.Seed), 0xb0de7))
		r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		out = out[:b.MaxPairs]
		sortPairs(out)
	}
	return out, nil
}

func sortPairs(ps [][2]string) {
	slices.SortFunc(ps, func(a, b [2]string) int {
		if a[0] != b[0] {
			if a[0] < b[0] {
				return -1
			}
			return 1
		}
		if a[1] < b[1] {
			return -1
		} else if a[1] > b[1] {
			return 1
		}
		return 0
	})
}

// RandomDirection is the k-th random control direction of a seed for the
// unit direction probe: Gaussian coordinates with the component along probe
// removed, normalised, the same on every machine. It is uniform on the unit
// sphere orthogonal to probe, so a control shares none of the probe's
// direction and tests whether any push of the same size moves answers.
func RandomDirection(probe []float32, seed int64, k int) []float32 {
	r := rand.New(rand.NewPCG(uint64(seed), 0x5eed0000+uint64(k)))
	v := make([]float64, len(probe))
	var dot float64
	for i := range v {
		v[i] = r.NormFloat64()
		dot += v[i] * float64(probe[i])
	}
	var n2 float64
	for i := range v {
		v[i] -= dot * float64(probe[i])
		n2 += v[i] * v[i]
	}
	out := make([]float32, len(probe))
	for i, x := range v {
		out[i] = float32(x / math.Sqrt(n2))
	}
	return out
}

// vectorHash identifies a direction's values in run ids, so that a refitted
// probe under the same name starts new runs.
func vectorHash(v []float32) string {
	h := sha256.New()
	var b [4]byte
	for _, x := range v {
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(x))
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// steerParts are the indices of the steering parts to run: those named in
// parts, or all when parts is empty.
func (s *Study) steerParts(parts []string) []int {
	var out []int
	for i, p := range s.Parts {
		if p.Steer != nil && (len(parts) == 0 || slices.Contains(parts, p.Name)) {
			out = append(out, i)
		}
	}
	return out
}

// runSteer runs the study's steering parts (after the other parts, whose
// results they read). Without a part filter, a part whose direction is not
// saved yet is skipped with a log line; named explicitly, it is an error.
func (e *Env) runSteer(ctx context.Context, opts Options, res *Result) error {
	for _, pi := range e.Study.steerParts(opts.Parts) {
		p := e.Study.Parts[pi]
		runs, err := e.Study.steerConfigs(pi, e.Tasks, e.Catalog)
		if err != nil {
			if len(opts.Parts) == 0 && errors.Is(err, fs.ErrNotExist) {
				if opts.Log != nil {
					fmt.Fprintf(opts.Log, "part %s: skipped, its direction %q is not saved yet (run the part by name once it is)\n", p.Name, p.Steer.Direction)
				}
				continue
			}
			return err
		}
		eng, err := e.EngineFor(e.Study.PartModel(p))
		if err != nil {
			return err
		}
		// One progress bar per part would need the engine's internals; the
		// runs are many and small, so they run without bars and log a line.
		quiet := *eng
		quiet.Progress = nil
		calls, done := 0, 0
		for _, r := range runs {
			sum, err := quiet.Run(ctx, e.RunsDir(), r.cfg)
			if err != nil {
				return fmt.Errorf("study: part %s: run %s: %w", p.Name, r.cfg.ID(), err)
			}
			res.Summaries, res.Configs = append(res.Summaries, sum), append(res.Configs, r.cfg)
			calls, done = calls+sum.Total, done+sum.Done
		}
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, "part %s: %d steering runs, %d calls, %d made now\n", p.Name, len(runs), calls, done)
		}
	}
	return nil
}

// SteerRuns reads the stored runs of steering part part, each with its
// steering settings, for lib/steering. A run not measured yet is an error
// naming it.
func SteerRuns(dir, part string) ([]steering.Run, error) {
	s, err := Load(dir)
	if err != nil {
		return nil, err
	}
	pi := slices.IndexFunc(s.Parts, func(p Part) bool { return p.Name == part })
	if pi < 0 || s.Parts[pi].Steer == nil {
		return nil, fmt.Errorf("study: %s has no steering part %q", s.path(), part)
	}
	tasks, err := s.LoadTasks()
	if err != nil {
		return nil, err
	}
	cat, err := s.LoadCatalog()
	if err != nil {
		return nil, err
	}
	runs, err := s.steerConfigs(pi, tasks, cat)
	if err != nil {
		return nil, err
	}
	out := make([]steering.Run, len(runs))
	for i, r := range runs {
		stored, err := measure.ReadRun(layout.Run(dir, r.cfg.ID()))
		if err != nil {
			return nil, fmt.Errorf("study: part %s: run %s (%s at multiplier %s) is not measured yet: %w", part, r.cfg.ID(), r.run.Direction, strconv.FormatFloat(r.run.Multiplier, 'g', -1, 64), err)
		}
		out[i] = r.run
		out[i].Run = stored
	}
	return out, nil
}

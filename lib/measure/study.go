package measure

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// Study is a study.yaml: a model, a task universe and the parts to measure.
// Unknown keys are rejected with the file and line.
type Study struct {
	Name  string    `yaml:"name"`
	Model ModelSpec `yaml:"model"`
	Tasks TaskSpec  `yaml:"tasks"`
	// Catalog is a template catalog YAML; empty means the embedded default.
	Catalog string `yaml:"catalog,omitempty"`
	// Seed is the base of every run seed in the study.
	Seed int64 `yaml:"seed"`
	// Concurrency bounds calls (or batches) in flight; 0 means 8.
	Concurrency int `yaml:"concurrency,omitempty"`
	// BatchSize groups calls into batches for models that answer batches
	// (local Llama weights); see Engine.BatchSize. 0 or 1: no batching.
	BatchSize int    `yaml:"batch_size,omitempty"`
	Parts     []Part `yaml:"parts"`
	// Extract configures activation capture (prefscope extract).
	Extract *ExtractSpec `yaml:"extract,omitempty"`

	dir string
}

// TaskSpec names the task universe: the committed default set or sources.
type TaskSpec struct {
	Default bool          `yaml:"default,omitempty"`
	Sources []task.Source `yaml:"sources,omitempty"`
}

// Part is one measurement design inside a study; it expands to one run per
// template.
type Part struct {
	Name string        `yaml:"name"`
	Kind template.Kind `yaml:"kind"`
	// Tasks samples the part's tasks from the universe (stratified by origin);
	// N = 0 takes all.
	Tasks SampleSpec `yaml:"tasks,omitempty"`
	// Templates chooses the part's templates.
	Templates TemplateSpec `yaml:"templates"`
	// TaskOrder, when set, overrides every template's task_order: canonical,
	// reversed or random (per pair, seeded). Explicitly listed templates and
	// grid bases without a task_order get random, the default, because a
	// fixed order turns position bias into a utility bias shared by every
	// run with that order.
	TaskOrder string `yaml:"task_order,omitempty"`
	// Pairs chooses the pairs (revealed kinds).
	Pairs       PairSpec `yaml:"pairs,omitempty"`
	Samples     int      `yaml:"samples"`
	Temperature float64  `yaml:"temperature"`
	MaxTokens   int      `yaml:"max_tokens,omitempty"`
	// CompletionTemperature and CompletionMaxTokens apply to post-task kinds.
	CompletionTemperature float64 `yaml:"completion_temperature,omitempty"`
	CompletionMaxTokens   int     `yaml:"completion_max_tokens,omitempty"`
	// ActiveLearning, when set, replaces Pairs with pairs chosen by an active
	// learner (lib/utility drives the engine batch by batch).
	ActiveLearning *ActiveLearningSpec `yaml:"active_learning,omitempty"`
}

// SampleSpec is a seeded, origin-stratified sample size.
type SampleSpec struct {
	N    int   `yaml:"n,omitempty"`
	Seed int64 `yaml:"seed,omitempty"`
}

// TemplateSpec picks templates: a balanced sample of the kind's factorial
// set, a grid of phrasings x scales (x kinds) over base fields, or an
// explicit list.
type TemplateSpec struct {
	Sample int   `yaml:"sample,omitempty"`
	Seed   int64 `yaml:"seed,omitempty"`
	// Scale for stated kinds when sampling.
	Scale string              `yaml:"scale,omitempty"`
	Grid  *TemplateGrid       `yaml:"grid,omitempty"`
	List  []template.Template `yaml:"list,omitempty"`
}

// TemplateGrid crosses every phrasing of each kind with each scale, holding
// the other fields at Base.
type TemplateGrid struct {
	Kinds  []template.Kind `yaml:"kinds"`
	Scales []string        `yaml:"scales"`
	Base   template.Fields `yaml:"base"`
}

// PairSpec picks the pairs of a revealed part: all pairs (Dense), or a random
// graph in which every task has about PerTask partners.
type PairSpec struct {
	Dense   bool  `yaml:"dense,omitempty"`
	PerTask int   `yaml:"per_task,omitempty"`
	Seed    int64 `yaml:"seed,omitempty"`
}

// ActiveLearningSpec configures an active-learning part (see lib/utility).
// Strategy is one of ActiveStrategies; zero fields keep the strategy's
// published defaults.
type ActiveLearningSpec struct {
	Strategy       string  `yaml:"strategy"`
	InitialDegree  int     `yaml:"initial_degree,omitempty"`
	BatchSize      int     `yaml:"batch_size,omitempty"`
	MaxBatches     int     `yaml:"max_batches,omitempty"`
	StopSpearman   float64 `yaml:"stop_spearman,omitempty"`
	MaxPairs       int     `yaml:"max_pairs,omitempty"`
	MaxComparisons int     `yaml:"max_comparisons,omitempty"`
	Seed           int64   `yaml:"seed,omitempty"`
}

// ActiveStrategies are the strategy names a study may give.
var ActiveStrategies = []string{"paper", "reference-study", "random", "info-gain"}

// LoadStudy reads dir/study.yaml.
func LoadStudy(dir string) (*Study, error) {
	path := filepath.Join(dir, "study.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("measure: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var s Study
	if err := dec.Decode(&s); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("measure: %s: %w", path, err)
	}
	s.dir = dir
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("measure: %s: %w", path, err)
	}
	return &s, nil
}

// Dir is the study directory.
func (s *Study) Dir() string { return s.dir }

func (s *Study) validate() error {
	if s.Name == "" {
		return errors.New("missing key name")
	}
	if s.Model.Kind == "" {
		return errors.New("missing key model.kind")
	}
	if !s.Tasks.Default && len(s.Tasks.Sources) == 0 {
		return errors.New("tasks: set default: true or list sources")
	}
	if len(s.Parts) == 0 {
		return errors.New("missing key parts")
	}
	seen := map[string]bool{}
	for i, p := range s.Parts {
		where := fmt.Sprintf("parts[%d] (%s)", i, p.Name)
		if p.Name == "" {
			return fmt.Errorf("parts[%d]: missing key name", i)
		}
		if seen[p.Name] {
			return fmt.Errorf("%s: duplicate part name", where)
		}
		seen[p.Name] = true
		if al := p.ActiveLearning; al != nil {
			if p.Kind != template.PreRevealed && p.Kind != template.PostRevealed {
				return fmt.Errorf("%s: active_learning needs a revealed kind, not %s", where, p.Kind)
			}
			if !slices.Contains(ActiveStrategies, al.Strategy) {
				return fmt.Errorf("%s: active_learning.strategy %q is not one of %v", where, al.Strategy, ActiveStrategies)
			}
		}
		switch p.Kind {
		case template.PreRevealed, template.PostRevealed:
			if !p.Pairs.Dense && p.Pairs.PerTask <= 0 && p.ActiveLearning == nil {
				return fmt.Errorf("%s: revealed kind needs pairs.dense, pairs.per_task or active_learning", where)
			}
		case template.PreStated, template.PostStated:
		default:
			return fmt.Errorf("%s: key kind: unknown kind %q", where, p.Kind)
		}
		if p.Samples < 1 {
			return fmt.Errorf("%s: key samples must be at least 1", where)
		}
		t := p.Templates
		n := 0
		if t.Sample > 0 {
			n++
		}
		if t.Grid != nil {
			n++
		}
		if len(t.List) > 0 {
			n++
		}
		if n != 1 {
			return fmt.Errorf("%s: templates: give exactly one of sample, grid, list", where)
		}
	}
	return nil
}

// LoadTasks loads the study's task universe.
func (s *Study) LoadTasks() ([]task.Task, error) {
	var all []task.Task
	if s.Tasks.Default {
		ts, err := task.Default()
		if err != nil {
			return nil, err
		}
		all = append(all, ts...)
	}
	for _, src := range s.Tasks.Sources {
		if src.Path != "" && !filepath.IsAbs(src.Path) {
			src.Path = filepath.Join(s.dir, src.Path)
		}
		ts, err := task.Load(src)
		if err != nil {
			return nil, err
		}
		all = append(all, ts...)
	}
	return all, nil
}

// LoadCatalog returns the study's template catalog.
func (s *Study) LoadCatalog() (*template.Catalog, error) {
	if s.Catalog == "" {
		return template.DefaultCatalog()
	}
	p := s.Catalog
	if !filepath.IsAbs(p) {
		p = filepath.Join(s.dir, p)
	}
	return template.LoadCatalog(p)
}

// RunConfigs expands the study into one RunConfig per (part, template).
// Active-learning parts are left out: see ActiveConfigs.
func (s *Study) RunConfigs(tasks []task.Task, cat *template.Catalog) ([]RunConfig, error) {
	all, err := s.expand(tasks, cat)
	if err != nil {
		return nil, err
	}
	var out []RunConfig
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
	Base     RunConfig
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
	cfg  RunConfig
	spec *ActiveLearningSpec
}

func (s *Study) expand(tasks []task.Task, cat *template.Catalog) ([]expanded, error) {
	var out []expanded
	for pi, p := range s.Parts {
		ts := tasks
		if p.Tasks.N > 0 {
			var err error
			if ts, err = task.Sample(tasks, task.SampleOptions{N: p.Tasks.N, Seed: uint64(p.Tasks.Seed)}); err != nil {
				return nil, fmt.Errorf("measure: study %s part %s: %w", s.Name, p.Name, err)
			}
		}
		ids := make([]string, len(ts))
		for i, t := range ts {
			ids[i] = t.ID
		}
		sort.Strings(ids)
		tpls, err := p.templates(cat)
		if err != nil {
			return nil, fmt.Errorf("measure: study %s part %s: %w", s.Name, p.Name, err)
		}
		var pairs [][2]string
		revealed := p.Kind == template.PreRevealed || p.Kind == template.PostRevealed
		if revealed && p.ActiveLearning == nil {
			pairs = p.Pairs.Make(ids)
		}
		for ti, t := range tpls {
			cfg := RunConfig{
				Study: s.Name, Part: p.Name, Model: s.Model, Template: t, Tasks: ids, Pairs: pairs,
				Samples: p.Samples, Temperature: p.Temperature, MaxTokens: p.MaxTokens,
				Seed:                  s.Seed*1_000_003 + int64(pi)*10_007 + int64(ti),
				CompletionSeed:        s.Seed,
				CompletionTemperature: p.CompletionTemperature, CompletionMaxTokens: p.CompletionMaxTokens,
			}
			if p.ActiveLearning != nil {
				// Each template's learner gets its own part name, so its
				// batch runs are told apart.
				cfg.Part = fmt.Sprintf("%s-t%02d", p.Name, ti)
			}
			out = append(out, expanded{part: p.Name, cfg: cfg, spec: p.ActiveLearning})
		}
	}
	return out, nil
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
				for _, cand := range cat.Generate(k, sc) {
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

// ModelFactory builds a model for a study. tasks is the study's universe.
type ModelFactory func(spec ModelSpec, tasks []task.Task, cat *template.Catalog) (model.Model, error)

var (
	factoriesMu sync.Mutex
	factories   = map[string]ModelFactory{
		"synth": func(spec ModelSpec, tasks []task.Task, cat *template.Catalog) (model.Model, error) {
			return synth.New(synth.Options{Seed: spec.Seed, Tasks: tasks, Catalog: cat})
		},
	}
)

// RegisterModel makes a model kind available to studies. The CLI registers
// "llama" and "openai"; "synth" is built in.
func RegisterModel(kind string, f ModelFactory) {
	factoriesMu.Lock()
	defer factoriesMu.Unlock()
	factories[kind] = f
}

// OpenModel builds the model a spec names.
func OpenModel(spec ModelSpec, tasks []task.Task, cat *template.Catalog) (model.Model, error) {
	factoriesMu.Lock()
	f, ok := factories[spec.Kind]
	factoriesMu.Unlock()
	if !ok {
		return nil, fmt.Errorf("measure: model kind %q is not available here (known: synth, and llama/openai through the prefscope CLI)", spec.Kind)
	}
	return f(spec, tasks, cat)
}

// StudyOptions control RunStudy.
type StudyOptions struct {
	// Parts restricts the run to these part names; empty runs all.
	Parts []string
	// Progress receives progress bars; Log receives one line per run.
	Progress io.Writer
	Log      io.Writer
	// Concurrency overrides the study's.
	Concurrency int
}

// StudyResult lists what RunStudy did.
type StudyResult struct {
	Summaries []Summary
	Configs   []RunConfig
}

// StudyEnv is an opened study: its file, tasks, catalog, model and an
// engine wired to the study's completion cache. Close it when done.
type StudyEnv struct {
	Study   *Study
	Tasks   []task.Task
	Catalog *template.Catalog
	Model   model.Model
	Engine  *Engine
	cache   *CompletionCache
}

// OpenStudy loads the study in dir and opens its model (for a synth model it
// also writes truth.json, the planted ground truth).
func OpenStudy(dir string, opts StudyOptions) (*StudyEnv, error) {
	s, err := LoadStudy(dir)
	if err != nil {
		return nil, err
	}
	tasks, err := s.LoadTasks()
	if err != nil {
		return nil, err
	}
	cat, err := s.LoadCatalog()
	if err != nil {
		return nil, err
	}
	m, err := OpenModel(s.Model, tasks, cat)
	if err != nil {
		return nil, err
	}
	if sm, ok := m.(*synth.Model); ok {
		if err := writeTruth(dir, sm.Truth()); err != nil {
			return nil, err
		}
	}
	cache, err := OpenCompletionCache(dir, m.Name())
	if err != nil {
		return nil, err
	}
	byID := make(map[string]task.Task, len(tasks))
	for _, t := range tasks {
		byID[t.ID] = t
	}
	conc := s.Concurrency
	if opts.Concurrency > 0 {
		conc = opts.Concurrency
	}
	eng := &Engine{Model: m, Catalog: cat, Tasks: byID, Concurrency: conc, BatchSize: s.BatchSize, Progress: opts.Progress, Completions: cache}
	return &StudyEnv{Study: s, Tasks: tasks, Catalog: cat, Model: m, Engine: eng, cache: cache}, nil
}

// RunsDir is where the study's runs are stored.
func (e *StudyEnv) RunsDir() string { return filepath.Join(e.Study.dir, "runs") }

// Close flushes the completion cache.
func (e *StudyEnv) Close() error { return e.cache.Close() }

// RunStudy runs or resumes every fixed-design run of the study in dir
// (active-learning parts are driven by lib/utility.RunActive; the CLI does
// both).
func RunStudy(ctx context.Context, dir string, opts StudyOptions) (*StudyResult, error) {
	env, err := OpenStudy(dir, opts)
	if err != nil {
		return nil, err
	}
	defer env.Close()
	cfgs, err := env.Study.RunConfigs(env.Tasks, env.Catalog)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, p := range opts.Parts {
		want[p] = true
	}
	res := &StudyResult{}
	for _, cfg := range cfgs {
		if len(want) > 0 && !want[cfg.Part] {
			continue
		}
		sum, err := env.Engine.Run(ctx, env.RunsDir(), cfg)
		res.Summaries = append(res.Summaries, sum)
		res.Configs = append(res.Configs, cfg)
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, "%s: %d calls, %d cached, %d done, %d failed, parse rate %.3f\n", sum.RunID, sum.Total, sum.Cached, sum.Done, sum.Failed, sum.ParseRate())
		}
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

func writeTruth(dir string, t *synth.Truth) error {
	path := filepath.Join(dir, "truth.json")
	b, err := json.MarshalIndent(t, "", " ")
	if err != nil {
		return fmt.Errorf("measure: encoding truth: %w", err)
	}
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp." + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ActivationsDir is where ExtractStudy writes a model's activations.
func ActivationsDir(studyDir, modelName string) string {
	return filepath.Join(studyDir, "activations", sanitize(modelName))
}

// ExtractStudy captures activations for the study's extract spec: for each
// task, the conversation [user: task, assistant: completion] with the
// completion taken from (or added to) the study's completion cache. It
// returns the output directory.
func ExtractStudy(ctx context.Context, dir string, opts StudyOptions) (string, error) {
	env, err := OpenStudy(dir, opts)
	if err != nil {
		return "", err
	}
	defer env.Close()
	s, m, tasks := env.Study, env.Model, env.Tasks
	if s.Extract == nil {
		return "", fmt.Errorf("measure: %s: no extract key in study.yaml", filepath.Join(dir, "study.yaml"))
	}
	am, ok := m.(model.ActivationModel)
	if !ok {
		return "", fmt.Errorf("measure: model %s cannot return activations (use synth or llama)", m.Name())
	}
	ex := *s.Extract
	if ex.Tasks.N > 0 {
		if tasks, err = task.Sample(tasks, task.SampleOptions{N: ex.Tasks.N, Seed: uint64(ex.Tasks.Seed)}); err != nil {
			return "", err
		}
	}
	cache, eng := env.cache, env.Engine
	items := make([]ExtractItem, 0, len(tasks))
	for _, t := range tasks {
		comp, err := cache.Get(ctx, m, CompletionKey{Task: t.ID, Seed: ex.CompletionSeed, Temperature: ex.CompletionTemperature, MaxTokens: ex.CompletionMaxTokens}, t.Prompt, eng.retry)
		if err != nil {
			return "", err
		}
		items = append(items, ExtractItem{
			ID:       t.ID,
			Messages: []model.Message{{Role: model.RoleUser, Content: t.Prompt}, {Role: model.RoleAssistant, Content: comp}},
			Meta:     map[string]string{"origin": t.Origin},
		})
	}
	out := ActivationsDir(dir, m.Name())
	n, err := Extract(ctx, am, items, ex, out, opts.Progress)
	if opts.Log != nil {
		fmt.Fprintf(opts.Log, "extract: %d new, %d already done, in %s\n", n, len(items)-n, out)
	}
	return out, err
}

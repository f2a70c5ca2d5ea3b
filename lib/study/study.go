package study

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"unicode/utf8"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
	"go.yaml.in/yaml/v3"
)

// Study is a study.yaml: a model, a task universe and the parts to measure.
// Unknown keys are rejected with the file and line.
type Study struct {
	Name  string     `yaml:"name"`
	Model model.Spec `yaml:"model"`
	Tasks TaskSpec   `yaml:"tasks"`
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
	// Resample, when set, replaces the universe by draws with replacement
	// from it (see resample.go): studies at scale from a small task set.
	Resample *ResampleSpec `yaml:"resample,omitempty"`
}

// Part is one measurement design inside a study; it expands to one run per
// template.
type Part struct {
	Name string        `yaml:"name"`
	Kind template.Kind `yaml:"kind"`
	// Model, when set, is the model this part measures instead of the
	// study's, so that one study can compare models side by side. A part
	// without it keeps the study's model (and its run ids).
	Model *model.Spec `yaml:"model,omitempty"`
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
	// Steer, when set, makes this a steering part (see SteerSpec).
	Steer *SteerSpec `yaml:"steer,omitempty"`
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

// TemplateGrid crosses every phrasing of each kind (or only those listed in
// Phrasings) with each scale, holding the other fields at Base.
type TemplateGrid struct {
	Kinds  []template.Kind `yaml:"kinds"`
	Scales []string        `yaml:"scales"`
	// Phrasings, when set, keeps only these phrasing ids, in this order
	// (each must be a phrasing of every kind in Kinds): the positivity
	// framings are chosen this way from the post_stated phrasings.
	Phrasings []string        `yaml:"phrasings,omitempty"`
	Base      template.Fields `yaml:"base"`
}

// PartModel is the model a part measures: its own, else the study's.
func (s *Study) PartModel(p Part) model.Spec {
	if p.Model != nil {
		return *p.Model
	}
	return s.Model
}

// Models lists the distinct models the study measures: the study's first,
// then each part's own in part order.
func (s *Study) Models() []model.Spec {
	out := []model.Spec{s.Model}
	for _, p := range s.Parts {
		if m := s.PartModel(p); !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
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

// Load reads dir/study.yaml. Errors name the file, the line and the key;
// a file over MaxStudyFileBytes is refused before it is parsed.
func Load(dir string) (*Study, error) {
	path := layout.Study(dir)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxStudyFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("study: %s: %w", path, err)
	}
	if len(b) > MaxStudyFileBytes {
		return nil, fmt.Errorf("study: %s: larger than the limit of %d bytes for a study file", path, MaxStudyFileBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var s Study
	if err := dec.Decode(&s); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("study: %s: %w", path, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("study: %s: %w", path, err)
	}
	s.dir = dir
	if err := s.validate(&root); err != nil {
		return nil, fmt.Errorf("study: %s: %w", path, err)
	}
	return &s, nil
}

// Dir is the study directory.
func (s *Study) Dir() string { return s.dir }

func (s *Study) path() string { return layout.Study(s.dir) }

// LoadTasks loads the study's task universe.
func (s *Study) LoadTasks() ([]task.Task, error) { return s.LoadTasksContext(context.Background()) }

// LoadTasksContext loads the study's task universe, stopping between
// sources when ctx ends. A task ID that two sources share is an error naming
// both, and so is a prompt that is not valid UTF-8. Relative paths are
// resolved against the study directory.
func (s *Study) LoadTasksContext(ctx context.Context) ([]task.Task, error) {
	type source struct {
		label string
		src   task.Source
	}
	var srcs []source
	if s.Tasks.Default {
		srcs = append(srcs, source{"tasks.default", task.Source{Format: task.FormatDefault}})
	}
	for i, src := range s.Tasks.Sources {
		if src.Path != "" && !filepath.IsAbs(src.Path) {
			src.Path = filepath.Join(s.dir, src.Path)
		}
		srcs = append(srcs, source{fmt.Sprintf("tasks.sources[%d] (%s)", i, src), src})
	}
	plain := make([]task.Source, len(srcs))
	for i, src := range srcs {
		plain[i] = src.src
	}
	if err := task.CheckSizes(plain); err != nil {
		return nil, fmt.Errorf("study: %s: tasks: %w", s.path(), err)
	}
	var all []task.Task
	from := map[string]string{}
	for _, src := range srcs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("study: loading tasks: %w", err)
		}
		ts, err := task.Load(src.src)
		if err != nil {
			return nil, fmt.Errorf("study: %s: %s: %w", s.path(), src.label, redacted{err})
		}
		for _, t := range ts {
			if first, ok := from[t.ID]; ok {
				return nil, fmt.Errorf("study: %s: task %q is in %s and in %s: task IDs must be unique across sources", s.path(), t.ID, first, src.label)
			}
			from[t.ID] = src.label
			if !utf8.ValidString(t.Prompt) {
				return nil, fmt.Errorf("study: %s: %s: task %q: prompt is not valid UTF-8", s.path(), src.label, t.ID)
			}
		}
		all = append(all, ts...)
	}
	if s.Tasks.Resample != nil {
		return s.Tasks.Resample.Draw(all)
	}
	return all, nil
}

// LoadCatalog returns the study's template catalog; a relative path is
// resolved against the study directory.
func (s *Study) LoadCatalog() (*template.Catalog, error) {
	if s.Catalog == "" {
		return template.DefaultCatalog()
	}
	p := s.Catalog
	if !filepath.IsAbs(p) {
		p = filepath.Join(s.dir, p)
	}
	cat, err := template.LoadCatalog(p)
	if err != nil {
		return nil, fmt.Errorf("study: %s: catalog %s: %w", s.path(), p, redacted{err})
	}
	return cat, nil
}

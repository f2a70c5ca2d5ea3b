package study

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/repo"
	"github.com/prefscope/prefscope/lib/template"
	"go.yaml.in/yaml/v3"
)

// Limits a study file must stay within, checked when it loads, before
// anything is expanded or allocated.
const (
	// MaxStudyFileBytes bounds study.yaml itself.
	MaxStudyFileBytes = 1 << 20
	// MaxSources bounds tasks.sources.
	MaxSources = 64
	// MaxStudyCalls bounds the calls of the fixed-design parts of a study
	// (each run is also bounded by measure.MaxRunCalls). Ten million calls
	// is days of a local model's time; more is almost surely a typo.
	MaxStudyCalls = 10_000_000
	// MaxPerTask bounds pairs.per_task (each two partners cost a pass over
	// the tasks when the pairs are drawn).
	MaxPerTask = 1000
)

// NamePattern is the character set of names that become file names (study
// and part names): 1 to 64 ASCII letters, digits, '.', '_' or '-', starting
// with a letter or digit, without "..". Part names become run directories
// (runs/<part>-<hash>) and, for active-learning parts, active/<part>-tNN.
var NamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// checkName rejects a name that could leave its directory or is not in
// NamePattern's set.
func checkName(name string) error {
	if !NamePattern.MatchString(name) || strings.Contains(name, "..") {
		return fmt.Errorf("%q is not a valid name: use 1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit, without \"..\" (names become file names)", name)
	}
	return nil
}

// keyErr is an error at a key of the study file: "line N: key: message".
func keyErr(root *yaml.Node, path []string, format string, args ...any) error {
	key := ""
	for i, p := range path {
		if _, err := strconv.Atoi(p); err == nil {
			key += "[" + p + "]"
		} else if i == 0 {
			key = p
		} else {
			key += "." + p
		}
	}
	return fmt.Errorf("line %d: key %s: %s", repo.YAMLLine(root, path...), key, fmt.Sprintf(format, args...))
}

func (s *Study) validate(root *yaml.Node) error {
	if s.Name == "" {
		return keyErr(root, []string{"name"}, "missing")
	}
	if err := checkName(s.Name); err != nil {
		return keyErr(root, []string{"name"}, "%v", err)
	}
	if s.Model.Kind == "" {
		return keyErr(root, []string{"model", "kind"}, "missing")
	}
	if !s.Tasks.Default && len(s.Tasks.Sources) == 0 {
		return keyErr(root, []string{"tasks"}, "set default: true or list sources")
	}
	if len(s.Tasks.Sources) > MaxSources {
		return keyErr(root, []string{"tasks", "sources"}, "%d sources, more than the limit of %d", len(s.Tasks.Sources), MaxSources)
	}
	seenSrc := map[string]int{}
	for i, src := range s.Tasks.Sources {
		k := src.String()
		if j, ok := seenSrc[k]; ok {
			return keyErr(root, []string{"tasks", "sources", strconv.Itoa(i)}, "source %s is listed twice (sources[%d] and [%d])", k, j, i)
		}
		seenSrc[k] = i
	}
	for _, kv := range []struct {
		key string
		v   int
	}{{"concurrency", s.Concurrency}, {"batch_size", s.BatchSize}} {
		if kv.v < 0 {
			return keyErr(root, []string{kv.key}, "must not be negative, got %d", kv.v)
		}
	}
	if s.Extract != nil && s.Extract.Tasks.N < 0 {
		return keyErr(root, []string{"extract", "tasks", "n"}, "must not be negative, got %d", s.Extract.Tasks.N)
	}
	if err := s.validateExtract(root); err != nil {
		return err
	}
	if len(s.Parts) == 0 {
		return keyErr(root, []string{"parts"}, "missing")
	}
	seen := map[string]bool{}
	for i, p := range s.Parts {
		if err := s.validatePart(root, i, p, seen); err != nil {
			return err
		}
	}
	return s.validateSynthModels(root)
}

func (s *Study) validatePart(root *yaml.Node, i int, p Part, seen map[string]bool) error {
	at := func(keys ...string) []string { return append([]string{"parts", strconv.Itoa(i)}, keys...) }
	if p.Name == "" {
		return keyErr(root, at("name"), "missing")
	}
	if err := checkName(p.Name); err != nil {
		return keyErr(root, at("name"), "%v", err)
	}
	if seen[p.Name] {
		return keyErr(root, at("name"), "duplicate part name %q", p.Name)
	}
	seen[p.Name] = true
	if p.Model != nil && p.Model.Kind == "" {
		return keyErr(root, at("model", "kind"), "missing")
	}
	for _, kv := range []struct {
		key []string
		v   int
	}{
		{at("tasks", "n"), p.Tasks.N}, {at("pairs", "per_task"), p.Pairs.PerTask}, {at("templates", "sample"), p.Templates.Sample},
		{at("max_tokens"), p.MaxTokens}, {at("completion_max_tokens"), p.CompletionMaxTokens},
	} {
		if kv.v < 0 {
			return keyErr(root, kv.key, "must not be negative, got %d", kv.v)
		}
	}
	for _, kv := range []struct {
		key []string
		v   float64
	}{{at("temperature"), p.Temperature}, {at("completion_temperature"), p.CompletionTemperature}} {
		if kv.v < 0 || math.IsNaN(kv.v) || math.IsInf(kv.v, 0) {
			return keyErr(root, kv.key, "must be a finite number at least 0, got %v", kv.v)
		}
	}
	if p.Pairs.PerTask > MaxPerTask {
		return keyErr(root, at("pairs", "per_task"), "%d is more than the limit of %d (use dense: true for every pair)", p.Pairs.PerTask, MaxPerTask)
	}
	if p.Samples < 1 {
		return keyErr(root, at("samples"), "must be at least 1")
	}
	if p.Samples > measure.MaxRunCalls {
		return keyErr(root, at("samples"), "%d samples is more than the limit of %d calls per run", p.Samples, measure.MaxRunCalls)
	}
	if al := p.ActiveLearning; al != nil {
		if p.Kind != template.PreRevealed && p.Kind != template.PostRevealed {
			return keyErr(root, at("active_learning"), "needs a revealed kind, not %s", p.Kind)
		}
		if !slices.Contains(ActiveStrategies, al.Strategy) {
			return keyErr(root, at("active_learning", "strategy"), "%q is not one of %v", al.Strategy, ActiveStrategies)
		}
		if key, err := al.check(); err != nil {
			return keyErr(root, at("active_learning", key), "%v", err)
		}
	}
	switch p.Kind {
	case template.PreRevealed, template.PostRevealed:
		if !p.Pairs.Dense && p.Pairs.PerTask <= 0 && p.ActiveLearning == nil && (p.Steer == nil || p.Steer.Borderline == nil) {
			return keyErr(root, at("kind"), "revealed kind needs pairs.dense, pairs.per_task or active_learning")
		}
	case template.PreStated, template.PostStated:
	default:
		return keyErr(root, at("kind"), "unknown kind %q", p.Kind)
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
		return keyErr(root, at("templates"), "give exactly one of sample, grid, list")
	}
	return s.validateSteer(root, i, p, s.Parts[:i])
}

// check is the load-time check that the learner's configuration implies a
// finite budget (see StrategyFor for how each strategy stops); it returns
// the key at fault.
func (a ActiveLearningSpec) check() (string, error) {
	for _, kv := range []struct {
		key string
		v   int
	}{{"initial_degree", a.InitialDegree}, {"batch_size", a.BatchSize}, {"max_batches", a.MaxBatches}, {"max_pairs", a.MaxPairs}, {"max_comparisons", a.MaxComparisons}} {
		if kv.v < 0 {
			return kv.key, fmt.Errorf("must not be negative, got %d", kv.v)
		}
	}
	if a.StopSpearman < 0 || a.StopSpearman > 1 || math.IsNaN(a.StopSpearman) {
		return "stop_spearman", fmt.Errorf("must be in [0, 1], got %v", a.StopSpearman)
	}
	// Keys a strategy would ignore are errors: a budget the learner does not
	// read is not a budget.
	ignored := map[string][]string{
		"paper":           {"max_pairs", "max_comparisons"},
		"reference-study": {"max_pairs", "max_comparisons"},
		"random":          {"initial_degree", "stop_spearman"},
		"info-gain":       {"stop_spearman"},
	}[a.Strategy]
	set := map[string]bool{"max_pairs": a.MaxPairs > 0, "max_comparisons": a.MaxComparisons > 0, "initial_degree": a.InitialDegree > 0, "stop_spearman": a.StopSpearman > 0}
	for _, k := range ignored {
		if set[k] {
			return k, fmt.Errorf("strategy %s does not use %s; it stops %s", a.Strategy, k, a.stopRule())
		}
	}
	return "strategy", nil
}

// stopRule says in words when the learner stops.
func (a ActiveLearningSpec) stopRule() string {
	switch a.Strategy {
	case "paper":
		return "after 2·N·log₂N pairs (or max_batches batches)"
	case "reference-study":
		return "when successive fits reach stop_spearman (default 0.995) or after max_batches batches (default 50)"
	case "random":
		if a.MaxComparisons > 0 {
			return "after max_comparisons comparisons, asking measured pairs again, with at most max_pairs distinct pairs"
		}
		return "after max_pairs distinct pairs (default 2·N·log₂N), each asked once"
	case "info-gain":
		return "after max_comparisons comparisons (default 2·N·log₂N)"
	}
	return "never"
}

// redacted wraps an error from reading a file the study names (tasks,
// catalog) so that its message keeps the path, line and reason but not the
// file's text, which the loaders sometimes quote (a header, a value): the
// file may not be the one the user meant (a typo pointing at a secret).
// errors.Is and errors.As still see the original.
type redacted struct{ err error }

var (
	backticked = regexp.MustCompile("`[^`]*`")
	haveList   = regexp.MustCompile(`\(have [^)]*\)`)
	longQuoted = regexp.MustCompile(`"(?:[^"\\]|\\.){17,}"`)
)

func (r redacted) Error() string {
	s := r.err.Error()
	s = backticked.ReplaceAllString(s, "`…`")
	s = haveList.ReplaceAllString(s, "(have …)")
	return longQuoted.ReplaceAllString(s, `"…"`)
}

func (r redacted) Unwrap() error { return r.err }

package measure

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/task"
	"github.com/prefscope/prefscope/lib/template"
)

// RunConfig fully determines a run; its hash is the run id.
type RunConfig struct {
	Study string     `json:"study" yaml:"study"`
	Part  string     `json:"part" yaml:"part"`
	Model model.Spec `json:"model" yaml:"model"`
	// Respondent is the version of a simulated respondent's behaviour
	// (synth.Version) for a synth model, empty for any other. It is part of
	// the run id, so a run an older simulator answered is not resumed or
	// read as if the current one had.
	Respondent string            `json:"respondent,omitempty" yaml:"respondent,omitempty"`
	Template   template.Template `json:"template" yaml:"template"`
	// Tasks are the task IDs measured (stated kinds rate each; revealed kinds
	// use them as the universe for Pairs).
	Tasks []string `json:"tasks" yaml:"tasks,flow"`
	// Pairs are the task pairs to compare, in the caller's canonical order
	// (revealed kinds only). The template's task_order decides display order.
	Pairs [][2]string `json:"pairs,omitempty" yaml:"pairs,omitempty,flow"`
	// Samples per pair or per task.
	Samples     int     `json:"samples" yaml:"samples"`
	Temperature float64 `json:"temperature" yaml:"temperature"`
	MaxTokens   int     `json:"max_tokens,omitempty" yaml:"max_tokens,omitempty"`
	// Seed derives every call's seed (hashed with the call key).
	Seed int64 `json:"seed" yaml:"seed"`
	// Completion settings for post-task kinds: sample s of a task uses the
	// completion with seed CompletionSeed+s.
	CompletionSeed        int64   `json:"completion_seed,omitempty" yaml:"completion_seed,omitempty"`
	CompletionTemperature float64 `json:"completion_temperature,omitempty" yaml:"completion_temperature,omitempty"`
	CompletionMaxTokens   int     `json:"completion_max_tokens,omitempty" yaml:"completion_max_tokens,omitempty"`
	// Inputs is InputHash of the run: the text of its tasks and template.
	// It is part of the run id, so an edited prompt or catalog is a new run
	// rather than a resume that reuses answers to the old text. The engine
	// fills it in when empty.
	Inputs string `json:"inputs,omitempty" yaml:"inputs,omitempty"`
	// Steering, when set, steers every call of the run (see steer.go); its
	// settings, not its vector, are part of the run id.
	Steering *model.Steering `json:"steering,omitempty" yaml:"steering,omitempty"`
}

// MaxRunCalls bounds the calls of one run (pairs or tasks times samples),
// checked before any call list is allocated: a run past it is almost
// certainly a typo (samples: 100000000), and its call list alone would not
// fit in memory.
const MaxRunCalls = 10_000_000

// Calls is the number of calls the run makes, computed without allocating;
// an overflow saturates.
func (c RunConfig) Calls() int64 {
	n := int64(len(c.Tasks))
	if c.Template.Kind == template.PreRevealed || c.Template.Kind == template.PostRevealed {
		n = int64(len(c.Pairs))
	}
	if c.Samples <= 0 || n == 0 {
		return 0
	}
	if int64(c.Samples) > math.MaxInt64/n {
		return math.MaxInt64
	}
	return n * int64(c.Samples)
}

// InputHash hashes what a run's model calls are made of, apart from the
// config's own fields: the ID and prompt of every task the run names, and
// the template as rendered around placeholder texts (instructions, labels,
// scale, tools; the completion request too for post-task kinds). Completions
// are covered through their cache key, which holds a hash of the prompt
// completed (see CompletionKey.Prompt).
func InputHash(cat *template.Catalog, tasks map[string]task.Task, cfg RunConfig) (string, error) {
	ids := map[string]bool{}
	for _, id := range cfg.Tasks {
		ids[id] = true
	}
	for _, p := range cfg.Pairs {
		ids[p[0]], ids[p[1]] = true, true
	}
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Strings(sorted)
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	for _, id := range sorted {
		t, ok := tasks[id]
		if !ok {
			return "", fmt.Errorf("measure: run %s: unknown task %q", cfg.Part, id)
		}
		field(id)
		field(t.Prompt)
	}
	const a, b, ca, cb = "\x00task 1\x00", "\x00task 2\x00", "\x00completion 1\x00", "\x00completion 2\x00"
	var p template.Prompt
	var err error
	switch t := cfg.Template; t.Kind {
	case template.PreRevealed:
		p, err = cat.RenderChoice(t, a, b)
	case template.PostRevealed:
		p, err = cat.RenderPostChoice(t, a, b, ca, cb)
	case template.PreStated:
		p, err = cat.RenderRating(t, a)
	case template.PostStated:
		p, err = cat.RenderPostRating(t, a, ca)
	default:
		return "", fmt.Errorf("measure: run %s: unknown kind %q", cfg.Part, t.Kind)
	}
	if err != nil {
		return "", fmt.Errorf("measure: run %s: rendering the template: %w", cfg.Part, err)
	}
	rendered, err := json.Marshal(struct {
		Prompt     template.Prompt
		Completion []model.Message
	}{p, template.CompletionMessages(a)})
	if err != nil {
		return "", fmt.Errorf("measure: run %s: %w", cfg.Part, err)
	}
	field(string(rendered))
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// PromptHash is the short hash of a task prompt that completion keys hold.
func PromptHash(prompt string) string {
	sum := sha256.Sum256([]byte(prompt))
	return hex.EncodeToString(sum[:])[:16]
}

// ID is the run id: the part name and a hash of the canonical JSON config.
func (c RunConfig) ID() string {
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	part := c.Part
	if part == "" {
		part = "run"
	}
	return part + "-" + hex.EncodeToString(sum[:])[:12]
}

// Validate checks a config before any call is made.
func (c RunConfig) Validate() error {
	switch c.Template.Kind {
	case template.PreRevealed, template.PostRevealed:
		if len(c.Pairs) == 0 {
			return fmt.Errorf("measure: run %s: revealed kind %s needs pairs", c.Part, c.Template.Kind)
		}
		for i, p := range c.Pairs {
			if p[0] == "" || p[1] == "" || p[0] == p[1] {
				return fmt.Errorf("measure: run %s: pair %d (%q, %q) is not two distinct tasks", c.Part, i, p[0], p[1])
			}
		}
	case template.PreStated, template.PostStated:
		if len(c.Tasks) == 0 {
			return fmt.Errorf("measure: run %s: stated kind %s needs tasks", c.Part, c.Template.Kind)
		}
		if c.Template.Scale == "" {
			return fmt.Errorf("measure: run %s: stated kind %s needs a scale", c.Part, c.Template.Kind)
		}
	default:
		return fmt.Errorf("measure: run %s: unknown kind %q", c.Part, c.Template.Kind)
	}
	if c.Samples < 1 {
		return fmt.Errorf("measure: run %s: samples must be at least 1, got %d", c.Part, c.Samples)
	}
	return nil
}

// RunFile is run.yaml: the config plus provenance.
type RunFile struct {
	ID          string    `yaml:"id"`
	CodeVersion string    `yaml:"code_version"`
	Config      RunConfig `yaml:"config"`
}

// Record is one completed model call in measurements.jsonl.
type Record struct {
	// Key identifies the call within its run: "a|b|s" or "x|s".
	Key  string        `json:"key"`
	Kind template.Kind `json:"kind"`
	// TaskA, TaskB are the pair in canonical order; TaskB is empty for
	// stated kinds.
	TaskA string `json:"task_a"`
	TaskB string `json:"task_b,omitempty"`
	// Shown are the task IDs in display order.
	Shown       []string `json:"shown"`
	Sample      int      `json:"sample"`
	Seed        int64    `json:"seed"`
	Temperature float64  `json:"temperature"`
	// CompletionSeed of the completions shown (post-task kinds).
	CompletionSeed *int64 `json:"completion_seed,omitempty"`
	// Raw is the reply text; tool calls are kept whole.
	Raw          string             `json:"raw"`
	ToolCalls    []model.ToolCall   `json:"tool_calls,omitempty"`
	FinishReason model.FinishReason `json:"finish_reason,omitempty"`
	Outcome      template.Outcome   `json:"outcome"`
	// Winner is the chosen task ID (choice outcomes).
	Winner string `json:"winner,omitempty"`
	// Option (index into Options, 0 best) and Score in [0,1] (rating outcomes).
	Option    *int     `json:"option,omitempty"`
	Score     *float64 `json:"score,omitempty"`
	Options   []string `json:"options,omitempty"`
	LatencyMS float64  `json:"latency_ms"`
	// Attempts counts the requests sent, the model's own retries included.
	Attempts int `json:"attempts"`
	// PromptTokens and CompletionTokens are the usage the model reported.
	PromptTokens     int `json:"prompt_tokens,omitempty"`
	CompletionTokens int `json:"completion_tokens,omitempty"`
}

// Loser is the task of a pairwise choice record that was not chosen.
func (r Record) Loser() string {
	if r.Winner == r.TaskA {
		return r.TaskB
	}
	return r.TaskA
}

// Run is a stored run: its file and records.
type Run struct {
	Dir     string
	File    RunFile
	Records []Record
	// Store names the records read (a consistent prefix of the store,
	// when a writer is still appending): a fit records it as what it was
	// fitted on.
	Store StoreDigest
}

// maxRunConfigBytes bounds run.yaml read back (a config names its tasks and
// pairs: a few MB for the largest dense designs).
const maxRunConfigBytes = 16 << 20

// ReadRun loads a run directory written by the engine, with its records
// sorted by call key: the store holds them in the order calls finished,
// which depends on concurrency, and every analysis must not. A torn final
// line is ignored (the engine drops it on resume); a malformed complete line
// is an error naming the file and line.
func ReadRun(dir string) (*Run, error) {
	b, err := layout.ReadOwned(layout.RunConfig(dir), maxRunConfigBytes)
	if err != nil {
		return nil, fmt.Errorf("measure: %w", err)
	}
	var rf RunFile
	if err := yaml.Unmarshal(b, &rf); err != nil {
		return nil, fmt.Errorf("measure: %s: %w", layout.RunConfig(dir), err)
	}
	run := &Run{Dir: dir, File: rf}
	path := layout.Measurements(dir)
	data, digest, err := readStore(path)
	if err != nil {
		return nil, fmt.Errorf("measure: %w", err)
	}
	run.Store = digest
	_, err = ScanLines(bytes.NewReader(data), path, func(line []byte, _ int) error {
		var r Record
		if err := json.Unmarshal(line, &r); err != nil {
			return err
		}
		run.Records = append(run.Records, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("measure: %w", err)
	}
	slices.SortStableFunc(run.Records, func(a, b Record) int { return strings.Compare(a.Key, b.Key) })
	return run, nil
}

// ReadRuns loads every run under studyDir/runs, sorted by part then id.
func ReadRuns(studyDir string) ([]*Run, error) {
	entries, err := os.ReadDir(layout.Runs(studyDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("measure: %w", err)
	}
	var runs []*Run
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := layout.Run(studyDir, e.Name())
		if _, err := os.Stat(layout.RunConfig(dir)); errors.Is(err, os.ErrNotExist) {
			// A run killed before its run.yaml landed has made no calls
			// (records are written only after it); anything else is damage.
			if _, err := os.Stat(layout.Measurements(dir)); err == nil {
				return nil, fmt.Errorf("measure: %s: measurements.jsonl without run.yaml", dir)
			}
			continue
		}
		r, err := ReadRun(dir)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	sort.Slice(runs, func(i, j int) bool {
		if runs[i].File.Config.Part != runs[j].File.Config.Part {
			return runs[i].File.Config.Part < runs[j].File.Config.Part
		}
		return runs[i].File.ID < runs[j].File.ID
	})
	return runs, nil
}

// Comparison counts of a pair pooled over both display orders.
type PairCount struct {
	A, B        string
	WinsA       float64
	WinsB       float64
	Refusals    int
	Unparseable int
}

// PairCounts pools a revealed run's records per canonical pair. Refusals and
// unparseable replies are counted, not dropped.
func (r *Run) PairCounts() []PairCount {
	idx := map[[2]string]int{}
	var out []PairCount
	for _, rec := range r.Records {
		if rec.TaskB == "" {
			continue
		}
		k := [2]string{rec.TaskA, rec.TaskB}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, PairCount{A: rec.TaskA, B: rec.TaskB})
		}
		switch rec.Outcome {
		case template.OutcomeChoice:
			if rec.Winner == rec.TaskA {
				out[i].WinsA++
			} else {
				out[i].WinsB++
			}
		case template.OutcomeRefusal:
			out[i].Refusals++
		default:
			out[i].Unparseable++
		}
	}
	return out
}

// codeVersion is the VCS revision the binary was built from, when known.
func codeVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if rev != "" {
			if dirty {
				rev += "+dirty"
			}
			return rev
		}
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
	}
	return "devel"
}

// callSeed hashes the run seed with a call key.
func callSeed(seed int64, key string) int64 {
	h := sha256.New()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	h.Write([]byte(key))
	return int64(binary.LittleEndian.Uint64(h.Sum(nil)[:8]) >> 1)
}

func pairKey(a, b string, s int) string { return a + "|" + b + "|" + strconv.Itoa(s) }
func taskKey(x string, s int) string    { return x + "|" + strconv.Itoa(s) }

package task

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Formats a Source can name. An empty Format is inferred from the origin
// and the path (see Load).
const (
	FormatDir     = "dir"     // MATH directory tree root/<subject>/<n>.json
	FormatJSONL   = "jsonl"   // one JSON object per line in the source's own fields
	FormatJSON    = "json"    // Alpaca JSON array
	FormatParquet = "parquet" // WildChat Hugging Face parquet
	FormatCSV     = "csv"     // BailBench CSV
	FormatTasks   = "tasks"   // the project's task JSONL (LoadJSONL)
	FormatDefault = "default" // the committed default set (Default); no path
)

// Source names a set of tasks to load, as a study YAML lists it:
//
//	tasks:
//	  - {origin: math, path: data/raw/MATH/test}
//	  - {origin: wildchat, path: data/raw/wildchat/train-00000.parquet, language: any}
//	  - {origin: bailbench, path: data/raw/bailbench.csv}
//	  - {path: data/tasks/mine.jsonl}
//	  - {format: default}
//
// The WildChat options sit inline and are an error on other origins.
type Source struct {
	// Origin is one of the Origin constants; empty for the project's own
	// task JSONL, which may mix origins.
	Origin string `yaml:"origin,omitempty"`
	// Path is a file, or for MATH a directory.
	Path string `yaml:"path,omitempty"`
	// Format overrides the format inferred from Origin and Path.
	Format string `yaml:"format,omitempty"`
	// WildChatOptions filter WildChat sources.
	WildChatOptions `yaml:",inline"`
}

func (s Source) String() string {
	o := s.Origin
	if o == "" {
		o = "tasks"
	}
	switch {
	case s.Path != "":
		return o + " " + s.Path
	case s.Format != "":
		return o + " " + s.Format
	}
	return o
}

// Load reads the tasks of one source. The format is picked from Format
// when set, otherwise from the origin and the path:
//
//	origin     path                      loader
//	math       a directory               LoadMathDir
//	math       *.jsonl                   LoadMathJSONL
//	alpaca     *.json                    LoadAlpaca
//	wildchat   *.parquet                 LoadWildChatParquet
//	wildchat   *.jsonl, *.json           LoadWildChatJSONL
//	bailbench  *.csv                     LoadBailBench
//	(empty)    any file                  LoadJSONL (the project's format)
//	any        Format "tasks"            LoadJSONL, every task of that origin
//	(empty)    Format "default", no path Default
//
// Load drops the WildChat filter counts; LoadWithStats returns them.
func Load(src Source) ([]Task, error) {
	tasks, _, err := LoadWithStats(src)
	return tasks, err
}

// LoadWithStats is Load that also returns what was read and filtered.
func LoadWithStats(src Source) ([]Task, Stats, error) {
	if src.Origin != "" && !KnownOrigin(src.Origin) {
		return nil, Stats{}, fmt.Errorf("task: source %s: %w %q (want one of %s)",
			src, ErrUnknownOrigin, src.Origin, strings.Join(Origins(), ", "))
	}
	if src.Origin != OriginWildChat && src.WildChatOptions != (WildChatOptions{}) {
		return nil, Stats{}, fmt.Errorf("task: source %s: language, include_toxic and skip_empty apply to wildchat only", src)
	}
	if src.Format == FormatDefault {
		if src.Path != "" || src.Origin != "" {
			return nil, Stats{}, fmt.Errorf("task: source %s: format default takes no origin or path", src)
		}
		return withStats(Default())
	}
	if src.Path == "" {
		return nil, Stats{}, fmt.Errorf("task: source %s: no path", src)
	}
	format, err := src.format()
	if err != nil {
		return nil, Stats{}, fmt.Errorf("task: source %s: %w", src, err)
	}
	if err := CheckSizes([]Source{src}); err != nil {
		return nil, Stats{}, err
	}
	switch {
	case format == FormatTasks:
		tasks, err := LoadJSONL(src.Path)
		if err != nil {
			return nil, Stats{}, err
		}
		if src.Origin != "" {
			for i, t := range tasks {
				if t.Origin != src.Origin {
					return nil, Stats{}, fmt.Errorf("task: source %s: task %d (%s) has origin %q", src, i, t.ID, t.Origin)
				}
			}
		}
		return withStats(tasks, nil)
	case src.Origin == OriginMath && format == FormatDir:
		return withStats(LoadMathDir(src.Path))
	case src.Origin == OriginMath && format == FormatJSONL:
		return withStats(LoadMathJSONL(src.Path))
	case src.Origin == OriginAlpaca && format == FormatJSON:
		return withStats(LoadAlpaca(src.Path))
	case src.Origin == OriginWildChat && format == FormatParquet:
		return LoadWildChatParquet(src.Path, src.WildChatOptions)
	case src.Origin == OriginWildChat && format == FormatJSONL:
		return LoadWildChatJSONL(src.Path, src.WildChatOptions)
	case src.Origin == OriginBailBench && format == FormatCSV:
		return withStats(LoadBailBench(src.Path))
	}
	return nil, Stats{}, fmt.Errorf("task: source %s: no loader for format %q of origin %q", src, format, src.Origin)
}

// format returns the explicit or inferred format of a source.
func (s Source) format() (string, error) {
	switch s.Format {
	case FormatDir, FormatJSONL, FormatJSON, FormatParquet, FormatCSV, FormatTasks:
		return s.Format, nil
	case "":
	default:
		return "", fmt.Errorf("unknown format %q", s.Format)
	}
	if s.Origin == "" {
		return FormatTasks, nil
	}
	ext := strings.ToLower(filepath.Ext(s.Path))
	if s.Origin == OriginMath {
		// A directory, or a path without extension that LoadMathDir will
		// report missing.
		if info, err := os.Stat(s.Path); (err == nil && info.IsDir()) || ext == "" {
			return FormatDir, nil
		}
	}
	switch ext {
	case ".jsonl":
		return FormatJSONL, nil
	case ".json":
		if s.Origin == OriginWildChat {
			return FormatJSONL, nil
		}
		return FormatJSON, nil
	case ".parquet":
		return FormatParquet, nil
	case ".csv":
		return FormatCSV, nil
	default:
		return "", fmt.Errorf("cannot tell the format from %q: set format", s.Path)
	}
}

func withStats(tasks []Task, err error) ([]Task, Stats, error) {
	if err != nil {
		return nil, Stats{}, err
	}
	return tasks, Stats{Records: len(tasks), Tasks: len(tasks)}, nil
}

// LoadAll loads every source in order and concatenates the tasks; an ID
// that two sources share is an error naming both. Sources over the size
// limits (CheckSizes) are refused before any is read.
func LoadAll(srcs []Source) ([]Task, error) {
	if err := CheckSizes(srcs); err != nil {
		return nil, err
	}
	var all []Task
	from := map[string]int{}
	for i, src := range srcs {
		tasks, err := Load(src)
		if err != nil {
			return nil, err
		}
		for _, t := range tasks {
			if j, ok := from[t.ID]; ok {
				return nil, fmt.Errorf("task: %w %q in source %d (%s) and source %d (%s)",
					ErrDuplicateID, t.ID, j, srcs[j], i, src)
			}
			from[t.ID] = i
		}
		all = append(all, tasks...)
	}
	return all, nil
}

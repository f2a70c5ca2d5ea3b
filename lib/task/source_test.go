package task

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// fixtureDir writes one small file per source format and returns the
// directory; paths inside it are named below.
func fixtureDir(t *testing.T) string {
	t.Helper()
	dir := writeTree(t, map[string]string{
		"MATH/test/algebra/1.json": mathFile("Solve $x=1$.", "Level 1", "Algebra"),
		"math.jsonl":               `{"problem": "p", "level": 2, "unique_id": "test/algebra/7.json"}` + "\n",
		"alpaca_data.json":         `[{"instruction": "Say hi.", "input": "", "output": "hi"}]`,
		"bailbench.csv":            "content,subcategory,category\nInsult me.,Insults,Abuse\n",
		"mine.jsonl":               `{"id":"alpaca_mine_1","origin":"alpaca","prompt":"Own task."}` + "\n",
		"noext":                    `{"id":"math_x","origin":"math","prompt":"p"}` + "\n",
	})
	path := writeParquet(t, "wildchat.parquet", wcRows)
	if err := os.Rename(path, filepath.Join(dir, "wildchat.parquet")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLoadDispatch(t *testing.T) {
	dir := fixtureDir(t)
	in := func(p string) string { return filepath.Join(dir, p) }
	cases := []struct {
		name string
		src  Source
		ids  []string
	}{
		{"math dir", Source{Origin: OriginMath, Path: in("MATH/test")}, []string{"math_algebra_1"}},
		{"math jsonl", Source{Origin: OriginMath, Path: in("math.jsonl")}, []string{"math_test_algebra_7"}},
		{"alpaca", Source{Origin: OriginAlpaca, Path: in("alpaca_data.json")}, []string{"alpaca_0"}},
		{"wildchat parquet", Source{Origin: OriginWildChat, Path: in("wildchat.parquet")},
			[]string{"wildchat_aa01", "wildchat_dd04", "wildchat_ff06"}},
		{"wildchat options inline", Source{Origin: OriginWildChat, Path: in("wildchat.parquet"), WildChatOptions: WildChatOptions{Language: "Chinese"}},
			[]string{"wildchat_bb02"}},
		{"bailbench", Source{Origin: OriginBailBench, Path: in("bailbench.csv")}, []string{"bailbench_0"}},
		{"project format", Source{Path: in("mine.jsonl")}, []string{"alpaca_mine_1"}},
		{"project format with its origin", Source{Origin: OriginAlpaca, Path: in("mine.jsonl"), Format: FormatTasks}, []string{"alpaca_mine_1"}},
		{"format names a file without extension", Source{Path: in("noext"), Format: FormatTasks}, []string{"math_x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Load(c.src)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ids(got), c.ids) {
				t.Errorf("IDs %v, want %v", ids(got), c.ids)
			}
		})
	}
}

func TestLoadDefaultSource(t *testing.T) {
	got, err := Load(Source{Format: FormatDefault})
	if err != nil {
		t.Fatal(err)
	}
	want, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load(default) differs from Default()")
	}
}

func TestLoadWithStats(t *testing.T) {
	dir := fixtureDir(t)
	_, stats, err := LoadWithStats(Source{Origin: OriginWildChat, Path: filepath.Join(dir, "wildchat.parquet")})
	if want := (Stats{Records: 6, Tasks: 3, OtherLanguage: 2, Toxic: 1}); err != nil || stats != want {
		t.Errorf("got %+v, %v; want %+v", stats, err, want)
	}
	_, stats, err = LoadWithStats(Source{Origin: OriginBailBench, Path: filepath.Join(dir, "bailbench.csv")})
	if want := (Stats{Records: 1, Tasks: 1}); err != nil || stats != want {
		t.Errorf("got %+v, %v; want %+v", stats, err, want)
	}
}

func TestLoadSourceErrors(t *testing.T) {
	dir := fixtureDir(t)
	in := func(p string) string { return filepath.Join(dir, p) }
	cases := []struct {
		name string
		src  Source
		is   error
		has  string
	}{
		{"unknown origin", Source{Origin: "gsm8k", Path: in("math.jsonl")}, ErrUnknownOrigin, "gsm8k"},
		{"wildchat options on alpaca", Source{Origin: OriginAlpaca, Path: in("alpaca_data.json"), WildChatOptions: WildChatOptions{IncludeToxic: true}}, nil, "wildchat only"},
		{"unknown format", Source{Origin: OriginMath, Path: in("math.jsonl"), Format: "xml"}, nil, `unknown format "xml"`},
		{"no format for the extension", Source{Origin: OriginBailBench, Path: in("bail.tsv")}, nil, "set format"},
		{"format that does not fit the origin", Source{Origin: OriginBailBench, Path: in("bailbench.csv"), Format: FormatParquet}, nil, "no loader"},
		{"no path", Source{Origin: OriginAlpaca}, nil, "no path"},
		{"default with a path", Source{Format: FormatDefault, Path: in("mine.jsonl")}, nil, "no origin or path"},
		{"project file with other origins", Source{Origin: OriginMath, Path: in("mine.jsonl"), Format: FormatTasks}, nil, `origin "alpaca"`},
		{"missing math dir", Source{Origin: OriginMath, Path: in("MATH/train")}, nil, filepath.Join("MATH", "train")},
		{"loader error passes through", Source{Origin: OriginAlpaca, Path: in("bailbench.csv"), Format: FormatJSON}, nil, "bailbench.csv"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(c.src)
			if err == nil || !strings.Contains(err.Error(), c.has) || !strings.HasPrefix(err.Error(), "task: ") {
				t.Fatalf("got %v, want an error containing %q", err, c.has)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %v does not wrap %v", err, c.is)
			}
		})
	}
}

// A study YAML names its task sources as a list of Source.
func TestSourceYAML(t *testing.T) {
	dir := fixtureDir(t)
	doc := `
- {origin: math, path: MATH/test}
- origin: wildchat
  path: wildchat.parquet
  language: any
  include_toxic: true
- {origin: bailbench, path: bailbench.csv}
`
	var srcs []Source
	if err := yaml.Unmarshal([]byte(doc), &srcs); err != nil {
		t.Fatal(err)
	}
	want := []Source{
		{Origin: OriginMath, Path: "MATH/test"},
		{Origin: OriginWildChat, Path: "wildchat.parquet", WildChatOptions: WildChatOptions{Language: AnyLanguage, IncludeToxic: true}},
		{Origin: OriginBailBench, Path: "bailbench.csv"},
	}
	if !reflect.DeepEqual(srcs, want) {
		t.Fatalf("decoded %+v, want %+v", srcs, want)
	}
	for i := range srcs {
		srcs[i].Path = filepath.Join(dir, srcs[i].Path)
	}
	got, err := LoadAll(srcs)
	if err != nil {
		t.Fatal(err)
	}
	// 1 MATH + all 6 WildChat rows + 1 BailBench.
	if len(got) != 8 {
		t.Errorf("LoadAll: %d tasks %v, want 8", len(got), ids(got))
	}
}

func TestLoadAllDuplicateAcrossSources(t *testing.T) {
	dir := fixtureDir(t)
	src := Source{Origin: OriginBailBench, Path: filepath.Join(dir, "bailbench.csv")}
	_, err := LoadAll([]Source{src, {Origin: OriginAlpaca, Path: filepath.Join(dir, "alpaca_data.json")}, src})
	if !errors.Is(err, ErrDuplicateID) || !strings.Contains(err.Error(), "source 0") || !strings.Contains(err.Error(), "source 2") {
		t.Errorf("got %v, want a duplicate naming sources 0 and 2", err)
	}
}

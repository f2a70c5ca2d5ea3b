package repo

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// clearEnv unsets every variable Root consults so a case sees only what it sets.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, name := range []string{EnvRoot, EnvDate, EnvStudy, "GONB_DIR", "GONB_TMP_DIR", "GONB_JUPYTER_ROOT"} {
		t.Setenv(name, "")
	}
}

// writeFile creates dir/name with content, making parent directories.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const ourGoMod = "module github.com/prefscope/prefscope\n\ngo 1.26\n"

func TestRoot(t *testing.T) {
	// Layout shared by the cases, under a fresh temporary directory:
	//   repo/go.mod                   our module
	//   repo/notebooks/               notebook working directory
	//   repo/tools/go.mod             a nested module of another name
	//   gonb_tmp/go.mod               GoNB temp module replacing ours with ../repo
	//   gonb_abs/go.mod               same with an absolute replacement path
	//   gonb_bad/go.mod               replacement to a directory that is not ours
	//   elsewhere/deep/               no go.mod on the way up
	//   afile                         a plain file
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	repoDir := filepath.Join(base, "repo")
	writeFile(t, filepath.Join(repoDir, "go.mod"), ourGoMod)
	if err := os.MkdirAll(filepath.Join(repoDir, "notebooks"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(repoDir, "tools", "go.mod"), "module github.com/prefscope/prefscope/tools\n\ngo 1.26\n")
	writeFile(t, filepath.Join(base, "gonb_tmp", "go.mod"),
		"module gonb_1234\n\ngo 1.26\n\nreplace github.com/prefscope/prefscope => ../repo\n")
	writeFile(t, filepath.Join(base, "gonb_abs", "go.mod"),
		"module gonb_5678\n\ngo 1.26\n\nreplace (\n\tgithub.com/prefscope/prefscope => "+repoDir+"\n)\n")
	writeFile(t, filepath.Join(base, "gonb_bad", "go.mod"),
		"module gonb_9\n\nreplace github.com/prefscope/prefscope => ../elsewhere\n")
	if err := os.MkdirAll(filepath.Join(base, "elsewhere", "deep"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(base, "afile"), "x")

	cases := []struct {
		name    string
		cwd     string            // relative to base
		env     map[string]string // values relative to base unless absolute
		want    string            // relative to base; "" when an error is expected
		wantErr error             // checked with errors.Is when non-nil
	}{
		{name: "cwd at root", cwd: "repo", want: "repo"},
		{name: "cwd in notebooks", cwd: "repo/notebooks", want: "repo"},
		{name: "nested module is skipped", cwd: "repo/tools", want: "repo"},
		{name: "gonb temp module relative replace", cwd: "gonb_tmp", want: "repo"},
		{name: "gonb temp module absolute replace block", cwd: "gonb_abs", want: "repo"},
		{name: "replace to a non-repo dir", cwd: "gonb_bad", wantErr: ErrNotFound},
		{name: "nothing above cwd", cwd: "elsewhere/deep", wantErr: ErrNotFound},
		{name: "GONB_TMP_DIR fallback", cwd: "elsewhere/deep", env: map[string]string{"GONB_TMP_DIR": "gonb_tmp"}, want: "repo"},
		{name: "GONB_JUPYTER_ROOT fallback", cwd: "elsewhere", env: map[string]string{"GONB_JUPYTER_ROOT": "repo/notebooks"}, want: "repo"},
		{name: "GONB_DIR fallback", cwd: "elsewhere", env: map[string]string{"GONB_DIR": "repo/notebooks"}, want: "repo"},
		{name: "PREFSCOPE_ROOT wins over cwd", cwd: "repo", env: map[string]string{EnvRoot: "elsewhere"}, want: "elsewhere"},
		{name: "PREFSCOPE_ROOT missing dir", cwd: "repo", env: map[string]string{EnvRoot: "nope"}, want: ""},
		{name: "PREFSCOPE_ROOT is a file", cwd: "repo", env: map[string]string{EnvRoot: "afile"}, want: ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			t.Chdir(filepath.Join(base, tc.cwd))
			for k, v := range tc.env {
				if !filepath.IsAbs(v) {
					v = filepath.Join(base, v)
				}
				t.Setenv(k, v)
			}
			got, err := Root()
			if tc.want == "" {
				if err == nil {
					t.Fatalf("Root() = %q, want an error", got)
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Fatalf("Root() error = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Root() error: %v", err)
			}
			if want := filepath.Join(base, tc.want); got != want {
				t.Fatalf("Root() = %q, want %q", got, want)
			}
		})
	}
}

// TestRootRealRepository checks that the test, run from lib/repo, finds the
// real repository: two levels up, where go.mod names ModulePath.
func TestRootRealRepository(t *testing.T) {
	clearEnv(t)
	got, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if want := filepath.Dir(filepath.Dir(wd)); got != want {
		t.Fatalf("Root() = %q, want %q", got, want)
	}
}

func TestDate(t *testing.T) {
	cases := []struct {
		name, env, want string
		wantErr         bool
	}{
		{name: "explicit", env: "2026-03-09", want: "2026-03-09"},
		{name: "leap day", env: "2028-02-29", want: "2028-02-29"},
		{name: "spaces trimmed", env: " 2026-03-09 ", want: "2026-03-09"},
		{name: "not a leap year", env: "2026-02-29", wantErr: true},
		{name: "no zero padding", env: "2026-3-9", wantErr: true},
		{name: "US order", env: "03-09-2026", wantErr: true},
		{name: "word", env: "today", wantErr: true},
		{name: "with time", env: "2026-03-09T10:00:00Z", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv(EnvDate, tc.env)
			got, err := Date()
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), EnvDate) {
					t.Fatalf("Date() = %q, %v; want an error naming %s", got, err, EnvDate)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Date() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	t.Run("unset is today UTC", func(t *testing.T) {
		clearEnv(t)
		before := time.Now().UTC().Format(DateLayout)
		got, err := Date()
		after := time.Now().UTC().Format(DateLayout)
		if err != nil || (got != before && got != after) {
			t.Fatalf("Date() = %q, %v; want %q", got, err, before)
		}
	})
}

func TestStamp(t *testing.T) {
	cases := []struct{ date, want string }{
		{"2026-03-09", "030926"},
		{"2026-11-27", "112726"},
		{"2000-01-01", "010100"},
		{"2026-13-01", ""},
		{"", ""},
	}
	for _, tc := range cases {
		t.Run(tc.date, func(t *testing.T) {
			got, err := Stamp(tc.date)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("Stamp(%q) = %q, want error", tc.date, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Stamp(%q) = %q, %v; want %q", tc.date, got, err, tc.want)
			}
		})
	}
}

func TestValidateName(t *testing.T) {
	cases := []struct {
		name string
		ok   bool
	}{
		{"robustness", true},
		{"alpha_sweep", true},
		{"layer_16", true},
		{"r2_by_layer", true},
		{"", false},
		{"Alpha", false},
		{"alpha-sweep", false},
		{"alpha__sweep", false},
		{"_alpha", false},
		{"alpha_", false},
		{"16_layers", false},
		{"../etc", false},
		{"a/b", false},
		{"alpha sweep", false},
		{"é", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := ValidateName(tc.name); (err == nil) != tc.ok {
				t.Fatalf("ValidateName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
			}
		})
	}
}

func TestDirs(t *testing.T) {
	root := t.TempDir()
	cases := []struct {
		name  string
		study string // PREFSCOPE_STUDY
		fn    func() (string, error)
		want  string // relative to root unless absolute; "" means error
	}{
		{name: "assets", fn: func() (string, error) { return AssetsDir("probe") }, want: "assets/probe"},
		{name: "assets bad section", fn: func() (string, error) { return AssetsDir("../probe") }},
		{name: "report", fn: func() (string, error) { return ReportDir("2026-03-09") }, want: "reports/2026-03-09"},
		{name: "report bad date", fn: func() (string, error) { return ReportDir("2026-03-9") }},
		{name: "study default", fn: StudyDir, want: "data/studies/default"},
		{name: "study relative", study: "data/studies/llama8b", fn: StudyDir, want: "data/studies/llama8b"},
		{name: "study absolute", study: "/srv/studies/x", fn: StudyDir, want: "/srv/studies/x"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv(EnvRoot, root)
			t.Setenv(EnvStudy, tc.study)
			got, err := tc.fn()
			if tc.want == "" {
				if err == nil {
					t.Fatalf("got %q, want error", got)
				}
				return
			}
			want := filepath.FromSlash(tc.want)
			if !filepath.IsAbs(want) {
				want = filepath.Join(root, want)
			}
			if err != nil || got != want {
				t.Fatalf("got %q, %v; want %q", got, err, want)
			}
		})
	}
}

// TestVarsListsEveryVariable scans the non-test Go files under lib/ for
// PREFSCOPE_* names and checks each is declared in Vars, so that env.go
// stays the one complete list.
func TestVarsListsEveryVariable(t *testing.T) {
	clearEnv(t)
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, v := range Vars {
		if declared[v.Name] {
			t.Errorf("%s listed twice", v.Name)
		}
		declared[v.Name] = true
		if v.Usage == "" || v.Default == "" {
			t.Errorf("%s lacks a default or usage text", v.Name)
		}
	}
	re := regexp.MustCompile(`PREFSCOPE_[A-Z][A-Z0-9_]*`)
	var missing []string
	seen := map[string]bool{}
	err = filepath.WalkDir(filepath.Join(root, "lib"), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, name := range re.FindAllString(string(data), -1) {
			if !declared[name] && !seen[name] {
				seen[name] = true
				rel, _ := filepath.Rel(root, path)
				missing = append(missing, name+" (first in "+rel+")")
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("environment variable %s is not listed in lib/repo/env.go Vars", m)
	}
	if env := Env(); len(env) != len(Vars) {
		t.Errorf("Env() has %d entries, want %d", len(env), len(Vars))
	}
}

func TestConcurrencyFromEnv(t *testing.T) {
	for _, c := range []struct {
		v    string
		want int
		ok   bool
	}{{"", 0, true}, {"16", 16, true}, {" 4 ", 4, true}, {"0", 0, false}, {"-3", 0, false}, {"eight", 0, false}, {"8x", 0, false}} {
		t.Setenv(EnvConcurrency, c.v)
		n, err := Concurrency()
		if (err == nil) != c.ok || n != c.want {
			t.Errorf("%s=%q: %d, %v; want %d, ok %v", EnvConcurrency, c.v, n, err, c.want, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), EnvConcurrency) {
			t.Errorf("error %v does not name the variable", err)
		}
	}
}

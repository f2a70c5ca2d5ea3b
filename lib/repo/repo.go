package repo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
)

// ModulePath is the module line of the repository's go.mod.
const ModulePath = "github.com/prefscope/prefscope"

// DefaultStudy is the study directory, relative to the root, used when
// PREFSCOPE_STUDY is unset: the committed synthetic study.
const DefaultStudy = "data/studies/default"

// DateLayout is the layout of report dates (YYYY-MM-DD).
const DateLayout = "2006-01-02"

// ErrNotFound is returned (wrapped) by Root when no candidate directory leads
// to the repository.
var ErrNotFound = errors.New("repo: repository root not found")

// Root returns the absolute path of the repository root. See the package
// documentation for the order in which places are tried.
func Root() (string, error) {
	if env := strings.TrimSpace(os.Getenv(EnvRoot)); env != "" {
		abs, err := filepath.Abs(env)
		if err != nil {
			return "", fmt.Errorf("repo: %s=%q: %w", EnvRoot, env, err)
		}
		st, err := os.Stat(abs)
		if err != nil {
			return "", fmt.Errorf("repo: %s=%q: %w", EnvRoot, env, err)
		}
		if !st.IsDir() {
			return "", fmt.Errorf("repo: %s=%q: not a directory", EnvRoot, env)
		}
		return abs, nil
	}
	var tried []string
	for _, start := range startDirs() {
		if start == "" {
			continue
		}
		if root, ok := findUp(start); ok {
			return root, nil
		}
		tried = append(tried, start)
	}
	return "", fmt.Errorf("%w from %s (set %s)", ErrNotFound, strings.Join(tried, ", "), EnvRoot)
}

// startDirs lists the directories from which Root walks up, in order.
func startDirs() []string {
	var dirs []string
	if wd, err := os.Getwd(); err == nil {
		dirs = append(dirs, wd)
	}
	for _, name := range []string{"GONB_DIR", "GONB_TMP_DIR", "GONB_JUPYTER_ROOT"} {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" {
			dirs = append(dirs, v)
		}
	}
	if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Dir(exe))
	}
	return dirs
}

// findUp walks from dir to the filesystem root and returns the first
// directory that is the repository root, or the local target of a replace
// directive for ModulePath found on the way.
func findUp(dir string) (string, bool) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for {
		if root, ok := checkGoMod(dir); ok {
			return root, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// checkGoMod reads dir/go.mod, if any. It reports dir itself when the module
// is ModulePath, or the replacement directory when the file replaces
// ModulePath by a local directory that is itself the root.
func checkGoMod(dir string) (string, bool) {
	name := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(name)
	if err != nil {
		return "", false
	}
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return "", false
	}
	if f.Module != nil && f.Module.Mod.Path == ModulePath {
		return dir, true
	}
	for _, r := range f.Replace {
		if r.Old.Path != ModulePath || r.New.Version != "" {
			continue
		}
		target := r.New.Path
		if !filepath.IsAbs(target) {
			target = filepath.Join(dir, target)
		}
		if root, ok := checkGoMod(filepath.Clean(target)); ok && root == filepath.Clean(target) {
			return root, true
		}
	}
	return "", false
}

// Date returns the report date: PREFSCOPE_DATE if set, else today in UTC,
// as YYYY-MM-DD. A malformed PREFSCOPE_DATE is an error, not a silent
// fallback to today, so that a headless run never mixes dates.
func Date() (string, error) {
	env := strings.TrimSpace(os.Getenv(EnvDate))
	if env == "" {
		return time.Now().UTC().Format(DateLayout), nil
	}
	if err := ValidateDate(env); err != nil {
		return "", fmt.Errorf("repo: %s: %w", EnvDate, err)
	}
	return env, nil
}

// ValidateDate checks that date is a real calendar date written YYYY-MM-DD.
func ValidateDate(date string) error {
	t, err := time.Parse(DateLayout, date)
	if err != nil || t.Format(DateLayout) != date {
		return fmt.Errorf("date %q is not YYYY-MM-DD", date)
	}
	return nil
}

// Stamp turns a YYYY-MM-DD date into the MMDDYY stamp used in figure file
// names (2026-03-09 -> 030926).
func Stamp(date string) (string, error) {
	if err := ValidateDate(date); err != nil {
		return "", fmt.Errorf("repo: %w", err)
	}
	t, _ := time.Parse(DateLayout, date)
	return t.Format("010206"), nil
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// ValidateName checks that name is snake_case: lower-case ASCII letters and
// digits in words joined by single underscores, starting with a letter
// (robustness, alpha_sweep, layer_16). Section names and figure slugs follow
// this rule, so they are safe as path elements.
func ValidateName(name string) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("name %q is not snake_case ([a-z][a-z0-9]* words joined by _)", name)
	}
	return nil
}

// AssetsDir returns <root>/assets/<section>, where figures of a notebook
// section go. It does not create the directory.
func AssetsDir(section string) (string, error) {
	if err := ValidateName(section); err != nil {
		return "", fmt.Errorf("repo: section: %w", err)
	}
	root, err := Root()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "assets", section), nil
}

// ReportDir returns <root>/reports/<date>, where the report of that date is
// assembled. It does not create the directory.
func ReportDir(date string) (string, error) {
	if err := ValidateDate(date); err != nil {
		return "", fmt.Errorf("repo: report dir: %w", err)
	}
	root, err := Root()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "reports", date), nil
}

// StudyDir returns the study directory: PREFSCOPE_STUDY if set (a relative
// path is taken relative to the root, not to the working directory, since
// notebooks run from different places), else <root>/data/studies/default.
// It does not check that the directory exists.
func StudyDir() (string, error) {
	env := strings.TrimSpace(os.Getenv(EnvStudy))
	if env != "" && filepath.IsAbs(env) {
		return filepath.Clean(env), nil
	}
	root, err := Root()
	if err != nil {
		return "", err
	}
	if env == "" {
		env = DefaultStudy
	}
	return filepath.Join(root, filepath.FromSlash(env)), nil
}

package repo

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Var is one PREFSCOPE_* environment variable: its name, the value used when
// it is unset, and what it means.
type Var struct {
	Name    string
	Default string
	Usage   string
}

// The environment variables read by prefscope. Every PREFSCOPE_* variable
// that any package or command reads must be declared here, so that this file
// is the one list a user needs (TestVarsListsEveryVariable scans lib/ for
// names missing here; variables used only inside _test.go files, such as a
// test's re-exec switch, are internal and not listed).
const (
	// EnvRoot overrides the repository root that Root finds by walking up.
	EnvRoot = "PREFSCOPE_ROOT"
	// EnvDate fixes the report date (YYYY-MM-DD) used in figure file names
	// and report directories.
	EnvDate = "PREFSCOPE_DATE"
	// EnvStudy names the study directory notebooks read.
	EnvStudy = "PREFSCOPE_STUDY"
	// EnvConcurrency is the default of the CLI's -concurrency flag.
	EnvConcurrency = "PREFSCOPE_CONCURRENCY"
	// EnvDebug, when set, makes lib/model/llama print the stack of a
	// recovered GoMLX panic to stderr.
	EnvDebug = "PREFSCOPE_DEBUG"
)

// Vars lists every PREFSCOPE_* variable in a fixed order.
var Vars = []Var{
	{EnvRoot, "(found by walking up to go.mod)", "repository root; must be an existing directory"},
	{EnvDate, "(today, UTC)", "report date YYYY-MM-DD for assets/<section>/plot_MMDDYY_<slug>.png and reports/<date>/"},
	{EnvStudy, DefaultStudy, "study directory read by notebooks and the CLI; a relative path is resolved against the repository root"},
	{EnvConcurrency, "(the study's setting, else 8)", "model calls in flight for prefscope measure and simulate (-concurrency)"},
	{EnvDebug, "(unset)", "when non-empty, lib/model/llama prints the stack trace of a recovered GoMLX panic to stderr"},
}

// Env returns the current value of each variable in Vars, with "" for unset
// ones, keyed by name.
func Env() map[string]string {
	m := make(map[string]string, len(Vars))
	for _, v := range Vars {
		m[v.Name] = strings.TrimSpace(os.Getenv(v.Name))
	}
	return m
}

// Concurrency returns PREFSCOPE_CONCURRENCY as a positive number of calls in
// flight, or 0 when it is unset. A value that is not a positive integer is an
// error naming the variable, as a malformed PREFSCOPE_DATE is.
func Concurrency() (int, error) {
	v := strings.TrimSpace(os.Getenv(EnvConcurrency))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("repo: %s=%q is not a positive integer", EnvConcurrency, v)
	}
	return n, nil
}

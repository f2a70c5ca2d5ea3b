package repo

import (
	"os"
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
// is the one list a user needs.
const (
	// EnvRoot overrides the repository root that Root finds by walking up.
	EnvRoot = "PREFSCOPE_ROOT"
	// EnvDate fixes the report date (YYYY-MM-DD) used in figure file names
	// and report directories.
	EnvDate = "PREFSCOPE_DATE"
	// EnvStudy names the study directory notebooks read.
	EnvStudy = "PREFSCOPE_STUDY"
)

// Vars lists every PREFSCOPE_* variable in a fixed order.
var Vars = []Var{
	{EnvRoot, "(found by walking up to go.mod)", "repository root; must be an existing directory"},
	{EnvDate, "(today, UTC)", "report date YYYY-MM-DD for assets/<section>/plot_MMDDYY_<slug>.png and reports/<date>/"},
	{EnvStudy, DefaultStudy, "study directory read by notebooks; a relative path is resolved against the repository root"},
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

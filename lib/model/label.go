package model

import (
	"path/filepath"
	"strconv"
)

// Label names the model of a spec in tables, figures and the keys of
// per-model planted values: "synth:<seed>" for a simulated respondent (the
// name the respondent gives itself), a served model's name, or a local
// checkpoint's directory name; the kind when none of these is set.
func (s Spec) Label() string {
	switch {
	case s.Kind == KindSynth:
		return "synth:" + strconv.FormatInt(s.Seed, 10)
	case s.Name != "":
		return s.Name
	case s.Path != "":
		return filepath.Base(filepath.Clean(s.Path))
	}
	return s.Kind
}

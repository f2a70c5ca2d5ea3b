package study

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/prefscope/prefscope/lib/repo"

	"github.com/prefscope/prefscope/lib/model"
)

// Describe is the line a report puts at its top so that its numbers are
// never taken for another study's or another model's: the study's name,
// directory and every model its parts measure, with a simulated respondent
// named as simulated.
func Describe(dir string) (string, error) {
	s, err := Load(dir)
	if err != nil {
		return "", err
	}
	var labels []string
	simulated, real := 0, 0
	for _, m := range s.Models() {
		switch m.Kind {
		case model.KindSynth:
			simulated++
			labels = append(labels, "`"+ModelLabel(m)+"` (simulated)")
		default:
			real++
			labels = append(labels, fmt.Sprintf("`%s` (%s)", ModelLabel(m), m.Kind))
		}
	}
	line := fmt.Sprintf("Study `%s` (`%s`); models: %s.", s.Name, shownDir(dir), strings.Join(labels, ", "))
	switch {
	case real == 0:
		line += " **Every number here comes from prefscope's simulated respondent, with planted ground truth, not from a language model.**"
	case simulated > 0:
		line += " Models marked simulated are prefscope's simulated respondent, not language models."
	}
	return line, nil
}

// shownDir is dir relative to the repository when it lies inside it, so
// that a committed report does not carry one machine's absolute path.
func shownDir(dir string) string {
	root, err := repo.Root()
	if err != nil {
		return dir
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(rel)
	}
	return dir
}

package measure

import (
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/template"
)

// steerRequest is one call's steering: the run's, with the differential
// spans set to the tasks shown (first shown +, second −). Nil when the run
// does not steer.
func steerRequest(cfg RunConfig, p template.Prompt) *model.Steering {
	if cfg.Steering == nil {
		return nil
	}
	s := *cfg.Steering
	if s.Mode == model.SteerDifferential && len(p.TaskTexts) == 2 {
		s.Plus, s.Minus = p.TaskTexts[0], p.TaskTexts[1]
	}
	return &s
}

package study

import (
	"fmt"

	"github.com/prefscope/prefscope/lib/activations"
	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/probe"
)

// ProbeSource is the activation store Extract fills for the study in dir,
// with the layers its extract key records: the store of the extract key's
// activation model (extract.model), else the study's own model. Probes read
// it without knowing how a model's store is named.
func ProbeSource(dir string) (probe.Source, error) {
	s, err := Load(dir)
	if err != nil {
		return probe.Source{}, err
	}
	if s.Extract == nil {
		return probe.Source{}, fmt.Errorf("study: %s: no extract key, so no activation store", layout.Study(dir))
	}
	spec := s.Model
	if s.Extract.Model != nil {
		spec = *s.Extract.Model
	}
	return probe.Source{Store: activations.Dir(dir, activationModelName(spec)), Layers: s.Extract.Layers}, nil
}

// activationModelName is the name the model of spec gives itself, which
// names its activation store: "synth:<seed>" for the simulated respondent,
// the spec's name for local weights ("llama" without one) and served models.
func activationModelName(spec model.Spec) string {
	switch {
	case spec.Kind == model.KindSynth:
		return spec.Label()
	case spec.Kind == model.KindLlama && spec.Name == "":
		return "llama"
	}
	return spec.Name
}

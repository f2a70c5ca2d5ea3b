package study

import (
	"maps"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/lib/model/synth"
)

// validateSynthModels checks the simulated models a study names: a
// sensitivity profile (a synth model's name) must be one synth.Profiles
// knows, and two synth models with the same seed must not differ in
// profile, since a synth model's truth and completions are kept under its
// seed (synth.ModelName).
func (s *Study) validateSynthModels(root *yaml.Node) error {
	bySeed := map[int64]string{}
	check := func(key []string, kind, name string, seed int64) error {
		if kind != "synth" {
			return nil
		}
		if _, ok := synth.Profiles[name]; name != "" && !ok {
			return keyErr(root, append(key, "name"), "unknown sensitivity profile %q (known: %v)", name, slices.Sorted(maps.Keys(synth.Profiles)))
		}
		if prev, ok := bySeed[seed]; ok && prev != name {
			return keyErr(root, append(key, "name"), "synth seed %d is used with profiles %q and %q; give each profile its own seed", seed, prev, name)
		}
		bySeed[seed] = name
		return nil
	}
	if err := check([]string{"model"}, s.Model.Kind, s.Model.Name, s.Model.Seed); err != nil {
		return err
	}
	for i, p := range s.Parts {
		if p.Model != nil {
			if err := check([]string{"parts", strconv.Itoa(i), "model"}, p.Model.Kind, p.Model.Name, p.Model.Seed); err != nil {
				return err
			}
		}
	}
	return nil
}

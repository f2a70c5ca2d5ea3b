package study

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/repo"
)

// TruthFile is where a synthetic study keeps its planted parameters
// (layout.Truth).
const TruthFile = layout.TruthFile

// ErrNoTruth is returned by LoadTruth for a study whose model is not the
// simulated respondent.
var ErrNoTruth = errors.New("study: the model is not simulated, so there is no planted truth")

// partTruthPath is the planted truth of a synth model that a part names
// besides the study's own (whose truth is layout.Truth).
func partTruthPath(dir, modelName string) string { return layout.PartTruth(dir, modelName) }

// writeTruth saves the planted parameters of a synth model at path; an
// unchanged file is left alone. With readOnly, a file that would change is
// measure.ErrNeedsWrite.
func writeTruth(path string, t *synth.Truth, readOnly bool) error {
	b, err := json.MarshalIndent(t, "", " ")
	if err != nil {
		return fmt.Errorf("study: encoding truth: %w", err)
	}
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
		return nil
	}
	if readOnly {
		return fmt.Errorf("study: %s: %w", path, measure.ErrNeedsWrite)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("study: %w", err)
	}
	return repo.WriteFileAtomic(path, b, 0o644)
}

// LoadTruth reads the planted truth of the synthetic study in dir, as its
// last Open wrote it. It returns ErrNoTruth when the study's model is not
// synth, and an error naming truth.json when the study was never opened.
func LoadTruth(dir string) (*synth.Truth, error) {
	s, err := Load(dir)
	if err != nil {
		return nil, err
	}
	if s.Model.Kind != "synth" {
		return nil, ErrNoTruth
	}
	t, err := synth.ReadTruth(layout.Truth(dir))
	if err != nil {
		return nil, fmt.Errorf("study: %w (run the study first: study.Run or prefscope simulate)", err)
	}
	return t, nil
}

// LoadTruths reads the planted truth of every synth model the study in dir
// measures (the study's and each part's own), keyed by model name
// ("synth:<seed>", as synth.Model.Name), as its last Open wrote them. A
// study without synth models gives an empty map; a synth model whose truth
// was never written is an error naming the file.
func LoadTruths(dir string) (map[string]*synth.Truth, error) {
	s, err := Load(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]*synth.Truth{}
	for i, spec := range s.Models() {
		if spec.Kind != "synth" {
			continue
		}
		name := synth.ModelName(spec.Seed)
		path := layout.Truth(dir)
		if i > 0 {
			path = partTruthPath(dir, name)
		}
		t, err := synth.ReadTruth(path)
		if err != nil {
			return nil, fmt.Errorf("study: %w (run the study first: study.Run or prefscope simulate)", err)
		}
		out[name] = t
	}
	return out, nil
}

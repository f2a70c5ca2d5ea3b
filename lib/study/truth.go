package study

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/repo"
)

// TruthFile is where a synthetic study keeps its planted parameters.
const TruthFile = "truth.json"

// ErrNoTruth is returned by LoadTruth for a study whose model is not the
// simulated respondent.
var ErrNoTruth = errors.New("study: the model is not simulated, so there is no planted truth")

// writeTruth saves the planted parameters of a synth model beside the runs;
// an unchanged file is left alone.
func writeTruth(dir string, t *synth.Truth) error {
	path := filepath.Join(dir, TruthFile)
	b, err := json.MarshalIndent(t, "", " ")
	if err != nil {
		return fmt.Errorf("study: encoding truth: %w", err)
	}
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
		return nil
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
	t, err := synth.ReadTruth(filepath.Join(dir, TruthFile))
	if err != nil {
		return nil, fmt.Errorf("study: %w (run the study first: study.Run or prefscope simulate)", err)
	}
	return t, nil
}

package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/prefscope/prefscope/lib/repo"
)

// AnalysisPath returns <studyDir>/analysis/<name>.json, where a notebook
// keeps the numbers of one step for its report section (DESIGN.md section
// 5). name must be snake_case (repo.ValidateName).
func AnalysisPath(studyDir, name string) (string, error) {
	if err := repo.ValidateName(name); err != nil {
		return "", fmt.Errorf("report: analysis result: %w", err)
	}
	return filepath.Join(studyDir, "analysis", name+".json"), nil
}

// SaveAnalysis writes v as indented JSON to AnalysisPath(studyDir, name),
// atomically, so that a later cell (the report cell) reads the step's
// results without recomputing them. Values JSON cannot hold (NaN, ±Inf)
// are an error naming the result.
func SaveAnalysis(studyDir, name string, v any) error {
	path, err := AnalysisPath(studyDir, name)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return fmt.Errorf("report: analysis result %q: %w", name, err)
	}
	return repo.WriteFileAtomic(path, append(b, '\n'), 0o644)
}

// LoadAnalysis reads the result SaveAnalysis wrote under name into v (a
// pointer). A missing file says which result is missing; a key of the file
// that v has no field for is an error too, so that a result saved by
// another version of the notebook is not read half-way.
func LoadAnalysis(studyDir, name string, v any) error {
	path, err := AnalysisPath(studyDir, name)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("report: analysis result %q (run the notebook step that saves it): %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	return nil
}

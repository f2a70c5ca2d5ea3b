package layout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/prefscope/prefscope/lib/repo"
)

// SaveAnalysis writes v as indented JSON to Analysis(studyDir, name),
// atomically, so that a later cell (the report cell) reads the step's
// results without recomputing them. Values JSON cannot hold (NaN, ±Inf) are
// an error naming the result.
func SaveAnalysis(studyDir, name string, v any) error {
	path, err := Analysis(studyDir, name)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return fmt.Errorf("layout: analysis result %q: %w", name, err)
	}
	if err := CheckNotSymlink(path); err != nil {
		return err
	}
	return repo.WriteFileAtomic(path, append(b, '\n'), 0o644)
}

// LoadAnalysis reads the result SaveAnalysis wrote under name into v (a
// pointer). A missing file says which result is missing; a key of the file
// that v has no field for is an error too, so that a result saved by another
// version of the notebook is not read half-way.
func LoadAnalysis(studyDir, name string, v any) error {
	path, err := Analysis(studyDir, name)
	if err != nil {
		return err
	}
	f, err := OpenNoFollow(path, os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("layout: analysis result %q (run the notebook step that saves it): %w", name, err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(f); err != nil {
		return fmt.Errorf("layout: %s: %w", path, err)
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("layout: %s: %w", path, err)
	}
	return nil
}

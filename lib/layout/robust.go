package layout

import "path/filepath"

// CalibrationDir is the folder name, inside the analysis store, of the
// finished replicate studies of the robustness standard-error calibration.
const CalibrationDir = "calibration"

// Calibration is where a study keeps the finished replicate studies of the
// robustness calibration (one rep-NN.json each), so an interrupted
// calibration resumes.
func Calibration(studyDir string) string {
	return filepath.Join(studyDir, AnalysisDir, CalibrationDir)
}

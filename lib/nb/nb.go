// Package nb is the small toolbox every notebook shares, so that no notebook
// defines it again: Must for a cell's errors, the study directory the
// notebooks read (PREFSCOPE_STUDY), saving and loading one step's numbers
// in the study's analysis store for the report cell, and adding a figure
// the notebook published to its report section.
package nb

import (
	"log"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/plot"
	"github.com/prefscope/prefscope/lib/repo"
	"github.com/prefscope/prefscope/lib/report"
)

// Must returns v, or stops the cell with err (log.Fatal: GoNB reports the
// cell as failed and the headless runner fails the notebook).
func Must[T any](v T, err error) T {
	if err != nil {
		log.Fatalf("prefscope: %v", err)
	}
	return v
}

// Check stops the cell with err when it is not nil.
func Check(err error) {
	if err != nil {
		log.Fatalf("prefscope: %v", err)
	}
}

// StudyDir is the study the notebooks read: PREFSCOPE_STUDY, else the
// committed default study (repo.StudyDir).
func StudyDir() string { return Must(repo.StudyDir()) }

// Save keeps v under name (snake_case) in the study's analysis store.
func Save(name string, v any) { Check(layout.SaveAnalysis(StudyDir(), name, v)) }

// Load reads what Save kept under name into v (a pointer).
func Load(name string, v any) { Check(layout.LoadAnalysis(StudyDir(), name, v)) }

// Figure adds to sec the figure published under slug for sec's section
// (plot.Publish), with caption under it.
func Figure(sec *report.Section, slug, caption string) {
	Check(sec.Figure(Must(plot.AssetPath(sec.Name, slug)), caption))
}

package synth

// Version names the simulated respondent's behaviour: the truth it plants
// for a given seed and profile, and the answers it gives. A run of a synth
// model records it (measure.RunConfig.Respondent, part of the run id), so
// runs a respondent of another version answered are measured again rather
// than compared with a truth they were not drawn from. Change it with any
// change to the simulator that moves either; TestVersionPinsBehaviour
// fails until the version and its pinned digest are updated together.
const Version = "2026-12-06"

// Version returns the package's Version: the simulated respondent is a
// model.Versioned.
func (m *Model) Version() string { return Version }

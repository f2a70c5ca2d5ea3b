package synth

import (
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/task"
)

// TestProfiles: a named profile replaces the position bias and field
// scales (and nothing else), the empty name keeps Params, and an unknown
// name is an error listing the known ones.
func TestProfiles(t *testing.T) {
	tasks, err := task.Default()
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(Options{Seed: 8, Tasks: tasks, Profile: "order_dominant"})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Truth().Params
	if p.PositionBias != 0.8 || p.FieldSD["language"] != 0.10 || p.WithinSD != 0.8 {
		t.Errorf("order_dominant params: position bias %v, language %v, within sd %v", p.PositionBias, p.FieldSD["language"], p.WithinSD)
	}
	// The profile's map is copied, not shared.
	p.FieldSD["language"] = 9
	if Profiles["order_dominant"].FieldSD["language"] != 0.10 {
		t.Error("changing a truth's field scales changed the profile")
	}
	plain, err := WithProfile(Params{PositionBias: 0.3}, "")
	if err != nil || plain.PositionBias != 0.3 || plain.FieldSD != nil {
		t.Errorf("empty profile: %+v, %v", plain, err)
	}
	if _, err := New(Options{Seed: 8, Tasks: tasks, Profile: "chaotic"}); err == nil || !strings.Contains(err.Error(), "coherent") {
		t.Errorf("unknown profile: %v, want an error listing the known ones", err)
	}
}

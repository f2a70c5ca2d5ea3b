package model

import (
	"math"
	"strings"
	"testing"
)

func TestSteeringValidate(t *testing.T) {
	unit := []float32{0.6, 0.8, 0}
	ok := Steering{Direction: unit, DirectionID: "d", Layer: 2, Multiplier: 0.05, Norm: 10, Mode: SteerDifferential, Plus: "a", Minus: "b"}
	if err := ok.Validate(4, 3); err != nil {
		t.Fatal(err)
	}
	if c := ok.Coefficient(); math.Abs(c-0.5) > 1e-12 {
		t.Fatalf("coefficient %v, want 0.5", c)
	}
	if err := (*Steering)(nil).Validate(4, 3); err != nil {
		t.Fatalf("nil steering: %v", err)
	}
	for name, c := range map[string]struct {
		edit func(*Steering)
		want string
	}{
		"width":    {func(s *Steering) { s.Direction = unit[:2] }, "hidden size is 3"},
		"layer":    {func(s *Steering) { s.Layer = 5 }, "out of range 0..4"},
		"not unit": {func(s *Steering) { s.Direction = []float32{1, 1, 0} }, "want a unit vector"},
		"nan":      {func(s *Steering) { s.Multiplier = math.NaN() }, "must be finite"},
		"mode":     {func(s *Steering) { s.Mode = "sideways" }, "unknown mode"},
		"spans":    {func(s *Steering) { s.Minus = "" }, "needs both spans"},
	} {
		s := ok
		c.edit(&s)
		if err := s.Validate(4, 3); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
}

package model

import "testing"

func TestSpecLabel(t *testing.T) {
	for _, c := range []struct {
		spec Spec
		want string
	}{
		{Spec{Kind: KindSynth, Seed: 2026}, "synth:2026"},
		{Spec{Kind: KindSynth, Seed: -3, Name: "flat"}, "synth:-3"},
		{Spec{Kind: KindOpenAI, Name: "gpt-4o"}, "gpt-4o"},
		{Spec{Kind: KindLlama, Path: "/models/Llama-3.1-8B/"}, "Llama-3.1-8B"},
		{Spec{Kind: KindLlama, Path: "/models/x", Name: "mine"}, "mine"},
		{Spec{Kind: KindOpenAI}, KindOpenAI},
	} {
		if got := c.spec.Label(); got != c.want {
			t.Errorf("%+v: label %q, want %q", c.spec, got, c.want)
		}
	}
}

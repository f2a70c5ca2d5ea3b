package synth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/template"
)

// pinned is the behaviour digest (behaviourDigest) of each Version. A
// change to the simulator that moves a planted value or an answer changes
// the digest: give the new behaviour a new Version and add its digest here,
// so that stored runs of the old respondent are measured again.
var pinned = map[string]string{
	"2026-12-06": "188a85bc57c16dee",
}

// behaviourDigest hashes the planted truth of three respondents (the
// default, order_dominant and coherent profiles) and their replies to
// choice, rating and completion prompts over a spread of templates and
// seeds.
func behaviourDigest(t *testing.T) string {
	t.Helper()
	h := sha256.New()
	for _, r := range []struct {
		seed    int64
		profile string
	}{{2026, ""}, {8, "order_dominant"}, {9, "coherent"}} {
		m, tasks, cat := newModel(t, r.seed)
		if r.profile != "" {
			var err error
			if m, err = New(Options{Seed: r.seed, Tasks: tasks, Catalog: cat, Profile: r.profile}); err != nil {
				t.Fatal(err)
			}
		}
		b, err := json.Marshal(m.Truth())
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
		ask := func(p template.Prompt, seed int64) {
			resp, err := m.Chat(context.Background(), model.Request{Messages: p.Messages, Tools: p.Tools, Temperature: 1, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			h.Write(b)
		}
		choices := cat.Generate(template.PreRevealed, "")
		ratings := cat.Generate(template.PreStated, "1-10")
		for k := range 12 {
			a, b := tasks[(7*k)%len(tasks)], tasks[(7*k+3)%len(tasks)]
			p, err := cat.RenderChoice(choices[(5*k)%len(choices)], a.Prompt, b.Prompt)
			if err != nil {
				t.Fatal(err)
			}
			ask(p, int64(k))
			if p, err = cat.RenderRating(ratings[(3*k)%len(ratings)], a.Prompt); err != nil {
				t.Fatal(err)
			}
			ask(p, int64(k))
			ask(template.Prompt{Messages: template.CompletionMessages(a.Prompt)}, int64(k))
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// TestVersionPinsBehaviour fails when the simulator's behaviour no longer
// matches the digest pinned for Version: a change that moves the planted
// truth or an answer needs a new Version (see pinned).
func TestVersionPinsBehaviour(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		// Elsewhere the compiler may fuse multiply-adds, which moves the
		// last bits of planted values and so the digest.
		t.Skip("the digest is pinned on amd64")
	}
	got := behaviourDigest(t)
	if want, ok := pinned[Version]; !ok || want != got {
		t.Errorf("synth behaviour digest %s, pinned for Version %q: %q. If the simulator changed on purpose, set Version to a new name and pin %s for it: stored runs of the old respondent are then measured again.", got, Version, want, fmt.Sprint(got))
	}
}

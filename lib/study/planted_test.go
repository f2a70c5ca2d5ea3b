package study

import (
	"testing"

	"github.com/prefscope/prefscope/lib/internal/synthtest"
	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model/synth"
	"github.com/prefscope/prefscope/lib/template"
)

func TestContextUtilities(t *testing.T) {
	fx := synthtest.New(t, 7)
	truth := fx.Truth()
	ids := []string{fx.Tasks[0].ID, fx.Tasks[1].ID, fx.Tasks[2].ID}
	// Two runs in contexts differing in language: the planted utilities
	// must follow the respondent's context, not only its μ.
	tpls := fx.Catalog.Generate(template.PreRevealed, "")
	var a, b *measure.Run
	for _, tp := range tpls {
		r := &measure.Run{File: measure.RunFile{ID: "r", Config: measure.RunConfig{Template: tp}}}
		if a == nil {
			a = r
		} else if tp.Fields.Language != a.File.Config.Template.Fields.Language {
			b = r
			break
		}
	}
	if b == nil {
		t.Fatal("the default catalog has one language")
	}
	ua, err := ContextUtilities(truth, a, ids)
	if err != nil {
		t.Fatal(err)
	}
	ub, _ := ContextUtilities(truth, b, ids)
	for i, id := range ids {
		if ua[i] != truth.Utility(id, synth.ContextOf(a.File.Config.Template)) {
			t.Errorf("%s: %v, want the context utility", id, ua[i])
		}
	}
	if ua[0] == ub[0] && ua[1] == ub[1] && ua[2] == ub[2] {
		t.Error("two languages give the same planted utilities; the context is ignored")
	}
	if u, err := ContextUtilities(nil, a, ids); u != nil || err != nil {
		t.Errorf("no truth: %v, %v; want nil, nil", u, err)
	}
	if _, err := ContextUtilities(truth, a, []string{"no_such_task"}); err == nil {
		t.Error("unknown task: want an error")
	}
}

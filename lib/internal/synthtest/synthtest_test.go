package synthtest

import (
	"testing"

	"github.com/prefscope/prefscope/lib/measure"
	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/template"
)

func TestFixtureMeasuresARun(t *testing.T) {
	f := New(t, 3)
	if len(f.Tasks) != 240 || len(f.ByID) != 240 || f.Truth() == nil {
		t.Fatalf("%d tasks, %d by id; want the 240 default tasks and a truth", len(f.Tasks), len(f.ByID))
	}
	ids := f.IDs(60)
	if len(ids) != 4 || ids[0] != f.Tasks[0].ID || ids[1] != f.Tasks[60].ID {
		t.Fatalf("IDs(60) = %v, want tasks 0, 60, 120, 180", ids)
	}
	if got := AllPairs(ids); len(got) != 6 || got[0] != [2]string{ids[0], ids[1]} || got[5] != [2]string{ids[2], ids[3]} {
		t.Fatalf("AllPairs = %v", got)
	}
	tpl := f.Template(t, template.PreRevealed, "", Plain)
	if !Plain(tpl.Fields) || tpl.Kind != template.PreRevealed {
		t.Fatalf("template %+v is not a plain pre_revealed one", tpl)
	}
	cfg := measure.RunConfig{Part: "p", Model: f.Spec(), Template: tpl, Tasks: ids, Pairs: AllPairs(ids), Samples: 2, Temperature: 1, Seed: 1}
	run := Measure(t, f.Engine(0), t.TempDir(), cfg)
	if len(run.Records) != 12 || run.File.Config.Model != (model.Spec{Kind: "synth", Seed: 3}) {
		t.Errorf("%d records of model %+v, want 12 of synth seed 3", len(run.Records), run.File.Config.Model)
	}
}

package repo

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestYAMLLine(t *testing.T) {
	src := "name: s\nparts:\n  - name: a\n    samples: 3\n  - name: b\n"
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path []string
		want int
	}{
		{[]string{"name"}, 1},
		{[]string{"parts", "0", "samples"}, 4},
		{[]string{"parts", "1", "name"}, 5},
		{[]string{"parts", "1", "nosuchkey"}, 5}, // the deepest node found
		{[]string{"parts", "7"}, 2},
	} {
		if got := YAMLLine(&root, c.path...); got != c.want {
			t.Errorf("%v: line %d, want %d", c.path, got, c.want)
		}
	}
	if YAMLLine(nil, "x") != 0 {
		t.Error("nil root: want line 0")
	}
}

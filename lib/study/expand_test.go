package study

import "testing"

func TestPairSpecMake(t *testing.T) {
	ids := make([]string, 50)
	for i := range ids {
		ids[i] = "t" + string(rune('A'+i/26)) + string(rune('a'+i%26))
	}
	dense := PairSpec{Dense: true}.Make(ids)
	if len(dense) != 50*49/2 {
		t.Errorf("dense: %d pairs, want %d", len(dense), 50*49/2)
	}
	sparse := PairSpec{PerTask: 10, Seed: 1}.Make(ids)
	deg := map[string]int{}
	seen := map[[2]string]bool{}
	for _, p := range sparse {
		if p[0] >= p[1] {
			t.Fatalf("pair %v not in canonical order", p)
		}
		if seen[p] {
			t.Fatalf("pair %v twice", p)
		}
		seen[p] = true
		deg[p[0]]++
		deg[p[1]]++
	}
	// Five random Hamiltonian cycles give degree 10 less the rare repeats.
	for _, id := range ids {
		if deg[id] < 7 || deg[id] > 10 {
			t.Errorf("task %s has %d partners, want 7..10", id, deg[id])
		}
	}
	again := PairSpec{PerTask: 10, Seed: 1}.Make(ids)
	if len(again) != len(sparse) || again[0] != sparse[0] || again[len(again)-1] != sparse[len(sparse)-1] {
		t.Error("same seed gave different pairs")
	}
}

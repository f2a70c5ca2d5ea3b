package template

import (
	"fmt"
	"slices"
	"testing"
)

// TestSampleBalanced checks the stated guarantee on the default catalog's
// full factorials: with n = 24 and 48, every level of every field appears
// ⌊n/L⌋ or ⌈n/L⌉ times, the n templates are distinct members of all, and
// the same seed gives the same sample.
func TestSampleBalanced(t *testing.T) {
	c := mustDefault(t)
	for _, kind := range Kinds {
		all := c.Generate(kind, "1-5")
		for _, n := range []int{24, 48} {
			for _, seed := range []int64{1, 2} {
				t.Run(fmt.Sprintf("%s/n=%d/seed=%d", kind, n, seed), func(t *testing.T) {
					s := SampleBalanced(all, n, seed)
					if len(s) != n {
						t.Fatalf("got %d templates, want %d", len(s), n)
					}
					ids := map[string]bool{}
					inAll := map[string]bool{}
					for _, tp := range all {
						inAll[tp.ID()] = true
					}
					for _, tp := range s {
						if ids[tp.ID()] || !inAll[tp.ID()] {
							t.Fatalf("template %s repeated or not in all", tp.ID())
						}
						ids[tp.ID()] = true
					}
					for _, f := range c.Factors(kind) {
						counts := map[string]int{}
						for _, tp := range s {
							counts[tp.Tag(f.Name)]++
						}
						lo, hi := n/len(f.Levels), (n+len(f.Levels)-1)/len(f.Levels)
						for _, lv := range f.Levels {
							if counts[lv] < lo || counts[lv] > hi {
								t.Errorf("%s=%s appears %d times, want %d..%d (n/L = %.2f)", f.Name, lv, counts[lv], lo, hi, float64(n)/float64(len(f.Levels)))
							}
						}
					}
					again := SampleBalanced(all, n, seed)
					if !slices.Equal(ids2(again), ids2(s)) {
						t.Error("same seed gave a different sample")
					}
				})
			}
		}
	}
	all := c.Generate(PreRevealed, "")
	if slices.Equal(ids2(SampleBalanced(all, 24, 1)), ids2(SampleBalanced(all, 24, 2))) {
		t.Error("seeds 1 and 2 gave the same sample")
	}
}

func ids2(ts []Template) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID()
	}
	return out
}

func TestSampleBalancedEdges(t *testing.T) {
	c := mustDefault(t)
	all := c.Generate(PostStated, "1-5")
	cases := []struct {
		name string
		all  []Template
		n    int
		want int
	}{
		{"zero", all, 0, 0},
		{"negative", all, -3, 0},
		{"empty input", nil, 5, 0},
		{"all", all, len(all), len(all)},
		{"more than all", all, len(all) + 10, len(all)},
		{"one", all, 1, 1},
		{"most of all", all, len(all) - 1, len(all) - 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := SampleBalanced(tc.all, tc.n, 1)
			if len(s) != tc.want {
				t.Fatalf("len = %d, want %d", len(s), tc.want)
			}
			seen := map[string]bool{}
			for _, tp := range s {
				if seen[tp.ID()] {
					t.Fatalf("repeated template %s", tp.ID())
				}
				seen[tp.ID()] = true
			}
		})
	}
	// A subset that is not a factorial: levels still spread as evenly as
	// the subset allows (here every phrasing appears, each at most 9 times).
	var sub []Template
	for i, tp := range c.Generate(PreRevealed, "") {
		if i%7 == 0 {
			sub = append(sub, tp)
		}
	}
	s := SampleBalanced(sub, 24, 5)
	counts := map[string]int{}
	for _, tp := range s {
		counts[tp.Fields.Phrasing]++
	}
	for _, p := range c.Phrasings(PreRevealed) {
		if counts[p] < 7 || counts[p] > 9 {
			t.Errorf("subset sample: phrasing %s appears %d times, want 7..9", p, counts[p])
		}
	}
}

// TestSampleBalancedSweep checks the guarantee for many n up to
// len(all)/2 on the two stated factorials (1296 and 864 templates).
func TestSampleBalancedSweep(t *testing.T) {
	c := mustDefault(t)
	for _, kind := range []Kind{PostStated, PreStated} {
		all := c.Generate(kind, "good_neutral_bad")
		for n := 1; n <= len(all)/2; n += 1 + n/8 {
			s := SampleBalanced(all, n, int64(n))
			seen := map[string]bool{}
			for _, tp := range s {
				if seen[tp.ID()] {
					t.Fatalf("%s n=%d: repeated template %s", kind, n, tp.ID())
				}
				seen[tp.ID()] = true
			}
			for _, f := range c.Factors(kind) {
				counts := map[string]int{}
				for _, tp := range s {
					counts[tp.Tag(f.Name)]++
				}
				lo, hi := n/len(f.Levels), (n+len(f.Levels)-1)/len(f.Levels)
				for _, lv := range f.Levels {
					if counts[lv] < lo || counts[lv] > hi {
						t.Errorf("%s n=%d: %s=%s appears %d times, want %d..%d", kind, n, f.Name, lv, counts[lv], lo, hi)
					}
				}
			}
		}
	}
}

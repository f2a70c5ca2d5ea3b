package task

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// pool makes counts[o] tasks of each origin o, IDs "<o>_<i>".
func pool(counts map[string]int) []Task {
	var tasks []Task
	for _, o := range Origins() {
		for i := range counts[o] {
			tasks = append(tasks, Task{ID: fmt.Sprintf("%s_%03d", o, i), Origin: o, Prompt: "p"})
		}
	}
	return tasks
}

func countByOrigin(tasks []Task) map[string]int {
	c := map[string]int{}
	for _, t := range tasks {
		c[t.Origin]++
	}
	return c
}

func TestSampleAllocation(t *testing.T) {
	even := map[string]int{"alpaca": 10, "bailbench": 10, "math": 10, "wildchat": 10}
	cases := []struct {
		name   string
		counts map[string]int
		opts   SampleOptions
		// want is exact per origin; where the seed decides a remainder,
		// anyOf lists the allowed counts instead.
		want  map[string]int
		anyOf []int
	}{
		// 20 over 4 equal origins: 5 each.
		{"equal split", even, SampleOptions{N: 20, Seed: 1}, map[string]int{"alpaca": 5, "bailbench": 5, "math": 5, "wildchat": 5}, nil},
		// 12 over 3 origins, math has 2: math gives 2, the other 10 split 5/5.
		{"short origin redistributes", map[string]int{"alpaca": 10, "bailbench": 10, "math": 2}, SampleOptions{N: 12, Seed: 1},
			map[string]int{"alpaca": 5, "bailbench": 5, "math": 2}, nil},
		// 25 over {1, 4, 30}: shares 8 -> 1 and 4 capped, 20 left for the last.
		{"two short origins", map[string]int{"alpaca": 1, "math": 4, "wildchat": 30}, SampleOptions{N: 25, Seed: 1},
			map[string]int{"alpaca": 1, "math": 4, "wildchat": 20}, nil},
		// 10 over 4 origins: 2 each, then 2 origins chosen by the seed get 3.
		{"remainder", even, SampleOptions{N: 10, Seed: 1}, nil, []int{2, 3}},
		{"per origin, capped", map[string]int{"alpaca": 10, "bailbench": 1, "math": 3}, SampleOptions{PerOrigin: 3, Seed: 1},
			map[string]int{"alpaca": 3, "bailbench": 1, "math": 3}, nil},
		{"N above the total takes all", even, SampleOptions{N: 100}, even, nil},
		{"zero options take all", even, SampleOptions{}, even, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Sample(pool(c.counts), c.opts)
			if err != nil {
				t.Fatal(err)
			}
			cnt := countByOrigin(got)
			if c.want != nil && !reflect.DeepEqual(cnt, c.want) {
				t.Errorf("counts %v, want %v", cnt, c.want)
			}
			if c.anyOf != nil {
				total := 0
				for o, n := range cnt {
					total += n
					if !slices.Contains(c.anyOf, n) {
						t.Errorf("origin %s: %d tasks, want one of %v", o, n, c.anyOf)
					}
				}
				if total != c.opts.N {
					t.Errorf("%d tasks, want %d", total, c.opts.N)
				}
			}
			// Sorted by origin then ID, no repeats.
			if !slices.IsSortedFunc(got, func(a, b Task) int {
				return strings.Compare(a.Origin+"\x00"+a.ID, b.Origin+"\x00"+b.ID)
			}) {
				t.Errorf("output not sorted by origin, ID: %v", ids(got))
			}
			if err := Validate(got); err != nil {
				t.Errorf("sample has a repeat or a bad task: %v", err)
			}
		})
	}
}

func TestSampleDeterminism(t *testing.T) {
	tasks := pool(map[string]int{"alpaca": 50, "bailbench": 7, "math": 50, "wildchat": 50})
	opts := SampleOptions{N: 40, Seed: 42}
	a, err := Sample(tasks, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Sample(tasks, opts)
	if !reflect.DeepEqual(a, b) {
		t.Error("two draws with the same seed differ")
	}
	// The input order does not matter, and the input is not modified.
	shuffled := slices.Clone(tasks)
	rand.New(rand.NewPCG(7, 7)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	before := slices.Clone(shuffled)
	c, _ := Sample(shuffled, opts)
	if !reflect.DeepEqual(a, c) {
		t.Error("shuffling the input changed the sample")
	}
	if !reflect.DeepEqual(shuffled, before) {
		t.Error("Sample modified its input")
	}
	// One origin's draw does not depend on the others being present.
	onlyMath, _ := Sample(pool(map[string]int{"math": 50}), SampleOptions{PerOrigin: 11, Seed: 42})
	withOthers, _ := Sample(tasks, SampleOptions{PerOrigin: 11, Seed: 42})
	var mathPart []Task
	for _, t := range withOthers {
		if t.Origin == OriginMath {
			mathPart = append(mathPart, t)
		}
	}
	if !reflect.DeepEqual(onlyMath, mathPart) {
		t.Errorf("math draw depends on other origins: %v vs %v", ids(onlyMath), ids(mathPart))
	}
}

func TestSampleSeedsDiffer(t *testing.T) {
	tasks := pool(map[string]int{"alpaca": 50, "math": 50})
	// Two draws of 10 of 50 per origin coincide with probability
	// 1/C(50,10)^2, about 1e-20: a match means the seed is ignored.
	a, _ := Sample(tasks, SampleOptions{N: 20, Seed: 1})
	b, _ := Sample(tasks, SampleOptions{N: 20, Seed: 2})
	if reflect.DeepEqual(ids(a), ids(b)) {
		t.Errorf("seeds 1 and 2 gave the same sample %v", ids(a))
	}
}

// Each task of an origin is drawn with probability k/n. Over 2000 seeds
// drawing 3 of 10, each task's count is Binomial(2000, 0.3): mean 600,
// sd 20.5; the test allows 5 sd (a false alarm about once in 1e5 runs of
// the 10 tasks).
func TestSampleUniform(t *testing.T) {
	tasks := pool(map[string]int{"math": 10})
	hits := map[string]int{}
	for seed := range uint64(2000) {
		got, _ := Sample(tasks, SampleOptions{PerOrigin: 3, Seed: seed})
		for _, t := range got {
			hits[t.ID]++
		}
	}
	for _, task := range tasks {
		if h := hits[task.ID]; h < 600-103 || h > 600+103 {
			t.Errorf("%s drawn %d times in 2000, want 600 +- 103", task.ID, h)
		}
	}
}

func TestSampleErrors(t *testing.T) {
	tasks := pool(map[string]int{"math": 3})
	for _, opts := range []SampleOptions{{N: -1}, {PerOrigin: -2}, {N: 2, PerOrigin: 1}} {
		if _, err := Sample(tasks, opts); err == nil {
			t.Errorf("Sample(%+v): no error", opts)
		}
	}
	if got, err := Sample(nil, SampleOptions{N: 5}); err != nil || len(got) != 0 {
		t.Errorf("Sample(nil) = %v, %v; want empty", got, err)
	}
}

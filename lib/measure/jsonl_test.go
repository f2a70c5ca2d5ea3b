package measure

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAppendLogDropsTornLine(t *testing.T) {
	cases := []struct {
		name    string
		content string
		want    []string // keys visited
		wantErr string
		size    int64 // file size after open
	}{
		{"empty", "", nil, "", 0},
		{"complete", `{"key":"a"}` + "\n" + `{"key":"b"}` + "\n", []string{"a", "b"}, "", 24},
		{"torn tail", `{"key":"a"}` + "\n" + `{"key":"b"`, []string{"a"}, "", 12},
		{"torn tail that parses", `{"key":"a"}` + "\n" + `{"key":"b"}`, []string{"a"}, "", 12},
		{"corrupt middle line", `{"key":"a"}` + "\n" + `{"key":` + "\n" + `{"key":"c"}` + "\n", nil, "line 2", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.jsonl")
			if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			var got []string
			log, err := openAppendLog(path, func(line []byte, _ int) error {
				var r Record
				if err := json.Unmarshal(line, &r); err != nil {
					return err
				}
				got = append(got, r.Key)
				return nil
			})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), "m.jsonl") {
					t.Fatalf("error %v, want one naming the file and %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("visited %v, want %v", got, c.want)
			}
			if err := log.Append(Record{Key: "z"}); err != nil {
				t.Fatal(err)
			}
			log.Close()
			b, _ := os.ReadFile(path)
			if int64(len(b)) <= c.size || !strings.HasSuffix(string(b), "}\n") {
				t.Errorf("after append file is %q", b)
			}
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			if last := lines[len(lines)-1]; !strings.Contains(last, `"key":"z"`) {
				t.Errorf("last line %q, want the appended record", last)
			}
			if len(lines) != len(c.want)+1 {
				t.Errorf("%d lines after append, want %d", len(lines), len(c.want)+1)
			}
		})
	}
}

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

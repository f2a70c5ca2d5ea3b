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
			log, err := OpenAppendLog(path, func(line []byte, _ int) error {
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

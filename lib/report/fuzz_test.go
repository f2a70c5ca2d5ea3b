package report

import (
	"strings"
	"testing"
)

// FuzzTableRow checks that any three cells survive Table and splitRow (the
// parser Assemble uses on key-number tables): each cell comes back trimmed,
// with line breaks as <br>, and a table line never spans two lines.
func FuzzTableRow(f *testing.F) {
	f.Add("mean Pearson r", "0.83", "planted 0.85")
	f.Add("a|b", `c\|d`, "e\nf")
	f.Add(" x\\", "|", "\r\n")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		cells := []string{a, b, c}
		out := Table(cells, nil)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 2 {
			t.Fatalf("Table(%q) has %d lines, want 2:\n%s", cells, len(lines), out)
		}
		got := splitRow(lines[0])
		if len(got) != 3 {
			t.Fatalf("splitRow(%q) = %q, want 3 cells", lines[0], got)
		}
		for i, c := range cells {
			want := strings.ReplaceAll(escapeCell(c), `\|`, "|")
			if got[i] != want {
				t.Errorf("cell %d: %q came back as %q, want %q", i, c, got[i], want)
			}
		}
	})
}

// FuzzKeyNumbers checks that reading key numbers from any section text
// never panics and that each row read has cells.
func FuzzKeyNumbers(f *testing.F) {
	f.Add("## P\n\n" + keyNumbersStart + "\n| key number | value | note |\n| --- | ---: | --- |\n| r | 0.8 | x |\n" + keyNumbersEnd + "\n")
	f.Add(keyNumbersStart)
	f.Add(keyNumbersStart + keyNumbersEnd)
	f.Fuzz(func(t *testing.T, md string) {
		rows, err := keyNumbers(md)
		if err != nil {
			return
		}
		for _, r := range rows {
			if len(r) == 0 {
				t.Fatalf("empty row from %q", md)
			}
		}
	})
}

package report

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/prefscope/prefscope/lib/repo"
)

// Order lists the sections that every report has, in report order; other
// sections follow alphabetically.
var Order = []string{"robustness", "transitivity", "probe", "positivity"}

const highlightsName = "highlights"

// Title of the assembled report.
const Title = "prefscope research highlights"

// part is one section of the assembled report.
type part struct {
	name    string
	heading string // text of the section's "## " heading
	body    string // file content, "" when not run
	numbers [][]string
}

// Assemble writes reports/<date>/highlights.md from the section files in
// reports/<date>/ and returns its path. The report has a title with the
// date, a table of contents, a summary of every section's key numbers, and
// the sections in Order then alphabetically; a section of Order without a
// file is listed as "not run". A section file without a "## " heading gets
// one from its name.
func Assemble(date string) (string, error) { return AssembleFor(date, "") }

// AssembleFor is Assemble with source, a line naming the study and the
// models the numbers come from (study.Describe), put under the title so a
// shared report is never mistaken for another study's or model's. Its
// text is markdown, escaped like every section's.
func AssembleFor(date, source string) (string, error) {
	dir, err := repo.ReportDir(date)
	if err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	found := map[string]string{}
	ents, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return "", fmt.Errorf("report: %w", err)
	}
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".md")
		if !ok || e.IsDir() || name == highlightsName || repo.ValidateName(name) != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return "", fmt.Errorf("report: %w", err)
		}
		found[name] = string(data)
	}

	var extra []string
	for name := range found {
		if !contains(Order, name) {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	var parts []part
	for _, name := range append(append([]string{}, Order...), extra...) {
		p := part{name: name, heading: defaultTitle(name)}
		if body, ok := found[name]; ok {
			body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
			if h, ok := firstHeading(body); ok {
				p.heading = h
			} else {
				body = "## " + p.heading + "\n\n" + body
			}
			p.body = body
			p.numbers, err = keyNumbers(body)
			if err != nil {
				return "", fmt.Errorf("report: %s/%s.md: %w", dir, name, err)
			}
		}
		parts = append(parts, p)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "# %s, %s\n\n", Title, date)
	fmt.Fprintf(&b, "Report date: %s. Sections run: %d of %d.\n\n", date, countRun(parts), len(parts))
	if source = strings.TrimSpace(source); source != "" {
		b.WriteString(source + "\n\n")
	}
	b.WriteString("## Contents\n\n")
	anchors := anchorSet{}
	anchors.add("contents")
	summaryAnchor := ""
	if hasNumbers(parts) {
		summaryAnchor = anchors.add("key numbers")
	}
	if summaryAnchor != "" {
		fmt.Fprintf(&b, "- [Key numbers](#%s)\n", summaryAnchor)
	}
	for _, p := range parts {
		if p.body == "" {
			fmt.Fprintf(&b, "- %s: not run\n", p.heading)
			continue
		}
		fmt.Fprintf(&b, "- [%s](#%s)\n", p.heading, anchors.add(p.heading))
	}
	b.WriteString("\n")
	if summaryAnchor != "" {
		b.WriteString("## Key numbers\n\n")
		var rows [][]string
		for _, p := range parts {
			for _, r := range p.numbers {
				rows = append(rows, append([]string{p.heading}, r...))
			}
		}
		b.WriteString(Table([]string{"section", "key number", "value", "note"}, rows))
		b.WriteString("\n")
	}
	for _, p := range parts {
		if p.body == "" {
			fmt.Fprintf(&b, "## %s\n\n*Not run: no %s.md in this report's directory.*\n\n", p.heading, p.name)
			continue
		}
		b.WriteString(p.body + "\n\n")
	}
	path := filepath.Join(dir, highlightsName+".md")
	if err := writeFile(path, []byte(strings.TrimRight(b.String(), "\n")+"\n")); err != nil {
		return "", err
	}
	return path, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func countRun(parts []part) int {
	n := 0
	for _, p := range parts {
		if p.body != "" {
			n++
		}
	}
	return n
}

func hasNumbers(parts []part) bool {
	for _, p := range parts {
		if len(p.numbers) > 0 {
			return true
		}
	}
	return false
}

// firstHeading returns the text of the first line that starts with "## ".
func firstHeading(md string) (string, bool) {
	for _, line := range strings.Split(md, "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			return strings.TrimSpace(h), true
		}
	}
	return "", false
}

// keyNumbers reads the body rows of the table between the key-number
// markers, if any.
func keyNumbers(md string) ([][]string, error) {
	i := strings.Index(md, keyNumbersStart)
	if i < 0 {
		return nil, nil
	}
	rest := md[i+len(keyNumbersStart):]
	j := strings.Index(rest, keyNumbersEnd)
	if j < 0 {
		return nil, fmt.Errorf("%s without %s", keyNumbersStart, keyNumbersEnd)
	}
	var rows [][]string
	for k, line := range strings.Split(strings.TrimSpace(rest[:j]), "\n") {
		if k < 2 { // header and alignment row
			continue
		}
		rows = append(rows, splitRow(line))
	}
	return rows, nil
}

// splitRow splits a markdown table row into its cells, keeping escaped
// pipes inside cells.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	line = strings.TrimSuffix(line, "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		if line[i] == '\\' && i+1 < len(line) && line[i+1] == '|' {
			cur.WriteByte('|')
			i++
			continue
		}
		if line[i] == '|' {
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(line[i])
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// anchorSet makes GitHub-style heading anchors, numbering repeats as
// GitHub does (x, x-1, x-2).
type anchorSet map[string]int

// add returns the anchor of a heading as GitHub makes it: lower case,
// spaces as hyphens, and every character other than letters, marks,
// decimal digits, connector punctuation (_) and hyphens dropped.
func (a anchorSet) add(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || unicode.Is(unicode.Pc, r) || unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	base := b.String()
	n := a[base]
	a[base] = n + 1
	if n == 0 {
		return base
	}
	return fmt.Sprintf("%s-%d", base, n)
}

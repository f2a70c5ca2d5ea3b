package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/prefscope/prefscope/lib/repo"
)

// Markers around a section's key-number table; Assemble reads the table
// between them.
const (
	keyNumbersStart = "<!-- key-numbers -->"
	keyNumbersEnd   = "<!-- /key-numbers -->"
)

// Number is one key number of a section: what it is, its formatted value,
// and an optional note (the planted truth, n, the unit).
type Number struct {
	Key, Value, Note string
}

// Section collects the markdown of one notebook's part of the report: a
// heading, key numbers, then paragraphs, tables and figures in the order
// they were added.
type Section struct {
	// Name is the snake_case section name (robustness, probe, ...); it
	// names the file reports/<date>/<Name>.md.
	Name string
	// Title is the heading; empty means Name with its first letter upper
	// case and underscores as spaces.
	Title string
	// Date is the report date YYYY-MM-DD; empty means repo.Date().
	Date string

	numbers []Number
	body    []string
	err     error // the first error of an adding method; Write returns it
}

// NewSection returns an empty section named name with the given title.
func NewSection(name, title string) *Section {
	return &Section{Name: name, Title: title}
}

// Text adds a paragraph of markdown.
func (s *Section) Text(md string) {
	s.body = append(s.body, strings.TrimSpace(md))
}

// Textf adds a paragraph formatted with fmt.Sprintf.
func (s *Section) Textf(format string, args ...any) {
	s.Text(fmt.Sprintf(format, args...))
}

// Table adds a markdown table (see Table).
func (s *Section) Table(header []string, rows [][]string) {
	if t := Table(header, rows); t != "" {
		s.body = append(s.body, strings.TrimRight(t, "\n"))
	}
}

// Number records a key number; the key numbers are shown as a table under
// the section heading and gathered by Assemble.
func (s *Section) Number(key, value, note string) {
	s.numbers = append(s.numbers, Number{Key: key, Value: value, Note: note})
}

// Numbers returns the key numbers recorded so far.
func (s *Section) Numbers() []Number { return append([]Number(nil), s.numbers...) }

// Figure adds an image link to the figure file at path (as returned by
// lib/plot.Save) with a caption under it. The link is relative to the
// report directory, so it resolves from the section file and from
// highlights.md. It is an error if the file does not exist, so a typo
// cannot leave a broken image in the report. The error is also kept (see
// Err), so that Write fails even when the caller ignored it.
func (s *Section) Figure(path, caption string) error {
	date, err := s.date()
	if err != nil {
		return s.fail(err)
	}
	link, err := FigureLink(date, path)
	if err != nil {
		return s.fail(fmt.Errorf("report: section %s: %w", s.Name, err))
	}
	alt := strings.NewReplacer("[", "(", "]", ")", "\n", " ").Replace(caption)
	md := fmt.Sprintf("![%s](%s)", alt, link)
	if caption != "" {
		md += "\n\n*" + strings.TrimSpace(caption) + "*"
	}
	s.body = append(s.body, md)
	return nil
}

// fail keeps the first error of the section and returns err.
func (s *Section) fail(err error) error {
	if s.err == nil {
		s.err = err
	}
	return err
}

// Err returns the first error met while adding to the section (a missing
// figure, a bad date), or nil. It is sticky: later successful calls do not
// clear it.
func (s *Section) Err() error { return s.err }

// FigureLink returns the link to the file at path relative to the report
// directory of date, with forward slashes, wrapped in <...> when it holds
// spaces. The file must exist.
func FigureLink(date, path string) (string, error) {
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("report: figure: %w", err)
	}
	dir, err := repo.ReportDir(date)
	if err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("report: figure %s: %w", path, err)
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil {
		return "", fmt.Errorf("report: figure %s: %w", path, err)
	}
	link := filepath.ToSlash(rel)
	if strings.ContainsAny(link, " ()") {
		link = "<" + link + ">"
	}
	return link, nil
}

func (s *Section) date() (string, error) {
	if s.Date != "" {
		if err := repo.ValidateDate(s.Date); err != nil {
			return "", fmt.Errorf("report: section %s: %w", s.Name, err)
		}
		return s.Date, nil
	}
	d, err := repo.Date()
	if err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	return d, nil
}

func (s *Section) title() string {
	if s.Title != "" {
		return s.Title
	}
	return defaultTitle(s.Name)
}

// defaultTitle turns a snake_case name into a heading: "held_out" ->
// "Held out".
func defaultTitle(name string) string {
	t := strings.ReplaceAll(name, "_", " ")
	r := []rune(t)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

// Markdown returns the section: "## Title", the key-number table between
// its markers, then the body, blocks separated by blank lines.
func (s *Section) Markdown() string {
	var b strings.Builder
	b.WriteString("## " + s.title() + "\n\n")
	if len(s.numbers) > 0 {
		rows := make([][]string, len(s.numbers))
		for i, n := range s.numbers {
			rows[i] = []string{n.Key, n.Value, n.Note}
		}
		b.WriteString(keyNumbersStart + "\n")
		b.WriteString(Table([]string{"key number", "value", "note"}, rows))
		b.WriteString(keyNumbersEnd + "\n\n")
	}
	for _, blk := range s.body {
		b.WriteString(blk + "\n\n")
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// Write writes the section to reports/<date>/<Name>.md and returns the path.
// If an earlier call failed (see Err), Write writes nothing and returns that
// error, so a section with a missing figure never replaces a good one.
func (s *Section) Write() (string, error) {
	if s.err != nil {
		return "", s.err
	}
	date, err := s.date()
	if err != nil {
		return "", err
	}
	return WriteSection(date, s.Name, s.Markdown())
}

// WriteSection writes md to reports/<date>/<section>.md under the
// repository root, creating the directory, and returns the path. The
// section name must be snake_case and must not be "highlights", the
// assembled file.
func WriteSection(date, section, md string) (string, error) {
	if err := repo.ValidateName(section); err != nil {
		return "", fmt.Errorf("report: section: %w", err)
	}
	if section == highlightsName {
		return "", fmt.Errorf("report: section name %q is reserved for the assembled report", section)
	}
	dir, err := repo.ReportDir(date)
	if err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	path := filepath.Join(dir, section+".md")
	if err := writeFile(path, []byte(md)); err != nil {
		return "", err
	}
	return path, nil
}

// writeFile writes data to path atomically (repo.WriteFileAtomic), so
// readers never see half a file.
func writeFile(path string, data []byte) error {
	if err := repo.WriteFileAtomic(path, data, 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

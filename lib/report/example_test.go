package report_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/prefscope/prefscope/lib/repo"
	"github.com/prefscope/prefscope/lib/report"
)

func ExampleTable() {
	fmt.Print(report.Table(
		[]string{"field", "Pearson r"},
		[][]string{
			{"task_order", report.F(0.6234, 2)},
			{"phrasing", report.F(0.9112, 2)},
		}))
	// Output:
	// | field | Pearson r |
	// | --- | ---: |
	// | task_order | 0.62 |
	// | phrasing | 0.91 |
}

func ExampleSection() {
	s := report.NewSection("transitivity", "Transitivity")
	s.Number("hard-cycle rate", report.Pct(0.012, 1), "planted 1.0%")
	s.Text("Triads sampled uniformly; a hard cycle has all three edges with P > 0.5.")
	fmt.Print(s.Markdown())
	// Output:
	// ## Transitivity
	//
	// <!-- key-numbers -->
	// | key number | value | note |
	// | --- | ---: | --- |
	// | hard-cycle rate | 1.2% | planted 1.0% |
	// <!-- /key-numbers -->
	//
	// Triads sampled uniformly; a hard cycle has all three edges with P > 0.5.
}

func ExampleAssemble() {
	root, _ := os.MkdirTemp("", "prefscope")
	defer os.RemoveAll(root)
	os.Setenv(repo.EnvRoot, root)
	defer os.Unsetenv(repo.EnvRoot)

	s := report.NewSection("robustness", "Robustness")
	s.Date = "2026-03-09"
	s.Text("Utilities correlate across templates.")
	if _, err := s.Write(); err != nil {
		fmt.Println(err)
		return
	}
	path, err := report.Assemble("2026-03-09")
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := os.ReadFile(path)
	toc := strings.SplitN(string(data), "## Robustness", 2)[0]
	fmt.Print(toc)
	// Output:
	// # prefscope research highlights, 2026-03-09
	//
	// Report date: 2026-03-09. Sections run: 1 of 4.
	//
	// ## Contents
	//
	// - [Robustness](#robustness)
	// - Transitivity: not run
	// - Probe: not run
	// - Positivity: not run
	//
}

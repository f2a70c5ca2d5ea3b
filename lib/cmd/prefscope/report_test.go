package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/repo"
	"github.com/prefscope/prefscope/lib/report"
)

func TestReportWritesMarkdownAndHTML(t *testing.T) {
	root := t.TempDir()
	t.Setenv(repo.EnvRoot, root)
	if _, err := report.WriteSection("2026-03-09", "robustness", "## Robust\n\nUtility $\\mu_i$ per task.\n"); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"report", "-date", "2026-03-09"}, &stdout, &stderr); err != nil {
		t.Fatalf("report: %v (stderr %q)", err, stderr.String())
	}
	dir := filepath.Join(root, "reports", "2026-03-09")
	want := filepath.Join(dir, "highlights.md") + "\n" + filepath.Join(dir, "highlights.html") + "\n"
	if stdout.String() != want {
		t.Fatalf("stdout %q, want %q", stdout.String(), want)
	}
	page, err := os.ReadFile(filepath.Join(dir, "highlights.html"))
	if err != nil || !strings.Contains(string(page), "<math") || !strings.Contains(string(page), ">Robust</h2>") {
		t.Fatalf("highlights.html (%v) lacks the section or its formula", err)
	}
}

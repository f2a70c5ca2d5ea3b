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
	studyDir := filepath.Join(root, "data", "studies", "default")
	if err := os.MkdirAll(studyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	y := "name: default\nmodel: {kind: synth, seed: 7}\ntasks: {default: true}\nparts:\n  - {name: p, kind: pre_stated, tasks: {n: 4, seed: 1}, templates: {sample: 1, seed: 1}, samples: 1}\n"
	if err := os.WriteFile(filepath.Join(studyDir, "study.yaml"), []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
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
	md, err := os.ReadFile(filepath.Join(dir, "highlights.md"))
	if err != nil || !strings.Contains(string(md), "`synth:7` (simulated)") || !strings.Contains(string(md), "not from a language model") {
		t.Fatalf("highlights.md (%v) does not say its numbers are simulated:\n%s", err, md)
	}
}

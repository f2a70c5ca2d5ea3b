# prefscope: the main job, the tests and their setup. `make help` lists targets.
#
#   make highlights   run every notebook headless, assemble reports/<date>/highlights.md and .html
#   make test         go vet, gofmt, go test, the notebook runner's self-check, every notebook
#   make bench        benchmarks of lib/...
#   make gpu-check    scripts/gpu-check.sh (real model on a GPU: HF equality, steering cost)
#   make gpu-extract  batched extraction of 10,000 conversations against transformers (GPU)
#   make setup        install what the above need (idempotent; the others run it first)
#
# Variables: PREFSCOPE_DATE=YYYY-MM-DD (report date, default today),
# PREFSCOPE_STUDY=data/studies/<name> (study the notebooks read),
# GO_TEST_PKGS (default ./...), GO_TEST_TIMEOUT (default 60m).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Go and the tools installed by setup must be on PATH for the GoNB kernel and
# for every recipe, whatever the caller's PATH is.
GO_CMD := $(or $(shell command -v go 2>/dev/null),$(wildcard /usr/local/go/bin/go),go)
GOROOT_BIN := $(shell $(GO_CMD) env GOROOT 2>/dev/null)/bin
GO_TOOLS_BIN := $(or $(shell $(GO_CMD) env GOBIN 2>/dev/null),$(shell $(GO_CMD) env GOPATH 2>/dev/null)/bin)
export PATH := $(GOROOT_BIN):$(GO_TOOLS_BIN):$(PATH)

# One date for every notebook and the report.
PREFSCOPE_DATE ?= $(shell date -u +%F)
export PREFSCOPE_DATE

GO_TEST_PKGS ?= ./...
GO_TEST_TIMEOUT ?= 60m

# Prerequisites run one after the other, in the order written.
.NOTPARALLEL:

.PHONY: help setup highlights notebooks report test vet fmt-check go-test go-test-nocgo check-runner bench gpu-check gpu-extract

help:
	@echo "prefscope targets:"
	@echo "  make highlights   run all notebooks headless; figures in assets/, report in reports/$(PREFSCOPE_DATE)/highlights.md and .html"
	@echo "  make test         go vet, gofmt check, go test, notebook runner self-check, all notebooks"
	@echo "  make bench        go test -bench over lib/..."
	@echo "  make gpu-check    check a real model on the GPU (scripts/gpu-check.sh)"
	@echo "  make gpu-extract  time batched extraction against transformers on the GPU (scripts/gpu-check.sh extract)"
	@echo "  make setup        install Jupyter, GoNB, goimports, gopls and the gonb kernel (idempotent)"
	@echo "Set PREFSCOPE_DATE=YYYY-MM-DD for the report date (default: today)."

setup:
	@scripts/setup.sh

# ---- main job ---------------------------------------------------------------

highlights: setup notebooks report

notebooks:
	@mkdir -p assets reports/$(PREFSCOPE_DATE)
	@scripts/run-notebooks.sh

report:
	@if compgen -G 'lib/cmd/prefscope/*.go' >/dev/null; then \
		echo "report: go run ./lib/cmd/prefscope report (PREFSCOPE_DATE=$(PREFSCOPE_DATE))"; \
		go run ./lib/cmd/prefscope report; \
		echo "report: reports/$(PREFSCOPE_DATE)/highlights.md, and highlights.html (self-contained, to share)"; \
	else \
		echo "report: lib/cmd/prefscope does not exist yet, so reports/$(PREFSCOPE_DATE)/highlights.md and .html were not assembled;"; \
		echo "report: the notebooks' figures are in assets/ and their sections in reports/$(PREFSCOPE_DATE)/."; \
	fi

# ---- tests ------------------------------------------------------------------

test: setup vet fmt-check go-test go-test-nocgo check-runner notebooks

vet:
	@echo "test: go vet ./..."
	@go vet ./...

fmt-check:
	@echo "test: gofmt -l"
	@bad="$$(find . -name '*.go' -not -path './.git/*' -not -path './.cache/*' -not -path '*/testdata/*' -not -path '*/node_modules/*' -print0 | xargs -0 -r gofmt -l)"; \
	if [[ -n "$$bad" ]]; then echo "gofmt would reformat these files (run gofmt -w):"; echo "$$bad"; exit 1; fi

go-test:
	@echo "test: GOMLX_BACKEND=go go test -timeout $(GO_TEST_TIMEOUT) $(GO_TEST_PKGS)"
	@GOMLX_BACKEND=go go test -timeout $(GO_TEST_TIMEOUT) $(GO_TEST_PKGS)

# lib/probe's pure-Go fallback (gonum instead of OpenBLAS through cgo) must
# pass the same tests.
go-test-nocgo:
	@echo "test: CGO_ENABLED=0 go test ./lib/probe/ (pure-Go linear algebra)"
	@CGO_ENABLED=0 GOMLX_BACKEND=go go test -timeout $(GO_TEST_TIMEOUT) ./lib/probe/

check-runner:
	@scripts/check-runner.sh

bench:
	@GOMLX_BACKEND=$${GOMLX_BACKEND:-go} go test -run '^$$' -bench . ./lib/...

gpu-check:
	@# Builds the check program where Go is installed (the GPU machines may
	@# have none: then carry gpu-out/ there and run scripts/gpu-check.sh).
	@if command -v go >/dev/null 2>&1; then bash scripts/gpu-check.sh build; fi
	@bash scripts/gpu-check.sh

# Activation extraction on an 8B-shaped checkpoint, prefscope against transformers.
gpu-extract:
	@if command -v go >/dev/null 2>&1; then bash scripts/gpu-check.sh build; fi
	@bash scripts/gpu-check.sh extract

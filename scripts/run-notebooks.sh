#!/usr/bin/env bash
# run-notebooks.sh executes notebooks headless and fails if any cell shows an
# error, a Go panic or a non-zero exit (see scripts/run-notebooks.py for the
# exact checks). `make highlights` and `make test` call it after `make setup`.
#
# Usage: scripts/run-notebooks.sh [NOTEBOOK...]   (default: notebooks/*.ipynb)
#
# Environment:
#   PREFSCOPE_DATE          report date, YYYY-MM-DD (default: today); exported
#                           so that every notebook and the report agree
#   PREFSCOPE_CELL_TIMEOUT  per-cell timeout in seconds (default 1800)
#   PREFSCOPE_NB_OUT        where executed copies and kernel.log go
#                           (default .cache/notebooks, ignored by git)
#   PYTHON                  Python with nbconvert (default: /usr/bin/python3)
#
# Cells run with cwd = the notebook's directory, PREFSCOPE_ROOT = the
# repository root, and GOPROXY=off: a cell never downloads anything.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
	export PATH="/usr/local/go/bin:$PATH"
fi
bindir="$(go env GOBIN)"
[[ -n "$bindir" ]] || bindir="$(go env GOPATH)/bin"
export PATH="$(go env GOROOT)/bin:$bindir:$PATH"

export PREFSCOPE_DATE="${PREFSCOPE_DATE:-$(date -u +%F)}"
if ! [[ "$PREFSCOPE_DATE" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || ! date -d "$PREFSCOPE_DATE" >/dev/null 2>&1; then
	echo "run-notebooks: PREFSCOPE_DATE=$PREFSCOPE_DATE is not a date in YYYY-MM-DD form" >&2
	exit 2
fi
export PREFSCOPE_ROOT="$root"
export GOPROXY=off

py=""
for cand in ${PYTHON:-} /usr/bin/python3 python3; do
	if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import nbconvert, nbclient, nbformat' >/dev/null 2>&1; then
		py="$cand"
		break
	fi
done
if [[ -z "$py" ]]; then
	echo "run-notebooks: no Python with nbconvert, nbclient and nbformat; run 'make setup'" >&2
	exit 2
fi

if [[ $# -eq 0 ]]; then
	shopt -s nullglob
	set -- notebooks/*.ipynb
	shopt -u nullglob
	if [[ $# -eq 0 ]]; then
		echo "run-notebooks: no notebooks under notebooks/"
		exit 0
	fi
fi

out="${PREFSCOPE_NB_OUT:-.cache/notebooks}"
echo "run-notebooks: $# notebook(s), PREFSCOPE_DATE=$PREFSCOPE_DATE, executed copies in $out/"
exec "$py" scripts/run-notebooks.py --out "$out" --timeout "${PREFSCOPE_CELL_TIMEOUT:-1800}" "$@"

#!/usr/bin/env bash
# check-runner.sh proves that the notebook runner (scripts/run-notebooks.sh)
# fails on broken notebooks and passes a good one. `make test` runs it before
# the real notebooks; it takes a few seconds.
#
# Cases, in scripts/testdata/:
#   ok.ipynb                 first-cell import pattern + lib/task: must pass
#   panic.ipynb              runtime panic in cell 2: must fail there, and the
#                            cell after it must not run
#   compile.ipynb            compile error in cell 1
#   exit.ipynb               os.Exit(3) in cell 1
#   shellfail.ipynb          failing "!" shell command in cell 1
#   executed/panic.ipynb     saved outputs of a panic, checked with --scan-only
#                            (needs no kernel)
#   long.ipynb               code cells over 30 lines: the setup cell padded to
#                            31 lines (cell 0) and cell 3 (31 lines) must be
#                            named, cell 2 (exactly 30 lines, then blank ones)
#                            must not, and nothing may run
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
td=scripts/testdata
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
export PREFSCOPE_NB_OUT="$out"
py="${PYTHON:-/usr/bin/python3}"
command -v "$py" >/dev/null 2>&1 || py=python3

fails=0
fail() {
	echo "check-runner: FAIL: $*"
	fails=$((fails + 1))
}
# show OUTPUT: the runner's own output, printed only when a check failed.
show() { printf '%s\n' "$1" | sed 's/^/    | /'; }
# expect_in OUTPUT TEXT...: each TEXT must occur in OUTPUT.
expect_in() {
	local output="$1" t
	shift
	for t in "$@"; do
		grep -qF -- "$t" <<<"$output" || fail "runner output lacks: $t"
	done
}

echo "check-runner: 1/4 scan-only on saved panic outputs"
set +e
o="$("$py" scripts/run-notebooks.py --scan-only "$td/executed/panic.ipynb")"
rc=$?
set -e
before=$fails
[[ $rc == 1 ]] || fail "scan-only exit status $rc, want 1"
expect_in "$o" "panic.ipynb: cell 2: Go panic:" "panic: assignment to entry in nil map"
[[ $fails == "$before" ]] || show "$o"

echo "check-runner: 2/4 a good notebook passes"
set +e
o="$(scripts/run-notebooks.sh "$td/ok.ipynb")"
rc=$?
set -e
before=$fails
[[ $rc == 0 ]] || fail "ok.ipynb: exit status $rc, want 0"
expect_in "$o" "ok    $td/ok.ipynb"
[[ $fails == "$before" ]] || show "$o"

echo "check-runner: 3/4 broken notebooks fail, naming cell and line"
set +e
o="$(scripts/run-notebooks.sh "$td/panic.ipynb" "$td/compile.ipynb" "$td/exit.ipynb" "$td/shellfail.ipynb")"
rc=$?
set -e
before=$fails
[[ $rc == 1 ]] || fail "broken notebooks: exit status $rc, want 1"
expect_in "$o" \
	"$td/panic.ipynb: cell 2: Go panic:" "panic: assignment to entry in nil map" \
	"$td/compile.ipynb: cell 1: Go compile error:" "undefined: undefinedThing" \
	"$td/exit.ipynb: cell 1: non-zero exit:" "exit status 3" \
	"$td/shellfail.ipynb: cell 1: non-zero exit:" "deliberate shell failure" \
	"4 of 4 notebook(s) failed"
# The runner stops at the failing cell: panic.ipynb's cell 3 never ran.
"$py" - "$out/scripts__testdata__panic.ipynb" <<'PY' || fail "panic.ipynb: cell 3 ran after the panic"
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
sys.exit(0 if cells[3].get("execution_count") is None and not cells[3].get("outputs") else 1)
PY
[[ $fails == "$before" ]] || show "$o"

echo "check-runner: 4/4 code cells over 30 lines fail, before anything runs"
for mode in scan-only execute; do
	set +e
	if [[ $mode == scan-only ]]; then
		o="$("$py" scripts/run-notebooks.py --scan-only "$td/long.ipynb")"
	else
		o="$(scripts/run-notebooks.sh "$td/long.ipynb")"
	fi
	rc=$?
	set -e
	before=$fails
	[[ $rc == 1 ]] || fail "long.ipynb ($mode): exit status $rc, want 1"
	expect_in "$o" \
		"$td/long.ipynb: cell 0: code cell has 31 lines, at most 30" \
		"$td/long.ipynb: cell 3: code cell has 31 lines, at most 30"
	! grep -qF "$td/long.ipynb: cell 2:" <<<"$o" || fail "long.ipynb ($mode): cell 2 has 30 lines and must pass"
	[[ $fails == "$before" ]] || show "$o"
done
[[ ! -e "$out/scripts__testdata__long.ipynb" ]] || fail "long.ipynb: executed although its cells are too long"

if [[ $fails -gt 0 ]]; then
	echo "check-runner: $fails check(s) failed"
	exit 1
fi
echo "check-runner: ok: the runner passes $td/ok.ipynb and stops with the cell and line on a panic,"
echo "check-runner:     a compile error, a non-zero exit and a failing shell command, and fails"
echo "check-runner:     code cells over 30 lines before running them ($SECONDS s)"

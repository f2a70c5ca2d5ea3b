#!/usr/bin/env python3
"""Execute Jupyter notebooks headless and fail on any error a Go cell reports.

This is the notebook runner behind `make highlights` and `make test`
(scripts/run-notebooks.sh picks the Python and the environment). It executes
each notebook with nbconvert's ExecutePreprocessor (`jupyter nbconvert --execute`),
in the notebook's own directory, writes the executed copy under the output
directory (never over the source), and checks every cell's outputs as soon as
the cell finishes.

Why the check: GoNB reports a compile error as an `error` output, which
nbconvert notices, but a Go program that panics or exits non-zero only prints
to stderr ("panic: ...", "exit status 2"), and nbconvert carries on. So a cell
fails when it has an `error` output, or when any line of its text outputs
(streams, and display data with HTML tags removed) matches one of
FAILURE_PATTERNS. Execution stops at the first failing cell; the message names
the notebook, the cell index (0-based, as in the .ipynb file) and the line.

Before a notebook runs (and in --scan-only), every code cell is measured:
a cell of more than --max-cell-lines source lines (default 30; the setup
cell counts too, trailing blank lines do not) fails the notebook without
executing it, and every such cell is named. A cell does one step by calling
lib (DESIGN.md section 6); logic that needs more lines belongs in lib.

Usage:
  run-notebooks.py [--out DIR] [--timeout S] [--kernel-log FILE] [--max-cell-lines N] NOTEBOOK...
  run-notebooks.py --scan-only EXECUTED.ipynb...   # check saved outputs only

Exit status: 0 when every notebook ran clean, 1 when one failed, 2 on usage
errors. One line per notebook: status, path, wall time.
"""

import argparse
import html
import os
import re
import sys
import time

import nbformat

# Each pattern is matched against single lines of text output, after ANSI
# colour codes and HTML tags are removed.
FAILURE_PATTERNS = [
    ("Go panic", re.compile(r"^\s*panic: ")),
    ("Go runtime fatal error", re.compile(r"^\s*fatal error: ")),
    ("non-zero exit", re.compile(r"\bexit status [1-9][0-9]*\b")),
    ("GoNB could not build or run the cell", re.compile(r"\bfailed to run\b")),
    # Compiler and vet diagnostics: "./main.go:12:3: undefined: x",
    # "/tmp/gonb_1234/main.go:7:2: ...", possibly after GoNB's
    # "[[ Cell [3] Line 2 ]]" annotation.
    ("Go compile error", re.compile(r"(^|\s)\S*\.go:\d+:\d+: ")),
]

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TAG = re.compile(r"<[^>]*>")
STYLE = re.compile(r"<style\b.*?</style>", re.S | re.I)


class CellFailure(Exception):
    """A cell whose outputs show an error."""

    def __init__(self, cell_index, reason, line, context=()):
        super().__init__(f"cell {cell_index}: {reason}: {line}")
        self.cell_index = cell_index
        self.reason = reason
        self.line = line
        self.context = list(context)  # up to 4 lines printed just before it


def _text(value):
    return "".join(value) if isinstance(value, list) else str(value or "")


def output_lines(output):
    """Yields the text lines of one cell output, cleaned for matching."""
    kind = output.get("output_type")
    if kind == "stream":
        text = _text(output.get("text"))
    elif kind in ("display_data", "execute_result", "update_display_data"):
        data = output.get("data", {})
        if "text/html" in data:
            text = html.unescape(TAG.sub("", STYLE.sub("", _text(data["text/html"]))))
        else:
            text = _text(data.get("text/plain"))
    elif kind == "error":
        text = "\n".join(
            [f"{output.get('ename', '')}: {output.get('evalue', '')}"]
            + [_text(t) for t in output.get("traceback", [])]
        )
    else:
        text = ""
    for line in ANSI.sub("", text).splitlines():
        if line.strip():
            yield line.strip()


def coalesce_streams(outputs):
    """Merges consecutive outputs of the same stream, as a notebook shows them.

    GoNB sends a program's stderr in fragments ("panic: ", then the message),
    so lines can only be matched after merging.
    """
    merged = []
    for output in outputs:
        if (
            output.get("output_type") == "stream"
            and merged
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == output.get("name")
        ):
            merged[-1] = {
                "output_type": "stream",
                "name": output.get("name"),
                "text": _text(merged[-1].get("text")) + _text(output.get("text")),
            }
        else:
            merged.append(output)
    return merged


def check_cell(cell, cell_index):
    """Raises CellFailure if the executed code cell shows an error."""
    if cell.get("cell_type") != "code":
        return
    outputs = coalesce_streams(cell.get("outputs", []))
    # Report the most telling line: a matching text line if there is one
    # (GoNB puts the compiler message in a display before its error output),
    # else the error output itself.
    error = None
    for output in outputs:
        if output.get("output_type") == "error" and error is None:
            error = output
        lines = list(output_lines(output))
        for n, line in enumerate(lines):
            for reason, pattern in FAILURE_PATTERNS:
                if pattern.search(line):
                    raise CellFailure(cell_index, reason, line, lines[max(0, n - 4) : n])
    if error is not None:
        raise CellFailure(
            cell_index,
            "error output",
            f"{error.get('ename', '')}: {error.get('evalue', '')}".strip(),
        )


MAX_CELL_LINES = 30


class LongCells(Exception):
    """Code cells with more source lines than the limit."""

    def __init__(self, cells, limit):
        super().__init__(f"{len(cells)} code cell(s) over {limit} lines")
        self.cells = cells  # [(cell index, line count)]
        self.limit = limit


def code_lines(cell):
    """Number of source lines of a code cell, trailing blank lines not counted."""
    return len(_text(cell.get("source")).rstrip().splitlines())


def check_cell_lengths(nb, limit):
    """Raises LongCells naming every code cell over limit lines."""
    long = [
        (i, code_lines(cell))
        for i, cell in enumerate(nb.cells)
        if cell.get("cell_type") == "code" and code_lines(cell) > limit
    ]
    if long:
        raise LongCells(long, limit)


def scan_notebook(nb):
    """Raises CellFailure for the first failing cell of an executed notebook."""
    for i, cell in enumerate(nb.cells):
        check_cell(cell, i)


def execute_notebook(path, out_path, timeout, kernel_log, max_cell_lines=MAX_CELL_LINES):
    """Executes one notebook, saving the executed copy to out_path."""
    # nbconvert's ExecutePreprocessor is what `jupyter nbconvert --execute`
    # runs; calling it here adds a check after every cell.
    from nbconvert.preprocessors import ExecutePreprocessor

    nb = nbformat.read(path, as_version=4)
    check_cell_lengths(nb, max_cell_lines)
    kernel = nb.metadata.get("kernelspec", {}).get("name", "gonb")

    def on_cell_executed(cell, cell_index, execute_reply):
        check_cell(cell, cell_index)

    client = ExecutePreprocessor(
        timeout=timeout,
        startup_timeout=120,
        kernel_name=kernel,
        allow_errors=True,  # check_cell decides, and stops at the first failure
        on_cell_executed=on_cell_executed,
    )
    resources = {"metadata": {"path": os.path.dirname(os.path.abspath(path))}}
    # The GoNB kernel logs verbosely to the stderr it inherits; send that (and
    # nbclient's own log) to kernel_log so the terminal shows only results.
    saved_stderr = os.dup(2)
    with open(kernel_log, "a") as log:  # one section per notebook
        log.write(f"\n==== {path} {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        log.flush()
        os.dup2(log.fileno(), 2)
        try:
            client.preprocess(nb, resources)
        finally:
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
            os.makedirs(os.path.dirname(out_path), exist_ok=True)
            nbformat.write(nb, out_path)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--out", default=".cache/notebooks", help="directory for executed copies")
    ap.add_argument("--timeout", type=int, default=1800, help="per-cell timeout in seconds")
    ap.add_argument("--kernel-log", default=None, help="file for kernel stderr (default OUT/kernel.log)")
    ap.add_argument("--scan-only", action="store_true", help="check outputs of already executed notebooks")
    ap.add_argument(
        "--max-cell-lines", type=int, default=MAX_CELL_LINES, help="most source lines a code cell may have"
    )
    args = ap.parse_args(argv)

    kernel_log = args.kernel_log or os.path.join(args.out, "kernel.log")
    if not args.scan_only:
        os.makedirs(args.out, exist_ok=True)
        open(kernel_log, "w").close()  # one run's log, not every run's
    failed = 0
    for path in args.notebooks:
        start = time.monotonic()
        rel = os.path.relpath(path)
        out_path = os.path.join(args.out, rel.replace(os.sep, "__").lstrip("._"))
        try:
            if args.scan_only:
                nb = nbformat.read(path, as_version=4)
                check_cell_lengths(nb, args.max_cell_lines)
                scan_notebook(nb)
            else:
                execute_notebook(path, out_path, args.timeout, kernel_log, args.max_cell_lines)
        except LongCells as f:
            failed += 1
            print(f"FAIL  {rel}  {time.monotonic() - start:7.1f} s", flush=True)
            for index, n in f.cells:
                print(f"  {rel}: cell {index}: code cell has {n} lines, at most {f.limit}", flush=True)
            print("  (not executed: move the logic into lib and keep each cell to one step)", flush=True)
            continue
        except CellFailure as f:
            failed += 1
            print(f"FAIL  {rel}  {time.monotonic() - start:7.1f} s", flush=True)
            print(f"  {rel}: cell {f.cell_index}: {f.reason}:", flush=True)
            for line in f.context:
                print(f"    | {line}", flush=True)
            print(f"    > {f.line}", flush=True)
            if not args.scan_only:
                print(f"  executed copy: {out_path}; kernel log: {kernel_log}", flush=True)
            continue
        except Exception as e:  # kernel died, timeout, unreadable notebook...
            failed += 1
            print(f"FAIL  {rel}  {time.monotonic() - start:7.1f} s", flush=True)
            msg = str(e).strip().splitlines()
            print(f"  {rel}: {type(e).__name__}: {msg[-1] if msg else ''}", flush=True)
            if not args.scan_only:
                print(f"  executed copy: {out_path}; kernel log: {kernel_log}", flush=True)
            continue
        print(f"ok    {rel}  {time.monotonic() - start:7.1f} s", flush=True)
    if failed:
        print(f"{failed} of {len(args.notebooks)} notebook(s) failed", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

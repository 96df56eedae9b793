"""Execute the lessons headlessly: refresh them in place, write a run report, or time them.

    python scripts/run_notebooks.py --in-place notebooks/*.ipynb         # make notebooks
    python scripts/run_notebooks.py --report build/run_report.md ...     # make run
    python scripts/run_notebooks.py --bench benchmarks/notebook_times.md # make bench
    python scripts/run_notebooks.py --report r.md -p seed 7 notebooks/05_activations.ipynb

Kernels run offline (helpers.offline's guard is installed through an IPython start-up file) with
the working directory set to notebooks/. ``-p NAME VALUE`` injects parameters after the cell
tagged ``parameters``, as papermill does (papermill's own function is used for the injection).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import os
import platform
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for `helpers` when run outside the editable install

from helpers.offline import kernel_ipython_dir  # noqa: E402

KEY_LINE = re.compile(r"^(Claim \S+ (holds|FAILS):.*|Key figure: .*)$")
# TensorFlow's C++ start-up chatter that TF_CPP_MIN_LOG_LEVEL cannot silence; never worth saving.
TF_NOISE = re.compile(r"(All log messages before absl::InitializeLog|oneDNN custom operations"
                      r"|^\s*$|^WARNING: All log messages)")


def parse_value(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def clean(nb) -> None:
    """Drop what changes on every run and says nothing: timing metadata, TF start-up noise."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.outputs:
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                lines = [ln for ln in out.get("text", "").splitlines() if not TF_NOISE.search(ln)]
                if not lines:
                    continue
                out["text"] = "\n".join(lines) + "\n"
            kept.append(out)
        cell.outputs = kept


#: The kernel every lesson is saved with; `make venv` installs it under the same name and display
#: name, so JupyterLab does not mark a freshly opened lesson as modified.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def code_hashes(nb) -> list[str]:
    """sha256 of every code cell's source, in order (saved so a test can catch stale outputs)."""
    return [hashlib.sha256(cell.source.encode("utf-8")).hexdigest()[:16]
            for cell in nb.cells if cell.cell_type == "code"]


def stamp_saved(nb) -> None:
    """Record what the saved outputs were made from: the kernel and each code cell's hash."""
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("companion", {})["code_sha256"] = code_hashes(nb)


def key_lines(nb) -> list[str]:
    lines = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                lines += [ln for ln in out.get("text", "").splitlines() if KEY_LINE.match(ln)]
    return lines


def inject_parameters(nb, params: dict):
    """Papermill's own injection (a cell tagged ``injected-parameters`` after ``parameters``)."""
    from papermill.parameterize import parameterize_notebook

    # papermill expects the fields its own loader adds: tags on every cell, a papermill section
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    return parameterize_notebook(nb, params, kernel_name="python3", language="python")


def execute(path: Path, params: dict, timeout: int):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # a failed run must not leave the saved outputs of later cells behind
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    if params:
        nb = inject_parameters(nb, params)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as err:
        summary = str(err).strip().splitlines()
        error = summary[-1] if summary else repr(err)
    except Exception as err:  # a dead kernel, a timeout: report it, go on with the next lesson
        error = f"{type(err).__name__}: {err}"
    seconds = time.perf_counter() - start
    clean(nb)
    return nb, seconds, error


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--in-place", action="store_true", help="save executed notebooks in place")
    mode.add_argument("--report", type=Path, help="write a run report (markdown) here")
    mode.add_argument("--bench", type=Path, help="write a timing table (markdown) here")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("NAME", "VALUE"), help="inject a parameter (papermill style)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)

    notebooks = sorted(args.notebooks) or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    params = {name: parse_value(value) for name, value in args.parameter}
    if args.in_place and params:
        parser.error("--in-place saves the committed outputs: run it without -p.")

    ipython_dir = tempfile.TemporaryDirectory(prefix="ipython-offline-")
    os.environ["IPYTHONDIR"] = kernel_ipython_dir(ipython_dir.name)
    rows, failures = [], 0
    for path in notebooks:
        print(f"running {path} ...", flush=True)
        nb, seconds, error = execute(path, params, args.timeout)
        failures += error is not None
        status = "ok" if error is None else "FAILED"
        print(f"  {status} in {seconds:.1f} s" + (f": {error}" if error else ""), flush=True)
        if args.in_place and error is None:
            stamp_saved(nb)
            nbformat.write(nb, path)
        elif args.in_place:
            print(f"  not saved: {path} failed; fix it and run again.")
        rows.append((path.name, status, seconds, error, key_lines(nb)))

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    total = sum(r[2] for r in rows)
    if args.report:
        lines = [f"# Run report ({stamp})", "", f"Machine: {machine()}  ",
                 f"Parameters: {params or 'as committed'}", "",
                 "| notebook | status | seconds |", "|---|---|---:|"]
        lines += [f"| {n} | {s} | {t:.1f} |" for n, s, t, _, _ in rows]
        lines += [f"| **total** | {len(rows) - failures}/{len(rows)} ok | {total:.1f} |", ""]
        for name, _, _, error, keys in rows:
            lines += [f"## {name}", ""]
            if error:
                lines += [f"**Failed:** `{error}`", ""]
            lines += [f"- {k}" for k in keys] or ["- (no claims or key figures printed)"]
            lines.append("")
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text("\n".join(lines))
        print(f"report: {args.report}")
    if args.bench:
        lines = ["# Notebook execution times", "",
                 "Made by `make bench` (kernel start, imports and every cell; one notebook at a time).",
                 f"Measured {stamp} on {machine()}.", "",
                 "| notebook | status | seconds |", "|---|---|---:|"]
        lines += [f"| {n} | {s} | {t:.1f} |" for n, s, t, _, _ in rows]
        lines += [f"| **total** | | {total:.1f} |", ""]
        args.bench.parent.mkdir(parents=True, exist_ok=True)
        args.bench.write_text("\n".join(lines))
        print(f"timings: {args.bench}")
    print(f"{len(rows) - failures} passed, {failures} failed in {total:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

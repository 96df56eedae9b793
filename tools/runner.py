"""Execute the lessons headlessly: refresh them in place, report a run, time them, rerun or sweep one.

    python scripts/run_notebooks.py --in-place notebooks/*.ipynb          # make notebooks
    python scripts/run_notebooks.py --report build/run_report.md          # make run (+ .html)
    python scripts/run_notebooks.py --bench benchmarks/notebook_times.md  # make bench (time, memory)
    python scripts/run_notebooks.py --rerun 13 -p seed 7 -p n_per_class 20   # make rerun -> runs/
    python scripts/run_notebooks.py --sweep 09 --seeds 1 2 3 4 5 6 7 8       # make sweep -> runs/

Kernels run offline: every child Python gets the offline guard (tools.offline), and the
Makefile starts this script inside a loopback-only network namespace where the platform allows it.
``-p NAME VALUE`` injects parameters after the cell tagged ``parameters``, as papermill does
(papermill's own function is used for the injection). Working directory of a kernel: notebooks/.
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
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for `helpers` and `tools` when run outside the editable install

from tools.offline import guard_children  # noqa: E402
from tools import reports  # noqa: E402

KEY_LINE = re.compile(r"^(Claim \S+ (holds|FAILS):.*|Key figure: .*)$")
# TensorFlow's C++ start-up chatter that TF_CPP_MIN_LOG_LEVEL cannot silence; never worth saving.
TF_NOISE = re.compile(r"(All log messages before absl::InitializeLog|oneDNN custom operations"
                      r"|^\s*$|^WARNING: All log messages)")
#: The kernel every lesson is saved with; `make venv` installs it under the same name and display
#: name, so JupyterLab does not mark a freshly opened lesson as modified.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
RUNS = ROOT / "runs"


@dataclass
class Run:
    """One executed notebook: what a report needs."""

    path: Path
    nb: object
    seconds: float
    error: str | None
    peak_mb: float | None = None
    params: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def status(self) -> str:
        return "ok" if self.error is None else "FAILED"

    @property
    def keys(self) -> list[str]:
        return key_lines(self.nb)


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


class _PeakMemory(threading.Thread):
    """Samples the resident memory of a kernel and its children; ``peak_mb`` when stopped."""

    def __init__(self, km: KernelManager, interval: float = 0.1):
        super().__init__(daemon=True)
        self.km, self.interval, self.peak = km, interval, 0
        self._stop_event = threading.Event()

    def _pid(self):
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(process, "pid", None)

    def run(self) -> None:
        import psutil

        while not self._stop_event.wait(self.interval):
            pid = self._pid()
            if pid is None:
                continue
            try:
                proc = psutil.Process(pid)
                rss = proc.memory_info().rss + sum(c.memory_info().rss
                                                   for c in proc.children(recursive=True))
            except (psutil.Error, OSError):
                continue
            self.peak = max(self.peak, rss)

    def stop(self) -> float | None:
        self._stop_event.set()
        self.join(timeout=2)
        return self.peak / 2**20 if self.peak else None


def execute(path: Path, params: dict, timeout: int) -> Run:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # a failed run must not leave the saved outputs of later cells behind
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    if params:
        nb = inject_parameters(nb, params)
    # IPC transport: the kernel talks to us over a local socket file, not TCP (and says nothing
    # about unencrypted TCP on every start).
    ipc_dir = tempfile.TemporaryDirectory(prefix="kernel-")
    km = KernelManager(kernel_name="python3", transport="ipc")
    km.ip = str(Path(ipc_dir.name) / "ipc")
    client = NotebookClient(nb, km=km, timeout=timeout, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    memory = _PeakMemory(km)
    memory.start()
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as err:
        summary = str(err).strip().splitlines()
        error = summary[-1] if summary else repr(err)
    except Exception as err:  # a dead kernel, a timeout: report it, go on with the next lesson
        error = f"{type(err).__name__}: {err}"
    finally:
        seconds = time.perf_counter() - start
        peak = memory.stop()
        if km.has_kernel:  # we own the kernel manager, so nbclient leaves the kernel to us
            km.shutdown_kernel(now=True)
        ipc_dir.cleanup()
    clean(nb)
    return Run(path, nb, seconds, error, peak, params)


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


def find_notebook(spec: str) -> Path:
    """``13``, ``13_transfer_learning`` or a path -> the lesson's path (clear error otherwise)."""
    path = Path(spec)
    if path.suffix == ".ipynb" and path.exists():
        return path
    matches = sorted((ROOT / "notebooks").glob(f"{spec.zfill(2) if spec.isdigit() else spec}*.ipynb"))
    if len(matches) != 1:
        known = ", ".join(p.stem for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
        raise SystemExit(f"NB={spec!r} names {len(matches)} lessons; use a number such as 09 or a "
                         f"file name. Lessons: {known}")
    return matches[0]


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _run_all(paths, params, timeout, workers: int = 1, label=None) -> list[Run]:
    def one(item):
        path, p = item
        tag = label(p) if label else ""
        print(f"running {path.name}{tag} ...", flush=True)
        run = execute(path, p, timeout)
        print(f"  {run.status} {path.name}{tag} in {run.seconds:.1f} s"
              + (f": {run.error}" if run.error else ""), flush=True)
        return run

    items = [(p, params) for p in paths] if isinstance(params, dict) else list(zip(paths, params, strict=True))
    if workers == 1:
        return [one(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, items))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--in-place", action="store_true", help="save executed notebooks in place")
    mode.add_argument("--report", type=Path, help="write a run report here (markdown, and .html beside it)")
    mode.add_argument("--bench", type=Path, help="write a timing and memory table (markdown) here")
    mode.add_argument("--rerun", metavar="NB", help="run one lesson with -p parameters into runs/")
    mode.add_argument("--sweep", metavar="NB", help="run one lesson at every --seeds seed into runs/")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("NAME", "VALUE"), help="inject a parameter (papermill style)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3, 4, 5, 6, 7, 8])
    parser.add_argument("--workers", type=int, default=2, help="parallel kernels for --sweep")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)

    notebooks = sorted(args.notebooks) or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    params = {name: parse_value(value) for name, value in args.parameter}
    if args.in_place and params:
        parser.error("--in-place saves the committed outputs: run it without -p.")
    guard_dir = tempfile.TemporaryDirectory(prefix="companion-offline-")
    guard_children(guard_dir.name)

    if args.rerun or args.sweep:
        return _rerun_or_sweep(args, params)

    runs = _run_all(notebooks, params, args.timeout)
    failures = sum(r.error is not None for r in runs)
    for run in runs:
        if args.in_place and run.error is None:
            stamp_saved(run.nb)
            nbformat.write(run.nb, run.path)
        elif args.in_place:
            print(f"  not saved: {run.path} failed; fix it and run again.")
    total = sum(r.seconds for r in runs)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(reports.run_markdown(runs, _stamp(), machine(), params))
        html = args.report.with_suffix(".html")
        html.write_text(reports.run_html(runs, _stamp(), machine(), params), encoding="utf-8")
        print(f"report: {args.report} and {html} (open it in a browser)")
    if args.bench:
        args.bench.parent.mkdir(parents=True, exist_ok=True)
        args.bench.write_text(reports.bench_markdown(runs, _stamp(), machine()))
        print(f"timings: {args.bench}")
    print(f"{len(runs) - failures} passed, {failures} failed in {total:.1f} s")
    return 1 if failures else 0


def _rerun_or_sweep(args, params) -> int:
    path = find_notebook(args.rerun or args.sweep)
    folder = RUNS / f"{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}_{path.stem}"
    if args.sweep:
        folder = folder.with_name(folder.name + "_sweep")
    folder.mkdir(parents=True, exist_ok=True)
    if args.rerun:
        run = _run_all([path], params, args.timeout)[0]
        nbformat.write(run.nb, folder / path.name)
        (folder / "report.md").write_text(reports.run_markdown([run], _stamp(), machine(), params))
        (folder / "report.html").write_text(reports.run_html([run], _stamp(), machine(), params),
                                            encoding="utf-8")
        print("\n".join(run.keys) or "(no claims or key figures printed)")
        print(f"\nexecuted copy and report: {folder.relative_to(ROOT)}/")
        return 0 if run.error is None else 1
    seed_params = [{**params, "seed": s} for s in args.seeds]
    runs = _run_all([path] * len(seed_params), seed_params, args.timeout,
                    workers=max(1, args.workers), label=lambda p: f" (seed {p['seed']})")
    for run in runs:  # every executed copy, for a closer look at one seed
        nbformat.write(run.nb, folder / f"{path.stem}_seed{run.params['seed']}.ipynb")
    table = reports.sweep_table(runs)
    text = reports.sweep_markdown(path.name, runs, table, _stamp(), machine(), params)
    (folder / "sweep.md").write_text(text)
    (folder / "sweep.html").write_text(reports.sweep_html(path.name, runs, table, _stamp(),
                                                          machine(), params), encoding="utf-8")
    print(text)
    print(f"sweep table: {folder.relative_to(ROOT)}/sweep.md (and sweep.html)")
    return 0 if all(r.error is None for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())

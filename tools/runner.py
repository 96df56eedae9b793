"""Execute the lessons headlessly: refresh them in place, report a run, time them, rerun or sweep one.

    python scripts/run_notebooks.py --in-place notebooks/*.ipynb          # make notebooks
    python scripts/run_notebooks.py --report build/run_report.md          # make run (+ .html)
    python scripts/run_notebooks.py --bench benchmarks/notebook_times.md  # make bench (time, memory)
    python scripts/run_notebooks.py --rerun 13 -p seed 7 -p n_per_class 20   # make rerun -> runs/
    python scripts/run_notebooks.py --sweep 09 --seeds 1 2 3 4 5 6 7 8       # make sweep -> runs/
    python scripts/run_notebooks.py --claims 13 --seeds 1 ... 20              # make claims -> ledger

Sweeps and the ledger (``--sweep``, ``--claims``) run their (lesson, seed) tasks on Dask's
distributed scheduler (``tools.cluster``): a local cluster by default, ``--scheduler tcp://...``
for an existing one. The ledger itself is ``tools.ledger``; ``--bench`` is ``tools.bench``.

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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for `helpers` and `tools` when run outside the editable install

from helpers.claims import claim_and_figure_lines, parse_claims, parse_key_figures  # noqa: E402
from tools import reports  # noqa: E402
from tools.offline import guard_children  # noqa: E402

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
    #: peak memory per process (``_PeakMemory.summary``): kernel MB, children, their MB
    memory: dict = field(default_factory=dict)
    #: ``[(code cell index, seconds, first line), ...]`` when run with ``record_timing``
    cell_seconds: list = field(default_factory=list)
    #: what happened to the task around the notebook (a retry after a worker died, a lost task)
    note: str = ""
    lost: bool = False

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def status(self) -> str:
        return "LOST" if self.lost else "ok" if self.error is None else "FAILED"

    @property
    def text(self) -> str:
        return printed_text(self.nb)

    @property
    def keys(self) -> list[str]:
        """Every claim block's lines and every key figure line, as printed (helpers.claims)."""
        return claim_and_figure_lines(self.text)

    @property
    def claims(self):
        return parse_claims(self.text)

    @property
    def figures(self):
        return parse_key_figures(self.text)


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


def printed_text(nb) -> str:
    """Everything the notebook's code cells printed on stdout, cell after cell."""
    cells = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        text = "".join(out.get("text", "") for out in cell.get("outputs", [])
                       if out.get("output_type") == "stream" and out.get("name") == "stdout")
        if text:
            cells.append(text if text.endswith("\n") else text + "\n")
    return "".join(cells)


def key_lines(nb) -> list[str]:
    """The claim blocks' lines and key figure lines a notebook printed (``helpers.claims``'s parser)."""
    return claim_and_figure_lines(printed_text(nb))


def cell_seconds(nb) -> list[tuple[int, float, str]]:
    """``(code cell index, seconds, first line)`` per executed cell, from nbclient's timing metadata.

    Read before :func:`clean` drops the metadata (``record_timing=True`` records it).
    """
    times, index = [], -1
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        index += 1
        meta = cell.metadata.get("execution", {})
        start, end = meta.get("iopub.execute_input"), meta.get("shell.execute_reply")
        if start and end:
            seconds = (_when(end) - _when(start)).total_seconds()
            first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
            times.append((index, max(seconds, 0.0), first[:60]))
    return times


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def inject_parameters(nb, params: dict):
    """Papermill's own injection (a cell tagged ``injected-parameters`` after ``parameters``)."""
    from papermill.parameterize import parameterize_notebook

    # papermill expects the fields its own loader adds: tags on every cell, a papermill section
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    return parameterize_notebook(nb, params, kernel_name="python3", language="python")


class _PeakMemory(threading.Thread):
    """Samples the memory of a kernel and of its child processes, each process counted once.

    Every sample reads each live process's proportional set size (PSS: a page shared by ``n``
    processes, such as TensorFlow's libraries in lesson 18's worker processes, counts ``1/n`` in
    each), so the sum over the kernel and its children is the memory they take together, nothing
    counted twice. :meth:`summary` gives the peak of that sum, the kernel's own peak, and the
    children's peak sum, their number and the largest one (MB).
    """

    def __init__(self, km: KernelManager, interval: float = 0.1):
        super().__init__(daemon=True)
        self.km, self.interval = km, interval
        self.total = self.kernel = self.children = self.largest_child = 0
        self.pids: set[int] = set()
        self._stop_event = threading.Event()

    def _pid(self):
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(process, "pid", None)

    @staticmethod
    def _pss(proc) -> int:
        try:
            return proc.memory_full_info().pss
        except (AttributeError, OSError):  # no smaps (not Linux): resident size instead
            return proc.memory_info().rss

    def sample(self, pid: int) -> None:
        import psutil

        try:
            proc = psutil.Process(pid)
            kids = proc.children(recursive=True)
            kernel = self._pss(proc)
        except (psutil.Error, OSError):
            return
        sizes = {}
        for kid in kids:
            try:
                sizes[kid.pid] = self._pss(kid)
            except (psutil.Error, OSError):
                continue
        self.pids |= set(sizes)
        self.kernel = max(self.kernel, kernel)
        self.children = max(self.children, sum(sizes.values()))
        self.largest_child = max([self.largest_child, *sizes.values()])
        self.total = max(self.total, kernel + sum(sizes.values()))

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            pid = self._pid()
            if pid is not None:
                self.sample(pid)

    def stop(self) -> float | None:
        self._stop_event.set()
        self.join(timeout=2)
        return self.total / 2**20 if self.total else None

    def summary(self) -> dict:
        mb = 2**20
        return {"total_mb": round(self.total / mb, 1), "kernel_mb": round(self.kernel / mb, 1),
                "children": len(self.pids), "children_mb": round(self.children / mb, 1),
                "largest_child_mb": round(self.largest_child / mb, 1)}


def execute(path: Path, params: dict, timeout: int, *, record_timing: bool = False,
            env: dict | None = None) -> Run:
    """Run a notebook top to bottom in a fresh kernel of its own (working directory: its folder).

    ``record_timing``: keep each cell's seconds in ``Run.cell_seconds``. ``env``: the kernel's
    environment (default: this process's, which carries the offline guard once
    :func:`tools.offline.guard_children` ran). The saved copy never keeps timing metadata.
    """
    path = Path(path)
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
    client = NotebookClient(nb, km=km, timeout=timeout, record_timing=record_timing,
                            resources={"metadata": {"path": str(path.parent)}})
    memory = _PeakMemory(km)
    memory.start()
    start = time.perf_counter()
    error = None
    try:
        client.execute(**({"env": env} if env is not None else {}))
    except CellExecutionError as err:
        error = error_summary(err)
    except Exception as err:  # a dead kernel, a timeout: report it, go on with the next lesson
        error = f"{type(err).__name__}: {err}"
    finally:
        seconds = time.perf_counter() - start
        peak = memory.stop()
        if km.has_kernel:  # we own the kernel manager, so nbclient leaves the kernel to us
            km.shutdown_kernel(now=True)
        ipc_dir.cleanup()
    times = cell_seconds(nb) if record_timing else []
    clean(nb)
    return Run(path, nb, seconds, error, peak, params, memory.summary(), times)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def error_summary(err: CellExecutionError) -> str:
    """``AssertionError: Claim 6 FAILS: ...``: the exception's name and first line, no colours."""
    name, value = getattr(err, "ename", None), getattr(err, "evalue", None)
    if name:
        first = next((ln for ln in _ANSI.sub("", str(value or "")).splitlines() if ln.strip()), "")
        return f"{name}: {first}".rstrip(": ")
    lines = _ANSI.sub("", str(err)).strip().splitlines()
    return lines[-1] if lines else repr(err)


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


def run_serially(paths, params: dict, timeout: int, **options) -> list[Run]:
    """Each notebook in turn, one kernel at a time, in this process (``make run``, ``notebooks``)."""
    runs = []
    for path in paths:
        print(f"running {Path(path).name} ...", flush=True)
        run = execute(path, params, timeout, **options)
        print(f"  {run.status} {run.name} in {run.seconds:.1f} s"
              + (f": {run.error}" if run.error else ""), flush=True)
        runs.append(run)
    return runs


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--in-place", action="store_true", help="save executed notebooks in place")
    mode.add_argument("--report", type=Path, help="write a run report here (markdown, and .html beside it)")
    mode.add_argument("--bench", type=Path, help="write a timing and memory table (markdown) here")
    mode.add_argument("--rerun", metavar="NB", help="run one lesson with -p parameters into runs/")
    mode.add_argument("--sweep", metavar="NB", help="run one lesson at every --seeds seed into runs/")
    mode.add_argument("--claims", nargs="*", metavar="NB",
                      help="the 20-seed ledger: run these lessons (default: all) at every --seeds "
                           "seed and rewrite their rows of benchmarks/claims.md and claims.json")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("NAME", "VALUE"), help="inject a parameter (papermill style)")
    parser.add_argument("--seeds", nargs="+", type=int, default=None,
                        help="seeds of --sweep (default 1..8) and --claims (default 1..20)")
    parser.add_argument("--workers", type=int, default=2,
                        help="worker processes of the local Dask cluster (--sweep, --claims)")
    parser.add_argument("--scheduler", default=os.environ.get("SCHEDULER") or None,
                        help="address of an existing Dask scheduler (tcp://host:8786); default: "
                             "a local cluster of --workers processes")
    parser.add_argument("--base", default=None,
                        help="--bench only: also run the lessons of this commit, side by side")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)

    notebooks = sorted(args.notebooks) or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    params = {name: parse_value(value) for name, value in args.parameter}
    if args.in_place and params:
        parser.error("--in-place saves the committed outputs: run it without -p.")
    if args.base and not args.bench:
        parser.error("--base compares benchmarks: use it with --bench.")
    guard_dir = tempfile.TemporaryDirectory(prefix="companion-offline-")
    guard_children(guard_dir.name)

    if args.claims is not None:
        from tools import ledger

        paths = [find_notebook(spec) for spec in args.claims] if args.claims else notebooks
        return ledger.main(paths, seeds=args.seeds or list(range(1, 21)), params=params,
                           timeout=args.timeout, scheduler=args.scheduler, workers=args.workers)
    if args.rerun or args.sweep:
        return _rerun_or_sweep(args, params)
    if args.bench:
        from tools import bench

        return bench.main(notebooks, args.bench, params=params, timeout=args.timeout,
                          base=args.base)

    runs = run_serially(notebooks, params, args.timeout)
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
    print(f"{len(runs) - failures} passed, {failures} failed in {total:.1f} s")
    return 1 if failures else 0


def _rerun_or_sweep(args, params) -> int:
    path = find_notebook(args.rerun or args.sweep)
    folder = RUNS / f"{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}_{path.stem}"
    if args.sweep:
        folder = folder.with_name(folder.name + "_sweep")
    folder.mkdir(parents=True, exist_ok=True)
    if args.rerun:
        run = run_serially([path], params, args.timeout)[0]
        nbformat.write(run.nb, folder / path.name)
        (folder / "report.md").write_text(reports.run_markdown([run], _stamp(), machine(), params))
        (folder / "report.html").write_text(reports.run_html([run], _stamp(), machine(), params),
                                            encoding="utf-8")
        print("\n".join(run.keys) or "(no claims or key figures printed)")
        print(f"\nexecuted copy and report: {folder.relative_to(ROOT)}/")
        return 0 if run.error is None else 1
    from tools import cluster

    seeds = args.seeds or [1, 2, 3, 4, 5, 6, 7, 8]
    tasks = [cluster.Task(path, {**params, "seed": s}, args.timeout) for s in seeds]
    runs = cluster.run_tasks(tasks, scheduler=args.scheduler, workers=args.workers)
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

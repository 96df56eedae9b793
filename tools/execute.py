"""Execute one lesson in a kernel of its own, offline, and read what it printed.

The core that every way of running lessons shares (``tools.runner``'s commands, ``tools.bench``,
``tools.cluster``'s Dask tasks, ``tools.ledger``): :func:`execute` runs a notebook (optionally with
papermill-style parameters) and returns a :class:`Run` (the executed notebook, seconds, error, peak
memory, per-cell times); :func:`clean` drops what changes on every run; :func:`code_hashes` and
:func:`stamp_saved` record what the saved outputs were made from. Working directory of a kernel:
the notebook's folder.
"""

from __future__ import annotations

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
from datetime import datetime
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for `helpers` and `tools` when run outside the editable install

from helpers.claims import claim_and_figure_lines, parse_claims, parse_key_figures  # noqa: E402

# TensorFlow's C++ start-up chatter that TF_CPP_MIN_LOG_LEVEL cannot silence; never worth saving.
TF_NOISE = re.compile(r"(All log messages before absl::InitializeLog|oneDNN custom operations"
                      r"|^\s*$|^WARNING: All log messages)")
#: The kernel every lesson is saved with; `make venv` installs it under the same name and display
#: name, so JupyterLab does not mark a freshly opened lesson as modified.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


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

    #: Seconds between samples: reading a process's memory map takes its memory lock, and at
    #: 10 samples a second two kernels on two cores ran measurably slower.
    INTERVAL = 0.5

    def __init__(self, km: KernelManager, interval: float = INTERVAL):
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



"""pytest plugin (loaded by conftest.py): a balanced ``make test``, and how balanced it was.

``make test`` runs ``pytest -n 2 --dist loadfile``: every file (a notebook, with all its cells, in
one kernel) goes to one worker, and a worker asks for the next file when it runs out. Files are
handed out in collection order, so the order decides whether one worker still runs a long lesson
while the other waits. This plugin

- orders the files **longest first**, keeping each file's items together and in order: by each
  file's seconds in the last full run on this machine (``build/test_balance.json``) where there was
  one, else a notebook's seconds in ``benchmarks/notebook_times.md``. Files with no known time (the
  unit test files of a fresh clone, one of which can take a minute) go *before* the others, in
  collection order, so that what is left at the end is the shortest notebooks, which even out
  the two workers. xdist must not reorder them again (``--no-loadscope-reorder``, as the Makefile
  passes). ``--balance-order collection`` turns it off;
- records, on the controller, each worker's busy time (the sum of its tests' setup, call and
  teardown) and prints one line at the end: the run's wall time, and per worker its busy time,
  its idle time and how long it waited at the end for the other. The same figures, and every
  file's seconds, go to ``build/test_balance.json``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "build" / "test_balance.json"


def pytest_addoption(parser):
    group = parser.getgroup("balance", "spreading notebooks over xdist workers")
    group.addoption("--balance-order", choices=["longest-first", "collection"],
                    default="longest-first",
                    help="order of test files: longest notebook first (default) or as collected")


def order_items(items: list, times: dict[str, float]) -> list:
    """Items grouped by file: files of unknown time first (collection order), then by descending
    seconds. ``times`` is keyed by the file's path as in the node ids (``tests/test_x.py``) or by
    its name (``05_x.ipynb``, as in the bench table); the path wins.
    """
    first: dict[str, int] = {}
    for position, item in enumerate(items):
        first.setdefault(_file(item), position)

    def key(item):
        path = _file(item)
        seconds = times.get(path, times.get(Path(path).name))
        return (seconds is not None, -(seconds or 0.0), first[path])

    return sorted(items, key=key)


def known_times() -> dict[str, float]:
    """Notebook seconds from the bench table, then every file's seconds from the last full run."""
    from tools.reports import read_times

    times = dict(read_times())
    try:
        last = json.loads(REPORT.read_text(encoding="utf-8")).get("files", {})
        times.update({path: float(sec) for path, sec in last.items()})
    except (OSError, ValueError, AttributeError):
        pass
    return times


def _file(item) -> str:
    return item.nodeid.split("::", 1)[0]


@pytest.hookimpl(trylast=True)  # after the exercise harness has added its items to each notebook
def pytest_collection_modifyitems(session, config, items):
    if config.getoption("balance_order") != "longest-first":
        return
    items[:] = order_items(items, known_times())


class BalanceTimer:
    """Per-worker busy time, from the test reports the controller receives."""

    def __init__(self):
        self.started = time.time()
        self.workers: dict[str, dict] = {}
        self.files: dict[str, float] = {}

    def pytest_runtest_logreport(self, report):
        node = getattr(report, "node", None)
        worker = getattr(getattr(node, "gateway", None), "id", None) or "main"
        entry = self.workers.setdefault(worker, {"busy": 0.0, "last": self.started, "files": []})
        entry["busy"] += getattr(report, "duration", 0.0) or 0.0
        entry["last"] = max(entry["last"], getattr(report, "stop", None) or time.time())
        path = report.nodeid.split("::", 1)[0]
        self.files[path] = self.files.get(path, 0.0) + (getattr(report, "duration", 0.0) or 0.0)
        if not entry["files"] or entry["files"][-1] != path:
            entry["files"].append(path)

    def figures(self, ended: float | None = None) -> dict:
        ended = ended or time.time()
        wall = ended - self.started
        return {"wall": wall, "workers": {
            name: {"busy": w["busy"], "idle": max(wall - w["busy"], 0.0),
                   "waited_at_end": max(ended - w["last"], 0.0), "files": len(w["files"]),
                   "last_file": w["files"][-1] if w["files"] else None}
            for name, w in sorted(self.workers.items())},
            "files": {path: round(sec, 2) for path, sec in sorted(self.files.items())}}

    def pytest_terminal_summary(self, terminalreporter):
        if len(self.workers) < 2:
            return
        figures = self.figures()
        terminalreporter.write_line(summary_line(figures))
        if terminalreporter.config.option.keyword or terminalreporter.config.option.markexpr:
            return  # a partial run: keep the last full run's file times
        try:
            REPORT.parent.mkdir(parents=True, exist_ok=True)
            REPORT.write_text(json.dumps(figures, indent=1) + "\n")
        except OSError:
            pass


def summary_line(figures: dict) -> str:
    parts = [f"{name} busy {w['busy']:.0f} s, idle {w['idle']:.0f} s (waited {w['waited_at_end']:.0f}"
             f" s at the end)" for name, w in figures["workers"].items()]
    return f"worker balance: wall {figures['wall']:.0f} s; " + "; ".join(parts)


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist)
        config.pluginmanager.register(BalanceTimer(), "companion-balance-timer")

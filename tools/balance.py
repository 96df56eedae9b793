"""pytest plugin (loaded by conftest.py): a balanced ``make test``, and how balanced it was.

``make test`` runs ``pytest -n 2 --dist loadfile``: every file (a notebook, with all its cells, in
one kernel) goes to one worker, and a worker asks for the next file when it runs out. Files are
handed out in collection order, so the order decides whether one worker still runs a long lesson
while the other waits. This plugin

- orders the files **longest first** (the seconds of ``benchmarks/notebook_times.md``; unit test
  files, which take a few seconds each, after the notebooks, in their own order), keeping each
  file's items together and in order; xdist must not reorder them again
  (``--no-loadscope-reorder``, as the Makefile passes). ``--balance-order collection`` turns it off;
- records, on the controller, each worker's busy time (the sum of its tests' setup, call and
  teardown) and prints one line at the end: the run's wall time, and per worker its busy time,
  its idle time and how long it waited at the end for the other. The same figures go to
  ``build/test_balance.json``.
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
    """Items grouped by file, files by descending seconds (unknown files: 0 s, collection order)."""
    first: dict[str, int] = {}
    for position, item in enumerate(items):
        first.setdefault(_file(item), position)
    return sorted(items, key=lambda item: (-times.get(Path(_file(item)).name, 0.0),
                                           first[_file(item)]))


def _file(item) -> str:
    return item.nodeid.split("::", 1)[0]


@pytest.hookimpl(trylast=True)  # after the exercise harness has added its items to each notebook
def pytest_collection_modifyitems(session, config, items):
    if config.getoption("balance_order") != "longest-first":
        return
    from tools.reports import read_times

    items[:] = order_items(items, read_times())


class BalanceTimer:
    """Per-worker busy time, from the test reports the controller receives."""

    def __init__(self):
        self.started = time.time()
        self.workers: dict[str, dict] = {}

    def pytest_runtest_logreport(self, report):
        node = getattr(report, "node", None)
        worker = getattr(getattr(node, "gateway", None), "id", None) or "main"
        entry = self.workers.setdefault(worker, {"busy": 0.0, "last": self.started, "files": []})
        entry["busy"] += getattr(report, "duration", 0.0) or 0.0
        entry["last"] = max(entry["last"], getattr(report, "stop", None) or time.time())
        path = report.nodeid.split("::", 1)[0]
        if not entry["files"] or entry["files"][-1] != path:
            entry["files"].append(path)

    def figures(self, ended: float | None = None) -> dict:
        ended = ended or time.time()
        wall = ended - self.started
        return {"wall": wall, "workers": {
            name: {"busy": w["busy"], "idle": max(wall - w["busy"], 0.0),
                   "waited_at_end": max(ended - w["last"], 0.0), "files": len(w["files"]),
                   "last_file": w["files"][-1] if w["files"] else None}
            for name, w in sorted(self.workers.items())}}

    def pytest_terminal_summary(self, terminalreporter):
        if len(self.workers) < 2:
            return
        figures = self.figures()
        terminalreporter.write_line(summary_line(figures))
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

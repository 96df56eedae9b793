"""make bench (tools.bench): the fixed reference workload, the base commit's worktree."""

import subprocess
import sys
from pathlib import Path

import nbformat

from tools import bench

ROOT = Path(__file__).resolve().parent.parent


def test_reference_workload_is_fixed(tmp_path):
    first = nbformat.read(bench.reference_notebook(tmp_path / "a"), as_version=4)
    again = nbformat.read(bench.reference_notebook(tmp_path / "b"), as_version=4)
    assert [c.source for c in first.cells] == [c.source for c in again.cells] == bench.REFERENCE_CELLS
    assert "model.fit(" in bench.REFERENCE_CELLS[2] and "np.linalg.svd" in bench.REFERENCE_CELLS[1]


def test_base_commit_in_a_worktree_and_its_kernels_import_its_helpers():
    folder = bench.worktree("HEAD")
    try:
        assert (folder / "helpers" / "__init__.py").exists() and folder.parent == ROOT / "build"
        assert bench.worktree("HEAD") == folder, "made once, reused"
        env = bench.base_environment(folder)
        parts = env["PYTHONPATH"].split(":")
        guard = [i for i, p in enumerate(parts) if p.endswith("offline-site")]
        assert parts.index(str(folder)) > max(guard, default=-1), "the offline guard stays first"
        out = subprocess.run([sys.executable, "-c", "import helpers; print(helpers.__file__)"],
                             env=env, capture_output=True, text=True, cwd=folder / "notebooks")
        assert out.stdout.strip().startswith(str(folder)), out.stderr
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, check=False)


def test_the_committed_table_keeps_every_lesson_under_2_gb():
    from tools.reports import BUDGET_MB, TIMES, read_times_from_text

    peaks = read_times_from_text(TIMES.read_text(encoding="utf-8"), "peak MB")
    assert peaks, "benchmarks/notebook_times.md has no peak MB column: run make bench"
    over = {name: mb for name, mb in peaks.items() if mb > BUDGET_MB}
    assert not over, f"lessons over the 2 GB budget: {over}"

"""``make bench``: every lesson's time, in seconds and in reference units, memory, slowest cells.

    python scripts/run_notebooks.py --bench benchmarks/notebook_times.md            # make bench
    python scripts/run_notebooks.py --bench benchmarks/notebook_times.md --base HEAD~3

Seconds alone do not compare across machines (the same lessons took twice as long on another
machine of the same kind), so the same run also times a fixed **reference workload**: a notebook
made here, never edited by a lesson (numpy matrix work and a tiny Keras fit, in a kernel started
like a lesson's, imports included), once before the lessons and once after. A lesson's time in
*reference units* is its seconds over the reference's mean seconds; the spread of the two reference
runs shows how steady the machine was.

``--base COMMIT`` checks that commit out in a ``git worktree`` under ``build/`` and runs its lessons
and the working tree's side by side, one lesson at a time, alternating which of the two goes
first, in the same venv (the base's kernels import the base's ``helpers``), and prints the ratios.
"""

from __future__ import annotations

import os
import statistics
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"

#: The reference workload. Fixed: changing it changes the unit (say so in the commit if you must).
REFERENCE_CELLS = [
    "import time\nimport numpy as np\nimport keras\nkeras.utils.set_random_seed(0)",
    # numpy: matrix products, a solve and an SVD on fixed random matrices (OPENBLAS_NUM_THREADS=1)
    "start = time.perf_counter()\nrng = np.random.default_rng(0)\n"
    "a = rng.standard_normal((300, 300))\nfor _ in range(40):\n"
    "    b = np.tanh(a @ a / 300.0)\n    x = np.linalg.solve(b + 300 * np.eye(300), a[:, 0])\n"
    "    u, s, vt = np.linalg.svd(b[:150, :150])\n"
    "print(f'numpy part: {time.perf_counter() - start:.2f} s')",
    # Keras: a tiny dense network, a fixed number of epochs on fixed synthetic data
    "start = time.perf_counter()\nx = rng.standard_normal((2000, 20)).astype('float32')\n"
    "y = (x[:, :5].sum(axis=1) > 0).astype('float32')\n"
    "model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(32, activation='relu'),\n"
    "                          keras.layers.Dense(1, activation='sigmoid')])\n"
    "model.compile(optimizer='adam', loss='binary_crossentropy')\n"
    "model.fit(x, y, epochs=15, batch_size=64, verbose=0)\n"
    "print(f'keras part: {time.perf_counter() - start:.2f} s')",
]


def reference_notebook(folder: Path = BUILD / "bench") -> Path:
    """Write the reference notebook (same cells every time) and return its path."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in REFERENCE_CELLS]
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "reference_workload.ipynb"
    nbformat.write(nb, path)
    return path


#: What the reference runs printed (their numpy and Keras parts), for the table.
REFERENCE_PARTS: list[str] = []


def time_reference(timeout: int = 600) -> float:
    """Seconds of one reference run (kernel start to last cell); raises if it failed."""
    from tools.execute import execute

    run = execute(reference_notebook(), {}, timeout)
    if run.error:
        raise RuntimeError(f"the reference workload failed: {run.error}")
    parts = run.text.strip().replace("\n", ", ")
    REFERENCE_PARTS.append(f"{run.seconds:.2f} s ({parts})")
    print(f"  reference workload: {REFERENCE_PARTS[-1]}", flush=True)
    return run.seconds


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _one(path: Path, params: dict, timeout: int, env: dict | None = None, tag: str = ""):
    from tools.execute import execute

    print(f"running {path.name}{tag} ...", flush=True)
    run = execute(path, params, timeout, record_timing=True, env=env)
    total = (run.memory or {}).get("total_mb")
    print(f"  {run.status} {path.name}{tag} in {run.seconds:.1f} s"
          + (f", peak {total:.0f} MB" if total else "")
          + (f": {run.error}" if run.error else ""), flush=True)
    return run


def worktree(commit: str) -> Path:
    """A detached ``git worktree`` of ``commit`` under build/ (made once, reused)."""
    sha = subprocess.run(["git", "rev-parse", "--verify", f"{commit}^{{commit}}"], cwd=ROOT,
                         capture_output=True, text=True)
    if sha.returncode != 0:
        raise SystemExit(f"BASE={commit!r} is not a commit here: {sha.stderr.strip()}")
    sha = sha.stdout.strip()
    folder = BUILD / f"bench-base-{sha[:12]}"
    if not (folder / ".git").exists():
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=False)
        subprocess.run(["git", "worktree", "add", "--detach", "--force", str(folder), sha],
                       cwd=ROOT, check=True, capture_output=True)
    return folder


def base_environment(folder: Path) -> dict:
    """This process's environment (with the offline guard) but ``helpers`` from ``folder``."""
    env = dict(os.environ)
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    guard = [p for p in parts if p.endswith("offline-site")]
    env["PYTHONPATH"] = os.pathsep.join(guard + [str(folder)] + [p for p in parts if p not in guard])
    return env


def main(notebooks, out: Path, *, params: dict, timeout: int, base: str | None = None) -> int:
    from tools import reports
    from tools.execute import machine

    reference = [time_reference(timeout)]
    pairs, runs = [], []
    if base:
        folder = worktree(base)
        env = base_environment(folder)
        names = {Path(p).name for p in notebooks}
        every = {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
        if names == every:  # all lessons: also those only the base has
            names |= {p.name for p in (folder / "notebooks").glob("[0-9][0-9]_*.ipynb")}
        names = sorted(names)
        for i, name in enumerate(names):
            new_path, base_path = ROOT / "notebooks" / name, folder / "notebooks" / name
            order = ["base", "new"] if i % 2 == 0 else ["new", "base"]
            got = {}
            for side in order:
                if side == "base" and base_path.exists():
                    got[side] = _one(base_path, params, timeout, env, f" ({base})")
                elif side == "new" and new_path.exists():
                    got[side] = _one(new_path, params, timeout, None, " (working tree)")
            pairs.append((name, got.get("base"), got.get("new")))
            if got.get("new") is not None:
                runs.append(got["new"])
    else:
        runs = [_one(Path(p), params, timeout) for p in notebooks]
    reference.append(time_reference(timeout))
    stamp, where = _stamp(), machine()
    every = {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    if Path(out).resolve() == (ROOT / "benchmarks" / "notebook_times.md").resolve() \
            and {r.name for r in runs} != every:
        out = BUILD / "notebook_times_partial.md"  # the committed table holds every lesson
        print(f"not every lesson ran: the table goes to {out}, benchmarks/notebook_times.md is kept")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(reports.bench_markdown(runs, stamp, where, reference, REFERENCE_PARTS),
                   encoding="utf-8")
    print(f"timings: {out}")
    unit = statistics.mean(reference)
    total = sum(r.seconds for r in runs)
    print(f"reference workload: {', '.join(f'{x:.2f}' for x in reference)} s; lessons: "
          f"{total:.1f} s = {total / unit:.1f} reference units")
    if base:
        text = reports.compare_markdown(pairs, stamp, where, base, "working tree", reference)
        compare = BUILD / "bench_compare.md"
        compare.write_text(text, encoding="utf-8")
        print(text)
        print(f"side by side: {compare}")
    over = [f"{r.name} ({r.memory['total_mb']:.0f} MB)" for r in runs
            if (r.memory or {}).get("total_mb", 0) > reports.BUDGET_MB]
    if over:
        print(f"over the 2 GB budget: {', '.join(over)}")
    failed = [r.name for r in runs if r.error]
    return 1 if failed or over else 0

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
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for `helpers` and `tools` when run outside the editable install

from tools import reports  # noqa: E402
from tools.execute import find_notebook, machine, parse_value, run_serially, stamp_saved  # noqa: E402
from tools.offline import guard_children  # noqa: E402

RUNS = ROOT / "runs"


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


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

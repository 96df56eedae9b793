"""(lesson, seed) tasks on Dask's distributed scheduler: ``make sweep`` and ``make claims``.

    runs = run_tasks([Task(path, {"seed": s}, timeout=600) for s in range(1, 21)])
    runs = run_tasks(tasks, scheduler="tcp://host:8786")      # an existing cluster

Each task executes one notebook in a kernel of its own (``tools.execute.execute``) on a Dask worker
and returns the runner's ``Run`` (executed notebook, seconds, error, memory). By default the tasks
run on a ``distributed.LocalCluster`` of ``workers`` processes with one thread each (each task
starts a TensorFlow kernel that uses the cores itself); with ``scheduler`` they run on an existing
cluster (``dask scheduler`` + ``dask worker ADDRESS --nthreads 1`` on each machine).

What a worker needs: the same packages (``make venv`` from the same ``requirements.lock``), the
repository at the same path (the tasks name notebooks by their absolute path; ``helpers`` and
``tools`` import from it), and nothing else: the plugin :class:`CompanionWorker` that the client
registers on every worker sets the lessons' numerical environment (thread counts, hash seed) and the
offline guard (``tools.offline.guard_children``: every kernel the worker starts refuses non-loopback
connections, DNS look-ups and downloads; a worker whose scheduler is on loopback also blocks them
itself, a worker of a remote cluster must talk to its scheduler over the network).

Nothing is lost: a notebook that raises gives a ``Run`` with its error (the lesson keeps its row); a
worker that dies while running a task makes the scheduler run it again on another worker, once
(``SCHEDULER_CONFIG`` on the local cluster; start an external scheduler with
``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1 DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION=1.0``); the ``Run`` then says so in ``note``,
and a task whose workers died twice comes back as a ``Run`` marked ``lost`` with the reason.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from tools.offline import ENV_FLAG

ROOT = Path(__file__).resolve().parent.parent

#: The environment that decides a lesson's numbers (see the Makefile); copied to every worker.
NUMERIC_ENV = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "TF_NUM_INTRAOP_THREADS",
               "TF_NUM_INTEROP_THREADS", "PYTHONHASHSEED", "OPENBLAS_NUM_THREADS",
               "NPY_DISABLE_CPU_FEATURES", "PYDEVD_DISABLE_FILE_VALIDATION")
#: How often the scheduler runs a task again after the worker running it died.
RETRIES_AFTER_A_DEATH = 1
#: The scheduler settings the reports rely on (an external scheduler: the same, as environment
#: variables DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1 and ..._WORKER_SATURATION=1.0).
#: Saturation 1.0: a worker holds only the task it runs (one thread: one task), so a worker's death
#: is charged to that task alone, not to one queued behind it.
SCHEDULER_CONFIG = {"distributed.scheduler.allowed-failures": RETRIES_AFTER_A_DEATH,
                    "distributed.scheduler.worker-saturation": 1.0}


@dataclass
class Task:
    """One notebook run: the notebook, its parameters (``seed`` among them), seconds per cell."""

    path: Path
    params: dict = field(default_factory=dict)
    timeout: int = 600
    record_timing: bool = False

    @property
    def key(self) -> str:
        tag = "-".join(f"{k}={v}" for k, v in sorted(self.params.items())) or "as-committed"
        return f"{Path(self.path).stem}-{tag}".replace(" ", "")

    @property
    def label(self) -> str:
        seed = self.params.get("seed")
        return Path(self.path).stem + (f" seed {seed}" if seed is not None else "")


def _execute(path: str, params: dict, timeout: int, record_timing: bool):
    """What a worker runs: the notebook in a kernel of its own (an importable, module-level function)."""
    from tools.execute import execute

    if not Path(path).exists():
        raise FileNotFoundError(
            f"{path} is not on this worker ({os.uname().nodename}): every worker needs the "
            f"repository at the same path as the client (see tools/cluster.py).")
    if os.environ.get(ENV_FLAG) != "1":
        raise RuntimeError("this worker has no offline guard: register CompanionWorker first.")
    run = execute(Path(path), params, timeout, record_timing=record_timing)
    run.note = f"worker {os.uname().nodename}:{os.getpid()}"
    return run


def _is_loopback(address: str | None) -> bool:
    host = urlparse(address or "").hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - distributed is in requirements.txt
    WorkerPlugin = object


class CompanionWorker(WorkerPlugin):
    """Registered on every worker: the lessons' numerical environment and the offline guard."""

    name = "companion-worker"

    def __init__(self, environment: dict):
        self.environment = dict(environment)

    def setup(self, worker) -> None:
        from tools.offline import block_network, guard_children

        os.environ.update(self.environment)
        guard_children(tempfile.mkdtemp(prefix="companion-offline-"))
        if _is_loopback(getattr(worker.scheduler, "address", None)):
            block_network()


def numeric_environment() -> dict:
    return {key: os.environ[key] for key in NUMERIC_ENV if key in os.environ}


def longest_first(tasks: list[Task]) -> list[Task]:
    """Tasks of the slowest lessons first (``benchmarks/notebook_times.md``), so no worker waits at
    the end for one long lesson; seeds in order within a lesson."""
    from tools.reports import read_times

    times = read_times()
    return sorted(tasks, key=lambda t: -times.get(Path(t.path).name, 0.0))


class Progress:
    """A bar on a terminal (tqdm); one line per finished task when not a TTY or under CI."""

    def __init__(self, total: int, stream=None):
        self.stream = stream or sys.stdout
        self.total, self.done, self.started = total, 0, time.perf_counter()
        interactive = self.stream.isatty() and not os.environ.get("CI")
        self.bar = None
        if interactive:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="run", file=self.stream, dynamic_ncols=True)

    def update(self, line: str) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(line[:50])
            self.bar.update(1)
        else:
            elapsed = time.perf_counter() - self.started
            print(f"[{self.done}/{self.total} {elapsed:.0f} s] {line}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _lost_run(task: Task, reason: str):
    from nbformat import read

    from tools.execute import Run

    nb = read(task.path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return Run(Path(task.path), nb, 0.0, reason, None, dict(task.params), lost=True,
               note=reason)


def threads_per_kernel(workers: int, cores: int | None = None) -> int:
    """TensorFlow threads for each of ``workers`` kernels sharing this machine's cores.

    TensorFlow's thread pools spin while they wait: two kernels of two threads each on two cores
    ran every lesson several times slower than one kernel alone. The local cluster's kernels
    therefore share the cores (at least one thread each); a thread count moves only the last
    digits, and the test run uses one thread too.
    """
    cores = cores or os.cpu_count() or 1
    return max(1, cores // max(1, workers))


def _local_cluster(workers: int):
    import dask
    from distributed import LocalCluster

    threads = str(threads_per_kernel(workers))
    for name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ[name] = threads  # the worker processes, and the kernels they start, inherit it
    with dask.config.set(SCHEDULER_CONFIG):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                            dashboard_address=None, worker_dashboard_address=None,
                            host="127.0.0.1")


def run_tasks(tasks: list[Task], *, scheduler: str | None = None, workers: int = 2,
              order=None, stream=None) -> list:
    """Run every task on Dask workers; one ``Run`` per task, in the order of ``tasks``.

    ``scheduler``: the address of an existing scheduler; ``None`` starts a local cluster of
    ``workers`` processes (one thread each) for the duration of the call. ``order``: a function
    that reorders the tasks for submission (e.g. :func:`longest_first`); results keep the order
    of ``tasks``.
    """
    from distributed import Client, as_completed

    stream = stream or sys.stdout
    tasks = list(tasks)
    if not tasks:
        return []
    submitted = order(tasks) if order else tasks
    cluster = None if scheduler else _local_cluster(workers)
    client = Client(scheduler or cluster)
    try:
        n = len(client.scheduler_info(n_workers=-1).get("workers", {}))
        where = scheduler or f"a local cluster of {workers} worker processes"
        print(f"{len(tasks)} runs on {where} ({n} workers now)", file=stream, flush=True)
        client.register_plugin(CompanionWorker(numeric_environment()), name=CompanionWorker.name)
        keys = _unique_keys(tasks)
        futures = {}
        for position, task in enumerate(submitted):
            future = client.submit(_execute, str(Path(task.path).resolve()), dict(task.params),
                                   task.timeout, task.record_timing, key=keys[id(task)],
                                   pure=False, priority=len(submitted) - position)
            futures[future] = task
        progress = Progress(len(tasks), stream)
        results, deaths = {}, {}
        for future in as_completed(list(futures)):
            task = futures[future]
            if future.status == "finished":
                run = future.result()
                line = f"{task.label}: {run.status} in {run.seconds:.0f} s" + (
                    f": {_first_line(run.error)}" if run.error else "")
            else:
                error = future.exception()
                reason = _failure(error)
                run = _lost_run(task, reason)
                line = f"{task.label}: LOST: {reason}"
            results[keys[id(task)]] = run
            # how often its worker died under it, asked while the scheduler still knows the task;
            # then the result is let go (380 executed notebooks need not stay on the workers)
            deaths.update(_deaths(client, [future.key]))
            future.release()
            progress.update(line)
        progress.close()
        for task in tasks:
            key = keys[id(task)]
            run = results[key]
            if deaths.get(key) and not run.lost:
                run.note = (f"a worker died while running it ({deaths[key]} time"
                            f"{'s' if deaths[key] > 1 else ''}); run again on another "
                            f"worker ({run.note})")
                print(f"{task.label}: {run.note}", file=stream, flush=True)
            elif not run.lost:
                run.note = ""
        return [results[keys[id(t)]] for t in tasks]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _unique_keys(tasks) -> dict[int, str]:
    """A Dask key per task (``13_transfer_learning-seed=7``), numbered where two tasks are alike."""
    keys, seen = {}, {}
    for task in tasks:
        count = seen[task.key] = seen.get(task.key, 0) + 1
        keys[id(task)] = task.key if count == 1 else f"{task.key}-{count}"
    return keys


def _first_line(text: str) -> str:
    return (str(text).strip().splitlines() or [""])[0][:120]


def _failure(error) -> str:
    from distributed.scheduler import KilledWorker

    if isinstance(error, KilledWorker):
        return (f"lost: the worker running it died {RETRIES_AFTER_A_DEATH + 1} times "
                f"(KilledWorker); the task was not finished")
    return f"the task itself failed on its worker: {type(error).__name__}: {error}"


def _deaths(client, keys) -> dict:
    """How often each task's worker died under it (the scheduler's ``suspicious`` count)."""
    def count(dask_scheduler, keys):
        return {k: dask_scheduler.tasks[k].suspicious for k in keys if k in dask_scheduler.tasks}

    try:
        return client.run_on_scheduler(count, keys=list(keys))
    except Exception:  # an old or unusual scheduler: retries are then not reported
        return {}

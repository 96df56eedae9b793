"""Sweeps and the ledger on a real Dask cluster: a `dask scheduler` and `dask worker` processes on
loopback, a tiny notebook (no TensorFlow) that fails at some seeds and kills its worker at others."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tools import cluster, ledger, reports

DASK = Path(sys.executable).parent / "dask"

FIXTURE = """\
import os
import random
import socket

from helpers.claims import check_claim, key_figure

try:  # every kernel a worker starts carries the offline guard
    socket.create_connection(("192.0.2.1", 9), timeout=1)
    print("offline guard: off")
except OSError as err:
    print("offline guard:", "on" if "blocked" in str(err) else f"off ({err})")
if kill_worker:  # the kernel's parent is the worker: kill it (kill_worker times, counted in a file)
    deaths = int(open(kill_worker).read()) if os.path.exists(kill_worker) else 0
    if deaths < kill_times:
        open(kill_worker, "w").write(str(deaths + 1))
        os.kill(os.getppid(), 9)
        os._exit(1)
value = 1.0 + random.Random(seed).random()
key_figure("value", value)
check_claim("1a", "the value beats one", above_one=(value, ">", 3.0 if seed == 4 else 1.0),
            same_every_seed=(2.0, "<", 3.0), sanity={"two_is_two": (2, "==", 2)},
            budget={"draws": 1})
assert seed != 5, "a side assert that fails at seed 5"
print("ran to the end")
"""


def fixture_notebook(folder: Path, name: str = "01_fixture.ipynb") -> Path:
    """A lesson-shaped notebook: a parameters cell, then one claim with a seed-dependent number."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("seed = 1\nkill_worker = ''\nkill_times = 0")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(FIXTURE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nb, path)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def dask_cluster():
    """`dask scheduler` and four `dask worker` processes (no nanny: a killed worker stays dead)."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="1",
               DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION="1.0")
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)]
    try:
        for _ in range(4):
            procs.append(subprocess.Popen(
                [str(DASK), "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                 "--host", "127.0.0.1"], env=env, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True))
        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout=5) as client:
                    client.wait_for_workers(4, timeout=60)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def test_the_ledger_through_the_cluster_one_lesson_refreshed_alone(tmp_path, dask_cluster):
    first = fixture_notebook(tmp_path / "notebooks", "01_fixture.ipynb")
    second = fixture_notebook(tmp_path / "notebooks", "02_other.ipynb")
    files = {"json_path": tmp_path / "claims.json", "md_path": tmp_path / "claims.md",
             "failed_dir": tmp_path / "failed"}
    code = ledger.main([first, second], seeds=list(range(1, 7)), params={}, timeout=60,
                       scheduler=dask_cluster, **files)
    assert code == 1, "seeds 4 and 5 do not run to the end"
    data = json.loads(files["json_path"].read_text())
    entry = data["lessons"]["01_fixture.ipynb"]
    assert entry["ran_to_end"] == 4 and entry["seeds"] == [1, 2, 3, 4, 5, 6]
    conditions = {c["name"]: c for c in entry["claims"][0]["conditions"]}
    assert conditions["above_one"]["held"] == 5 and conditions["above_one"]["thin"]
    assert conditions["same_every_seed"]["constant"] and not conditions["above_one"]["constant"]
    assert not conditions["two_is_two"]["constant"]  # sanity checks are not flagged
    assert sorted(p.name for p in files["failed_dir"].iterdir()) == [
        "01_fixture_seed4.ipynb", "01_fixture_seed5.ipynb", "02_other_seed4.ipynb",
        "02_other_seed5.ipynb"]
    text = files["md_path"].read_text()
    assert "Ran to the end at 4/6 seeds" in text and "constant: 2" in text

    before = data["lessons"]["02_other.ipynb"]
    ledger.main([first], seeds=[1, 2, 3], params={}, timeout=60, scheduler=dask_cluster, **files)
    again = json.loads(files["json_path"].read_text())
    assert again["lessons"]["01_fixture.ipynb"]["seeds"] == [1, 2, 3]
    assert again["lessons"]["02_other.ipynb"] == before, "the other lesson's rows are kept"
    assert not (files["failed_dir"] / "01_fixture_seed4.ipynb").exists()


def test_a_sweep_through_a_separate_scheduler_reports_failures_and_dead_workers(tmp_path, dask_cluster,
                                                                               capsys):
    path = fixture_notebook(tmp_path / "notebooks")
    once, twice = tmp_path / "killed_once", tmp_path / "killed_twice"
    tasks = [cluster.Task(path, {"seed": s}, timeout=60) for s in (1, 2, 3, 4, 5)]
    tasks.append(cluster.Task(path, {"seed": 6, "kill_worker": str(once), "kill_times": 1}, 60))
    tasks.append(cluster.Task(path, {"seed": 7, "kill_worker": str(twice), "kill_times": 2}, 60))
    runs = cluster.run_tasks(tasks, scheduler=dask_cluster)
    printed = capsys.readouterr().out

    assert [r.params["seed"] for r in runs] == [1, 2, 3, 4, 5, 6, 7], "one result per task, in order"
    by_seed = {r.params["seed"]: r for r in runs}
    for seed in (1, 2, 3):
        assert by_seed[seed].error is None and "ran to the end" in by_seed[seed].text
        assert "offline guard: on" in by_seed[seed].text
    # a notebook that raises: reported with its error, the run (and its claim block) kept
    assert by_seed[4].error.startswith("AssertionError: Claim 1a FAILS")
    assert by_seed[4].claims[0].holds is False
    assert "a side assert" in by_seed[5].error and by_seed[5].claims[0].holds
    # a worker killed once: the task ran again on another worker and says so
    assert once.read_text() == "1" and by_seed[6].error is None
    assert "a worker died while running it" in by_seed[6].note
    # killed twice (retried once): lost, and reported as lost, not dropped
    assert twice.read_text() == "2" and by_seed[7].lost and by_seed[7].status == "LOST"
    assert "KilledWorker" in by_seed[7].error
    assert "7 runs on tcp://127.0.0.1" in printed and "[7/7" in printed  # line progress off a TTY
    assert "seed 7: LOST" in printed

    table = reports.sweep_table(runs)
    text = reports.sweep_markdown(path.name, runs, table, "now", "here", {})
    assert "Ran to the end at 4/7 seeds." in text
    assert "| 1a: the value beats one | claim | 5/7 |" in text
    assert "| value | " in text and "(miss" not in text
    assert "seed 6: a worker died" in text and "seed 7: `lost" in text


def test_workers_of_a_local_scheduler_are_guarded_themselves(dask_cluster):
    from distributed import Client

    with Client(dask_cluster) as client:
        client.register_plugin(cluster.CompanionWorker({"PYTHONHASHSEED": "0"}),
                               name=cluster.CompanionWorker.name)
        states = client.run(lambda: (__import__("tools.offline").offline.is_blocked(),
                                     os.environ.get("COMPANION_OFFLINE"),
                                     os.environ.get("PYTHONHASHSEED")))
    assert states and all(s == (True, "1", "0") for s in states.values())


def test_progress_is_one_line_per_task_off_a_terminal(capsys):
    progress = cluster.Progress(2)
    progress.update("a: ok")
    progress.update("b: FAILED")
    progress.close()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("[1/2 ") and lines[1].endswith("b: FAILED")


def test_longest_lessons_are_submitted_first():
    times = reports.read_times()
    if len(times) < 2:
        pytest.skip("no benchmarks/notebook_times.md yet")
    slow, fast = max(times, key=times.get), min(times, key=times.get)
    tasks = [cluster.Task(Path(fast), {"seed": 1}), cluster.Task(Path(slow), {"seed": 1})]
    assert [Path(t.path).name for t in cluster.longest_first(tasks)] == [slow, fast]


def test_alike_tasks_get_their_own_keys():
    a, b = cluster.Task(Path("01_x.ipynb"), {"seed": 1}), cluster.Task(Path("01_x.ipynb"), {"seed": 1})
    keys = cluster._unique_keys([a, b])
    assert keys[id(a)] == "01_x-seed=1" and keys[id(b)] == "01_x-seed=1-2"


def test_local_kernels_share_the_cores_instead_of_oversubscribing_them():
    assert cluster.threads_per_kernel(2, cores=2) == 1
    assert cluster.threads_per_kernel(2, cores=16) == 8
    assert cluster.threads_per_kernel(4, cores=2) == 1
    assert cluster.threads_per_kernel(1, cores=2) == 2

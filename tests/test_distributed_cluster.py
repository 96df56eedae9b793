"""helpers.distributed.cluster and worker: ports, TF_CONFIG, starting and stopping real workers."""

import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from helpers import distributed as dist
from helpers.distributed import cluster

# ------------------------------------------------------------------------- ports and TF_CONFIG

def test_reserved_ports_keep_others_out_but_let_a_reuseaddr_server_listen():
    with dist.reserved_ports(2) as ports:
        assert len(set(ports)) == 2
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
            with pytest.raises(OSError):          # a program that picked the number meanwhile
                other.bind((dist.LOOPBACK, ports[0]))
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:   # as gRPC binds
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind((dist.LOOPBACK, ports[0]))
            server.listen()
            with socket.create_connection((dist.LOOPBACK, ports[0]), timeout=5):
                pass
        free = []
        for _ in range(50):                      # the system hands the port to nobody else
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((dist.LOOPBACK, 0))
            free.append(s)
        assert not set(ports) & {s.getsockname()[1] for s in free}
        for s in free:
            s.close()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as again:  # released after the block
        again.bind((dist.LOOPBACK, ports[0]))


def test_free_ports_are_distinct_and_bindable_on_loopback():
    ports = dist.free_ports(3)
    assert len(set(ports)) == 3
    for p in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((dist.LOOPBACK, p))


@pytest.mark.parametrize("n, host, error", [
    (0, dist.LOOPBACK, ValueError), (True, dist.LOOPBACK, TypeError),
    (2, "example.org", ValueError), (2, "0.0.0.0", ValueError),
])
def test_free_ports_refuses_bad_inputs(n, host, error):
    with pytest.raises(error):
        dist.free_ports(n, host)


def test_tf_config_names_the_cluster_and_the_task():
    config = dist.tf_config([5001, 5002], 1)
    assert config == {"cluster": {"worker": ["127.0.0.1:5001", "127.0.0.1:5002"]},
                      "task": {"type": "worker", "index": 1}}
    assert json.loads(json.dumps(config)) == config
    assert dist.tf_config([5001, 5002], 0)["cluster"] == config["cluster"]


@pytest.mark.parametrize("ports, index, error, match", [
    ([5001, 5002], 2, ValueError, "at most 1"),
    ([5001, 5002], -1, ValueError, "at least 0"),
    ([5001, 5001], 0, ValueError, "differ"),
    ([], 0, TypeError, "non-empty list"),
    ("5001", 0, TypeError, "non-empty list"),
    ([0, 5002], 0, ValueError, "at least 1"),
    ([70000], 0, ValueError, "at most 65535"),
    ([5001.0], 0, TypeError, "integer"),
    ([5001], "0", TypeError, "integer"),
])
def test_tf_config_refuses_bad_inputs(ports, index, error, match):
    with pytest.raises(error, match=match):
        dist.tf_config(ports, index)


# ------------------------------------------------------------------------- run_workers arguments

def _inputs(m=8):
    return {"x": np.zeros((m, 64), np.float32), "y": np.zeros(m, np.int64),
            "w0": np.zeros((64, 4), np.float32), "w1": np.zeros(4, np.float32),
            "w2": np.zeros((4, 10), np.float32), "w3": np.zeros(10, np.float32)}


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_workers": 0}, ValueError, "n_workers"),
    ({"global_batch": 3}, ValueError, "multiple of n_workers"),
    ({"global_batch": 6}, ValueError, "whole number of global"),
    ({"learning_rate": -0.1}, ValueError, "learning_rate"),
    ({"epochs": 1.5}, TypeError, "epochs"),
    ({"timeout": 0}, ValueError, "timeout"),
    ({"inputs": {"x": np.zeros((8, 64))}}, TypeError, "w0"),
    ({"inputs": [1, 2]}, TypeError, "dict"),
    ({"out_dir": "does/not/exist"}, ValueError, "existing folder"),
    ({"kill_after_epoch": (1, 1)}, ValueError, "checkpoint_dir"),
    ({"kill_after_epoch": (2, 1), "checkpoint_dir": "."}, ValueError, "worker"),
    ({"kill_after_epoch": (1, 2), "checkpoint_dir": "."}, ValueError, "epoch"),
    ({"kill_after_epoch": 1, "checkpoint_dir": "."}, TypeError, "worker index, epoch"),
    ({"checkpoint_dir": "does/not/exist"}, ValueError, "checkpoint_dir"),
])
def test_run_workers_refuses_bad_inputs_before_starting_anything(tmp_path, kwargs, error, match):
    args = {"n_workers": 2, "inputs": _inputs(), "out_dir": tmp_path, "epochs": 1,
            "global_batch": 4, "learning_rate": 0.1, "timeout": 5}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        dist.run_workers(args.pop("n_workers"), args.pop("inputs"), args.pop("out_dir"), **args)
    assert not list(tmp_path.glob("worker*.log")), "no worker may start on bad inputs"


def test_a_failing_worker_is_reported_and_nothing_is_left_running(tmp_path, monkeypatch):
    """A worker that dies (here: a settings file it cannot parse) stops the whole cluster."""
    monkeypatch.setattr(cluster, "_tail", lambda path, n=15: path.read_text(errors="replace"))
    ports = dist.free_ports(2)
    (tmp_path / "settings.json").write_text("not json")
    with pytest.raises(RuntimeError, match="a worker failed") as info:
        cluster._start_and_wait(ports, tmp_path, timeout=20)
    assert "JSONDecodeError" in str(info.value)
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(tmp_path) not in out, "a worker process outlived run_workers"


def test_a_worker_past_its_time_is_killed(tmp_path, monkeypatch):
    """The timeout stops workers that hang (here: a fake worker that sleeps)."""
    real_popen = subprocess.Popen
    started = []

    def sleeping_popen(cmd, **kwargs):
        p = real_popen([sys.executable, "-c", "import time; time.sleep(60)"], **kwargs)
        started.append(p)
        return p

    monkeypatch.setattr(cluster.subprocess, "Popen", sleeping_popen)
    with pytest.raises(TimeoutError, match="did not finish within"):
        cluster._start_and_wait(dist.free_ports(2), tmp_path, timeout=1)
    assert len(started) == 2 and all(p.poll() is not None for p in started)


FAKE_WORKER = """
import json, sys, numpy as np
from pathlib import Path
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
out, index = Path(args["--out"]), int(args["--index"])
marker = out / f"attempt{index}"
if index == 0 and not marker.exists():      # the first start: worker 0 found its port taken
    marker.write_text("1")
    print("E0000 ... Address already in use")
    sys.exit(1)
np.savez(out / f"result{index}.npz", losses=np.zeros(1), w0=np.zeros(1))
(out / f"result{index}.json").write_text(json.dumps({"index": index, "n_weights": 1}))
"""


def test_a_port_taken_anyway_starts_the_cluster_again_on_fresh_ports(tmp_path, monkeypatch):
    real_popen = subprocess.Popen
    seen_ports = []

    def fake_popen(cmd, **kwargs):
        seen_ports.append(json.loads(kwargs["env"]["TF_CONFIG"])["cluster"]["worker"])
        return real_popen([sys.executable, "-c", FAKE_WORKER, *cmd[3:]], **kwargs)

    monkeypatch.setattr(cluster.subprocess, "Popen", fake_popen)
    results = dist.run_workers(2, _inputs(), tmp_path, epochs=1, global_batch=4,
                               learning_rate=0.1, try_fit=False, timeout=20)
    assert [r["index"] for r in results] == [0, 1]
    assert len(seen_ports) == 4 and seen_ports[0] != seen_ports[2], "no second start on new ports"


def test_each_worker_is_told_to_watch_this_process_and_its_deadline(tmp_path, monkeypatch):
    real_popen = subprocess.Popen
    commands = []

    def recording_popen(cmd, **kwargs):
        commands.append(cmd)
        return real_popen([sys.executable, "-c", "import time; time.sleep(60)"], **kwargs)

    monkeypatch.setattr(cluster.subprocess, "Popen", recording_popen)
    with pytest.raises(TimeoutError):
        cluster._start_and_wait(dist.free_ports(2), tmp_path, timeout=0.5)
    for cmd in commands:
        assert cmd[cmd.index("--parent_pid") + 1] == str(os.getpid())
        assert float(cmd[cmd.index("--max_seconds") + 1]) > 0.5


@pytest.mark.skipif(os.environ.get("COMPANION_SKIP_WORKERS") == "1", reason="asked to skip")
def test_two_real_workers_agree_with_each_other(tmp_path):
    """Two TensorFlow workers on loopback, one epoch on random data: identical final weights."""
    rng = np.random.default_rng(0)
    inputs = {"x": rng.random((64, 64), dtype=np.float32), "y": rng.integers(0, 10, 64),
              "w0": rng.normal(0, 0.1, (64, 8)).astype(np.float32), "w1": np.zeros(8, np.float32),
              "w2": rng.normal(0, 0.1, (8, 10)).astype(np.float32), "w3": np.zeros(10, np.float32)}
    results = dist.run_workers(2, inputs, tmp_path, epochs=1, global_batch=32, learning_rate=0.1,
                               try_fit=False, timeout=60)
    assert [r["index"] for r in results] == [0, 1]
    assert all(r["n_replicas"] == 2 for r in results)
    for a, b in zip(results[0]["weights"], results[1]["weights"], strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(results[0]["weights"][0], inputs["w0"]), "the weights did not move"


@pytest.mark.skipif(os.environ.get("COMPANION_SKIP_WORKERS") == "1", reason="asked to skip")
def test_a_lost_worker_and_a_restart_resume_from_the_chiefs_checkpoint(tmp_path):
    """Worker 1 dies after epoch 1; the restart restores the chief's checkpoint on both workers."""
    rng = np.random.default_rng(1)
    inputs = {"x": rng.random((64, 64), dtype=np.float32), "y": rng.integers(0, 10, 64),
              "w0": rng.normal(0, 0.1, (64, 8)).astype(np.float32), "w1": np.zeros(8, np.float32),
              "w2": rng.normal(0, 0.1, (8, 10)).astype(np.float32), "w3": np.zeros(10, np.float32)}
    run, ckpt = tmp_path / "run", tmp_path / "ckpt"
    run.mkdir()
    ckpt.mkdir()
    settings = dict(epochs=3, global_batch=32, learning_rate=0.1, try_fit=False, timeout=90)
    with pytest.raises(dist.WorkerLost) as lost:
        dist.run_workers(2, inputs, run, checkpoint_dir=ckpt, kill_after_epoch=(1, 1), **settings)
    assert lost.value.lost == 1 and lost.value.codes[1] == -9
    assert lost.value.checkpoint == "ckpt-1" and lost.value.checkpoint_weights is not None
    assert not [p for p in ckpt.iterdir() if p.name.startswith("workertemp")], \
        "a non-chief worker left its temporary checkpoint behind"
    again = dist.run_workers(2, inputs, run, checkpoint_dir=ckpt, **settings)
    for r in again:
        assert r["restored_from"] == "ckpt-1" and r["start_epoch"] == 1 and len(r["losses"]) == 2
        for a, b in zip(r["restored_weights"], lost.value.checkpoint_weights, strict=True):
            np.testing.assert_array_equal(a, b)     # every worker restored the CHIEF's state
    for a, b in zip(again[0]["weights"], again[1]["weights"], strict=True):
        np.testing.assert_array_equal(a, b)
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(run) not in out, "a worker process outlived run_workers"

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

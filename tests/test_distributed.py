"""helpers.distributed: the numpy all-reduce, ports, TF_CONFIG, and input checks (no TensorFlow here,
except the one short test at the end that starts two real workers)."""

import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from helpers import distributed as dist


def _grads(rng, n_replicas=2):
    return [[rng.normal(size=(3, 4)), rng.normal(size=4)] for _ in range(n_replicas)]


# ------------------------------------------------------------------------- numpy pieces

def test_shard_batch_splits_in_order_and_covers_everything():
    x = np.arange(24, dtype=float).reshape(12, 2)
    y = np.arange(12)
    shards = dist.shard_batch(x, y, 3)
    assert len(shards) == 3
    assert [list(s[1]) for s in shards] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    np.testing.assert_array_equal(np.concatenate([s[0] for s in shards]), x)


def test_averaged_shard_gradients_equal_the_full_batch_gradient():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 5)), rng.integers(0, 3, size=40)
    w, b = rng.normal(size=(5, 3)), rng.normal(size=3)
    full = dist.softmax_gradient(w, b, x, y)
    for n in (1, 2, 4, 8):
        averaged = dist.all_reduce_mean([dist.softmax_gradient(w, b, xs, ys)
                                         for xs, ys in dist.shard_batch(x, y, n)])
        for a, f in zip(averaged, full, strict=True):
            np.testing.assert_allclose(a, f, rtol=1e-12, atol=1e-14)


def test_softmax_gradient_matches_central_differences():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
    w, b = rng.normal(size=(4, 3)), rng.normal(size=3)

    def loss(w_):
        z = x @ w_ + b
        z = z - z.max(axis=1, keepdims=True)
        return np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(6), y])

    eps, numeric = 1e-6, np.zeros_like(w)
    for idx in np.ndindex(w.shape):
        d = np.zeros_like(w)
        d[idx] = eps
        numeric[idx] = (loss(w + d) - loss(w - d)) / (2 * eps)
    np.testing.assert_allclose(dist.softmax_gradient(w, b, x, y)[0], numeric, rtol=1e-6, atol=1e-9)


def test_all_reduce_mean_is_the_elementwise_mean():
    grads = [[np.array([1.0, 2.0])], [np.array([3.0, 6.0])]]
    np.testing.assert_array_equal(dist.all_reduce_mean(grads)[0], [2.0, 4.0])


@pytest.mark.parametrize("bad, error, match", [
    (None, TypeError, "non-empty list"),
    ([], TypeError, "non-empty list"),
    ([np.ones(3)], TypeError, r"grads\[0\] must be a non-empty list"),
    ([[np.ones(3)], [np.ones(4)]], ValueError, "shape"),
    ([[np.ones(3)], [np.ones(3), np.ones(2)]], ValueError, "gradient arrays"),
    ([[np.array([1.0, np.nan])]], ValueError, "finite|NaN"),
    ([["abc"]], (TypeError, ValueError), "grads"),
])
def test_all_reduce_mean_refuses_bad_inputs(bad, error, match):
    with pytest.raises(error, match=match):
        dist.all_reduce_mean(bad)


@pytest.mark.parametrize("n, error, match", [
    (5, ValueError, "multiple of 5"),
    (0, ValueError, "at least 1"),
    (2.0, TypeError, "integer"),
    ("2", TypeError, "integer"),
])
def test_shard_batch_refuses_bad_replica_counts(n, error, match):
    with pytest.raises(error, match=match):
        dist.shard_batch(np.zeros((12, 2)), np.zeros(12), n)


def test_shard_batch_refuses_mismatched_lengths():
    with pytest.raises(ValueError):
        dist.shard_batch(np.zeros((12, 2)), np.zeros(10), 2)


@pytest.mark.parametrize("args, match", [
    ((np.zeros((4, 3)), np.zeros(3), np.zeros((5, 5)), np.zeros(5, int)), "x"),
    ((np.zeros((4, 3)), np.zeros(2), np.zeros((5, 4)), np.zeros(5, int)), "b"),
    ((np.zeros((4, 3)), np.zeros(3), np.zeros((5, 4)), np.full(5, 3)), "y"),
    ((np.zeros((4, 3)), np.zeros(3), np.zeros((5, 4)), np.zeros(4, int)), "y|length"),
    ((np.full((4, 3), np.inf), np.zeros(3), np.zeros((5, 4)), np.zeros(5, int)), "w"),
])
def test_softmax_gradient_refuses_bad_inputs(args, match):
    with pytest.raises((TypeError, ValueError), match=match):
        dist.softmax_gradient(*args)


def test_initial_weights_are_glorot_uniform_and_seeded():
    w = dist.initial_weights(32, seed=3)
    assert [a.shape for a in w] == [(64, 32), (32,), (32, 10), (10,)]
    assert all(a.dtype == np.float32 for a in w)
    assert np.abs(w[0]).max() <= np.sqrt(6 / 96) and np.abs(w[0]).max() > 0.9 * np.sqrt(6 / 96)
    assert not w[1].any() and not w[3].any()
    np.testing.assert_array_equal(w[0], dist.initial_weights(32, seed=3)[0])
    assert not np.array_equal(w[0], dist.initial_weights(32, seed=4)[0])


@pytest.mark.parametrize("hidden, seed, error", [
    (0, 1, ValueError), (2.5, 1, TypeError), (8, -1, ValueError), (8, "1", TypeError)])
def test_initial_weights_refuses_bad_inputs(hidden, seed, error):
    with pytest.raises(error):
        dist.initial_weights(hidden, seed=seed)


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
            "w0": np.zeros((64, 4), np.float32)}


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


def test_split_cpu_refuses_bad_counts():
    for bad, error in [(0, ValueError), (2.0, TypeError), ("2", TypeError), (1000, ValueError)]:
        with pytest.raises(error):
            dist.split_cpu(bad)


def test_a_failing_worker_is_reported_and_nothing_is_left_running(tmp_path, monkeypatch):
    """A worker that dies (here: a settings file it cannot parse) stops the whole cluster."""
    monkeypatch.setattr(dist, "_tail", lambda path, n=15: path.read_text(errors="replace"))
    ports = dist.free_ports(2)
    (tmp_path / "settings.json").write_text("not json")
    with pytest.raises(RuntimeError, match="a worker failed") as info:
        dist._start_and_wait(ports, tmp_path, timeout=20)
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

    monkeypatch.setattr(dist.subprocess, "Popen", sleeping_popen)
    with pytest.raises(TimeoutError, match="did not finish within"):
        dist._start_and_wait(dist.free_ports(2), tmp_path, timeout=1)
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

"""Lesson 18's plumbing: data parallelism in numpy, logical CPU devices, and worker processes.

- :func:`shard_batch`, :func:`all_reduce_mean`, :func:`softmax_gradient`: the numpy pieces of
  data-parallel training (split a global batch into shards, average the per-replica gradients);
- :func:`split_cpu`: split the CPU into ``n`` logical devices so ``tf.distribute.MirroredStrategy``
  has several replicas in one process (must run before TensorFlow's runtime starts);
- :func:`free_ports`, :func:`tf_config`: loopback ports and the ``TF_CONFIG`` a worker reads;
- :func:`run_workers`: start ``n`` worker processes (``python -m helpers.distributed``) that train
  with ``tf.distribute.MultiWorkerMirroredStrategy`` over loopback, bounded in time, and always
  stopped; each writes its losses and final weights to a folder, which this function reads back.

Run as a module, this file is the worker (see :func:`worker_main`). Importing it is cheap:
TensorFlow is imported only inside the functions that need it.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from helpers import validate

__all__ = ["shard_batch", "all_reduce_mean", "softmax_gradient", "initial_weights", "make_model",
           "split_cpu", "free_ports", "tf_config", "run_workers", "FIT_ERROR_TEXT", "LOOPBACK"]

#: Workers listen on loopback only: the lesson works with the network cut.
LOOPBACK = "127.0.0.1"

#: The message Keras 3's ``fit`` fails with under ``MultiWorkerMirroredStrategy`` (keras-team/keras
#: issue 20585), as TensorFlow 2.21 and Keras 3.15 word it.
FIT_ERROR_TEXT = "Attempt to convert a value (PerReplica"


# ------------------------------------------------------------------------- numpy: the idea

def shard_batch(x, y, n_replicas: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split one global batch ``(x, y)`` into ``n_replicas`` equal, consecutive shards.

    Replica ``k`` gets rows ``k * m / n`` to ``(k + 1) * m / n``. The global batch must divide
    evenly (as it does in the lesson; ``tf.distribute`` handles a ragged last batch by weighting).
    """
    x = validate.array(x, "x", min_ndim=1)
    y = np.asarray(y)
    validate.same_length("x", x, "y", y)
    n_replicas = validate.integer(n_replicas, "n_replicas", minimum=1)
    if len(x) % n_replicas:
        raise ValueError(f"a global batch of {len(x)} examples does not split into {n_replicas} "
                         f"equal shards; use a batch that is a multiple of {n_replicas}.")
    size = len(x) // n_replicas
    return [(x[k * size:(k + 1) * size], y[k * size:(k + 1) * size]) for k in range(n_replicas)]


def all_reduce_mean(grads) -> list[np.ndarray]:
    """The all-reduce of data parallelism: the element-wise mean of every replica's gradients.

    ``grads`` is a list with one entry per replica; each entry is a list of arrays (one per weight)
    with the same shapes on every replica. Returns one list of averaged arrays, which every replica
    then applies.
    """
    if not isinstance(grads, list | tuple) or not grads:
        raise TypeError(f"grads must be a non-empty list with one list of gradient arrays per "
                        f"replica, got {validate.describe(grads)}.")
    per_replica = []
    for k, g in enumerate(grads):
        if not isinstance(g, list | tuple) or not g:
            raise TypeError(f"grads[{k}] must be a non-empty list of arrays (one per weight), got "
                            f"{validate.describe(g)}.")
        per_replica.append([validate.array(a, f"grads[{k}][{i}]", finite=True)
                            for i, a in enumerate(g)])
    first = per_replica[0]
    for k, g in enumerate(per_replica[1:], start=1):
        if len(g) != len(first):
            raise ValueError(f"replica {k} has {len(g)} gradient arrays, replica 0 has "
                             f"{len(first)}: every replica holds the same weights.")
        for i, (a, b) in enumerate(zip(g, first, strict=True)):
            if a.shape != b.shape:
                raise ValueError(f"grads[{k}][{i}] has shape {a.shape}, grads[0][{i}] has "
                                 f"{b.shape}: every replica holds the same weights.")
    return [np.mean([g[i] for g in per_replica], axis=0) for i in range(len(first))]


def softmax_gradient(w, b, x, y) -> list[np.ndarray]:
    """Gradient of the mean softmax cross-entropy of ``logits = x @ w + b`` over the batch.

    Returns ``[dw, db]``. ``y`` holds class indices in ``0 .. w.shape[1] - 1``.
    """
    w = validate.array(w, "w", ndim=2, finite=True)
    b = validate.array(b, "b", ndim=1, shape=(w.shape[1],), finite=True)
    x = validate.array(x, "x", ndim=2, shape=(None, w.shape[0]), finite=True)
    y = validate.labels(y, "y", n_classes=w.shape[1], length=len(x))
    z = x @ w + b
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    p /= len(y)
    return [x.T @ p, p.sum(axis=0)]


def initial_weights(hidden: int = 32, seed: int = 42) -> list[np.ndarray]:
    """Starting weights of :func:`make_model` in numpy, in ``model.get_weights()`` order.

    Glorot-uniform kernels (Keras's default: uniform in +-sqrt(6 / (fan_in + fan_out))) and zero
    biases, float32, from ``np.random.default_rng(seed)``. Made without TensorFlow, so a lesson can
    hand them to worker processes before it imports TensorFlow itself.
    """
    hidden = validate.integer(hidden, "hidden", minimum=1)
    rng = np.random.default_rng(validate.seed(seed))
    weights = []
    for fan_in, fan_out in [(64, hidden), (hidden, 10)]:
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        weights += [rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32),
                    np.zeros(fan_out, np.float32)]
    return weights


# ------------------------------------------------------------------------- TensorFlow set-up

def split_cpu(n: int) -> list:
    """Split the first physical CPU into ``n`` logical devices; return the logical CPU devices.

    Call it before anything starts TensorFlow's runtime (creating a tensor, a model, listing logical
    devices). ``helpers.setup`` only imports TensorFlow and sets its seed, which leaves the split
    possible (lesson 18 calls ``setup(seed, use_keras=False)`` and splits later, when it first
    needs TensorFlow). Calling it again with the same ``n`` is harmless; with another ``n`` after the
    runtime started it raises ``RuntimeError`` that says to restart the kernel.
    """
    n = validate.integer(n, "n", minimum=1, maximum=64)
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    current = tf.config.get_logical_device_configuration(cpu)
    if current is not None and len(current) == n:
        return tf.config.list_logical_devices("CPU")
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(n)])
    except RuntimeError as err:
        raise RuntimeError(f"cannot split the CPU into {n} logical devices: TensorFlow's runtime "
                           f"has already started ({err}). Restart the kernel and call "
                           f"split_cpu({n}) before any model or tensor is created.") from err
    return tf.config.list_logical_devices("CPU")


def free_ports(n: int, host: str = LOOPBACK) -> list[int]:
    """``n`` distinct TCP ports that are free on ``host`` (loopback) right now.

    All ``n`` sockets are held open together while the ports are picked, so they differ; another
    program could still take one before a worker binds it, which :func:`run_workers` handles by
    trying again with new ports.
    """
    n = validate.integer(n, "n", minimum=1, maximum=64)
    if host not in (LOOPBACK, "localhost"):
        raise ValueError(f"host must be loopback ({LOOPBACK!r}), got {host!r}: the lesson's "
                         f"workers never leave this machine.")
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((LOOPBACK, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _ports(ports) -> list[int]:
    if not isinstance(ports, list | tuple) or not ports:
        raise TypeError(f"ports must be a non-empty list of port numbers, got "
                        f"{validate.describe(ports)}.")
    ports = [validate.integer(p, f"ports[{i}]", minimum=1, maximum=65535)
             for i, p in enumerate(ports)]
    if len(set(ports)) != len(ports):
        raise ValueError(f"ports must differ (one per worker), got {ports}.")
    return ports


def tf_config(ports, index: int, host: str = LOOPBACK) -> dict:
    """The ``TF_CONFIG`` of worker ``index`` in a cluster of workers on ``host:ports[i]``.

    ``TF_CONFIG`` is the environment variable (JSON) every ``tf.distribute`` worker reads: the
    whole cluster (the same in every worker) and this worker's own task. Worker 0 is the chief.
    """
    ports = _ports(ports)
    index = validate.integer(index, "index", minimum=0, maximum=len(ports) - 1)
    if not isinstance(host, str) or not host:
        raise TypeError(f"host must be a host name or address, got {validate.describe(host)}.")
    return {"cluster": {"worker": [f"{host}:{p}" for p in ports]},
            "task": {"type": "worker", "index": index}}


# ------------------------------------------------------------------------- the workers

def run_workers(n_workers: int, inputs: dict, out_dir, *, epochs: int, global_batch: int,
                learning_rate: float, try_fit: bool = True, timeout: float = 60.0,
                attempts: int = 2) -> list[dict]:
    """Train with ``MultiWorkerMirroredStrategy`` in ``n_workers`` processes on loopback.

    ``inputs`` holds the arrays every worker starts from: ``x``, ``y`` (the training set) and
    ``w0``, ``w1``, ... (the initial weights, in ``model.get_weights()`` order of
    :func:`make_model`). Each worker trains on its shard of every global batch with a custom loop
    (``strategy.run``), then, if ``try_fit``, tries Keras's ``fit`` under the same strategy and
    records the error. Returns one dict per worker: ``losses`` (per epoch), ``weights`` (final),
    ``fit_error`` (text or ``None``), ``seconds``, ``peak_mb`` (the worker's peak memory).

    Every worker is killed when ``timeout`` seconds pass, when one fails, or when this call is
    interrupted: no process outlives it. If a worker fails because its port was taken in the
    meantime, the whole cluster is started again on fresh ports (``attempts`` times at most).
    """
    n_workers = validate.integer(n_workers, "n_workers", minimum=1, maximum=8)
    epochs = validate.integer(epochs, "epochs", minimum=1)
    global_batch = validate.integer(global_batch, "global_batch", minimum=1)
    learning_rate = validate.number(learning_rate, "learning_rate", positive=True)
    try_fit = validate.boolean(try_fit, "try_fit")
    timeout = validate.number(timeout, "timeout", positive=True)
    attempts = validate.integer(attempts, "attempts", minimum=1)
    if not isinstance(inputs, dict) or not {"x", "y", "w0"} <= set(inputs):
        raise TypeError("inputs must be a dict with the arrays 'x', 'y' and the initial weights "
                        "'w0', 'w1', ...")
    x = validate.array(inputs["x"], "inputs['x']", ndim=2, finite=True)
    validate.labels(inputs["y"], "inputs['y']", length=len(x))
    if global_batch % n_workers:
        raise ValueError(f"global_batch={global_batch} must be a multiple of n_workers="
                         f"{n_workers}: each worker takes an equal shard of every batch.")
    if len(x) % global_batch:
        raise ValueError(f"the {len(x)} training examples must be a whole number of global "
                         f"batches of {global_batch}; trim x and y.")
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise ValueError(f"out_dir must be an existing folder, got {str(out_dir)!r}.")
    np.savez(out_dir / "inputs.npz", **{k: np.asarray(v) for k, v in inputs.items()})
    settings = {"epochs": epochs, "global_batch": global_batch, "learning_rate": learning_rate,
                "try_fit": try_fit}
    (out_dir / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    last = None
    for _ in range(attempts):
        ports = free_ports(n_workers)
        try:
            return _start_and_wait(ports, out_dir, timeout)
        except _PortTaken as err:
            last = err
    raise RuntimeError(f"the workers could not bind their ports after {attempts} attempts: {last}")


class _PortTaken(RuntimeError):
    pass


def _start_and_wait(ports: list[int], out_dir: Path, timeout: float) -> list[dict]:
    procs, logs = [], []
    env = dict(os.environ)  # keeps the offline guard's PYTHONPATH and the pinned numerics
    env["TF_NUM_INTRAOP_THREADS"] = "1"  # two workers share the two cores
    env.pop("TF_CONFIG", None)
    try:
        for index in range(len(ports)):
            env["TF_CONFIG"] = json.dumps(tf_config(ports, index))
            log = open(out_dir / f"worker{index}.log", "w+b")  # noqa: SIM115 (closed below)
            logs.append(log)
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "helpers.distributed", "--index", str(index),
                 "--out", str(out_dir)], env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, cwd=str(out_dir)))
        deadline, timed_out = time.monotonic() + timeout, False
        while any(p.poll() is None for p in procs):
            if any(p.poll() not in (None, 0) for p in procs):
                break  # one failed: the others would wait for it forever
            if time.monotonic() > deadline:
                timed_out = True
                break
            time.sleep(0.1)
        codes = [p.poll() for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        for p in procs:
            p.wait(timeout=10)
        for log in logs:
            log.close()
    if codes != [0] * len(procs):
        text = "\n".join(f"--- worker {i} ({'stopped' if c is None else f'exit code {c}'}):\n"
                         + _tail(out_dir / f"worker{i}.log") for i, c in enumerate(codes))
        if "ddress already in use" in text:
            raise _PortTaken(text)
        if timed_out:
            raise TimeoutError(f"the workers did not finish within {timeout:g} s and were "
                               f"stopped:\n{text}")
        raise RuntimeError(f"a worker failed; every worker was stopped:\n{text}")
    return [_read_result(out_dir, i) for i in range(len(procs))]


def _tail(path: Path, n: int = 15) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(lines[-n:])


def _read_result(out_dir: Path, index: int) -> dict:
    info = json.loads((out_dir / f"result{index}.json").read_text(encoding="utf-8"))
    with np.load(out_dir / f"result{index}.npz") as arrays:
        info["losses"] = arrays["losses"]
        info["weights"] = [arrays[f"w{i}"] for i in range(info.pop("n_weights"))]
    return info


def make_model(hidden: int = 32):
    """The lesson's digits network: 64 pixels -> ``hidden`` ReLU units -> 10 logits."""
    hidden = validate.integer(hidden, "hidden", minimum=1)
    import keras

    return keras.Sequential([keras.Input((64,)), keras.layers.Dense(hidden, activation="relu"),
                             keras.layers.Dense(10)])


def _fit_error(strategy, inputs, x, y, batch) -> str | None:
    """Try Keras's fit under the strategy; return the first lines of its error (None if it ran)."""
    import keras

    try:
        with strategy.scope():
            model = make_model(inputs["w0"].shape[1])
            model.compile(optimizer=keras.optimizers.SGD(0.1),
                          loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    except Exception as err:  # the point: show what fails, and go on
        text = f"{type(err).__name__}: {err}".strip()
        return "\n".join(text.splitlines()[:3])[:600]
    return None


def worker_main(argv=None) -> None:
    """One worker: read TF_CONFIG and the inputs, train with a custom loop, write the results."""
    parser = argparse.ArgumentParser(prog="python -m helpers.distributed")
    parser.add_argument("--index", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    out_dir = Path(args.out)
    settings = json.loads((out_dir / "settings.json").read_text(encoding="utf-8"))
    with np.load(out_dir / "inputs.npz") as arrays:
        inputs = {k: arrays[k] for k in arrays.files}
    start = time.perf_counter()

    import keras
    import tensorflow as tf

    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # reads TF_CONFIG
    n_workers = strategy.num_replicas_in_sync
    batch, epochs = settings["global_batch"], settings["epochs"]
    shard = batch // n_workers
    x, y = inputs["x"], inputs["y"]
    n_weights = len([k for k in inputs if k.startswith("w")])
    with strategy.scope():
        model = make_model(inputs["w0"].shape[1])
        model.set_weights([inputs[f"w{i}"] for i in range(n_weights)])
        optimizer = keras.optimizers.SGD(settings["learning_rate"])
    per_example = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)

    def replica_step(xb, yb):
        with tf.GradientTape() as tape:
            loss = tf.nn.compute_average_loss(per_example(yb, model(xb, training=True)),
                                              global_batch_size=batch)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    @tf.function
    def train_step(xb, yb):
        return strategy.reduce("SUM", strategy.run(replica_step, args=(xb, yb)), axis=None)

    lo, hi = args.index * shard, (args.index + 1) * shard  # this worker's rows of each batch
    losses = []
    for _ in range(epochs):
        steps = [train_step(x[s + lo:s + hi], y[s + lo:s + hi]) for s in range(0, len(x), batch)]
        losses.append(float(np.mean([float(v) for v in steps])))
    seconds = time.perf_counter() - start
    fit_error = _fit_error(strategy, inputs, x[lo::n_workers], y[lo::n_workers], shard) \
        if settings["try_fit"] else None
    weights = model.get_weights()
    np.savez(out_dir / f"result{args.index}.npz", losses=np.array(losses),
             **{f"w{i}": w for i, w in enumerate(weights)})
    import resource

    info = {"index": args.index, "n_weights": len(weights), "fit_error": fit_error,
            "seconds": seconds, "n_replicas": n_workers,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    (out_dir / f"result{args.index}.json").write_text(json.dumps(info), encoding="utf-8")


if __name__ == "__main__":
    worker_main()

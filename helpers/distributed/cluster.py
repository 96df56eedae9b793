"""A cluster of worker processes on loopback, started, watched and always stopped.

:func:`free_ports` and :func:`tf_config` give each worker its address and the ``TF_CONFIG`` it
reads; :func:`run_workers` starts ``n`` workers (``python -m helpers.distributed``) that
train with ``tf.distribute.MultiWorkerMirroredStrategy``, bounded in time, and reads back what
each wrote to its folder.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from helpers import validate

__all__ = ["free_ports", "tf_config", "run_workers", "LOOPBACK"]

#: Workers listen on loopback only: the lesson works with the network cut.
LOOPBACK = "127.0.0.1"


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
    x = validate.array(inputs["x"], "inputs['x']", shape=(None, 64), finite=True)
    validate.labels(inputs["y"], "inputs['y']", n_classes=10, length=len(x))
    _check_weights(inputs)
    if global_batch % n_workers:
        raise ValueError(f"global_batch={global_batch} must be a multiple of n_workers="
                         f"{n_workers}: each worker takes an equal shard of every batch.")
    if len(x) % global_batch:
        raise ValueError(f"the {len(x)} training examples must be a whole number of global "
                         f"batches of {global_batch}; trim x and y.")
    out_dir = validate.path(out_dir, "out_dir", kind="dir")
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


def _check_weights(inputs: dict) -> None:
    """``w0, w1, ...``: the four arrays of make_model's ``get_weights()``, in order."""
    names = sorted((k for k in inputs if k.startswith("w")), key=lambda k: (len(k), k))
    if names != ["w0", "w1", "w2", "w3"]:
        raise ValueError(f"inputs must hold the four initial weights 'w0'..'w3' of make_model "
                         f"(kernel, bias, kernel, bias), got {names}.")
    w = [validate.array(inputs[k], f"inputs[{k!r}]") for k in names]
    hidden = w[0].shape[1] if w[0].ndim == 2 else None
    expected = [(64, hidden), (hidden,), (hidden, 10), (10,)]
    for k, arr, shape in zip(names, w, expected, strict=True):
        if hidden is None or arr.shape != shape:
            raise ValueError(f"inputs[{k!r}] has shape {arr.shape}, but make_model(hidden) takes "
                             f"weights of shapes (64, h), (h,), (h, 10), (10,); use "
                             f"initial_weights(hidden, seed).")


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

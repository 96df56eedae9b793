"""A cluster of worker processes on loopback, started, watched and always stopped.

:func:`reserved_ports` and :func:`tf_config` give each worker its address and the ``TF_CONFIG``
it reads; :func:`run_workers` starts ``n`` workers (``python -m helpers.distributed.worker``)
that train with ``tf.distribute.MultiWorkerMirroredStrategy``, bounded in time, and reads back
what each wrote to its folder. With ``checkpoint_dir`` they save and restore as TensorFlow's
multi-worker guide says (see :mod:`helpers.distributed.worker`), and ``kill_after_epoch`` loses
one worker on purpose: :class:`WorkerLost` says what happened, and calling :func:`run_workers`
again on the same checkpoint folder is the restart a cluster manager would do.

No worker outlives the lesson: :func:`run_workers` kills them all in a ``finally`` (a failure,
the timeout, an interrupt), and each worker also exits on its own when the kernel that started
it dies or its own deadline passes (:func:`helpers.processes.die_with_parent`).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from helpers import validate

__all__ = ["free_ports", "reserved_ports", "tf_config", "run_workers", "WorkerLost", "LOOPBACK"]

#: The workers' addresses: loopback, so the lesson works with the network cut. (TensorFlow's gRPC
#: server itself listens on every interface of the machine, 0.0.0.0, at that port.)
LOOPBACK = "127.0.0.1"


def _check_host(host) -> None:
    if host not in (LOOPBACK, "localhost"):
        raise ValueError(f"host must be loopback ({LOOPBACK!r}), got {host!r}: the lesson's "
                         f"workers never leave this machine.")


def free_ports(n: int, host: str = LOOPBACK) -> list[int]:
    """``n`` distinct TCP ports that are free on ``host`` (loopback) right now.

    The ports are released on return, so another program could take one before a worker binds
    it; :func:`run_workers` uses :func:`reserved_ports` instead, which holds them until then.
    """
    n = validate.integer(n, "n", minimum=1, maximum=64)
    _check_host(host)
    with reserved_ports(n) as ports:
        return ports


@contextlib.contextmanager
def reserved_ports(n: int):
    """Hold ``n`` free loopback ports for the duration of the ``with`` block; yields the numbers.

    Each port is bound by a socket with ``SO_REUSEADDR`` that never listens. While it is held,
    the system hands the port to nobody who asks for a free one, and a program that binds the
    number without ``SO_REUSEADDR`` is refused; TensorFlow's gRPC server (which sets
    ``SO_REUSEADDR``) can still bind and listen on it. So nothing can take a worker's port
    between the moment it is chosen and the moment the worker binds it.
    """
    n = validate.integer(n, "n", minimum=1, maximum=64)
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(s)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((LOOPBACK, 0))
        yield [s.getsockname()[1] for s in sockets]
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
                attempts: int = 2, checkpoint_dir=None,
                kill_after_epoch: tuple[int, int] | None = None) -> list[dict]:
    """Train with ``MultiWorkerMirroredStrategy`` in ``n_workers`` processes on loopback.

    ``inputs`` holds the arrays every worker starts from: ``x``, ``y`` (the training set) and
    ``w0`` .. ``w3`` (the initial weights, in ``model.get_weights()`` order of
    :func:`make_model`). Each worker trains on its shard of every global batch with a custom loop
    (:func:`helpers.distributed.worker.make_train_step`), then, if ``try_fit``, tries Keras's
    ``fit`` under the same strategy and records the error. Returns one dict per worker:
    ``losses`` (per epoch trained in this run), ``weights`` (final), ``fit_error`` (``None`` or
    ``{"message", "keras_frames"}``), ``start_epoch`` and ``restored_from`` (a restart), and
    timings: ``import_seconds``, ``connect_seconds`` (the strategy waiting for every worker),
    ``train_seconds`` and ``step_seconds`` (the median step after the first, traced, one),
    ``peak_mb`` (the worker's peak memory).

    ``checkpoint_dir``: an existing folder for the chief's checkpoints (every worker restores from
    its latest at start). ``kill_after_epoch=(worker, epoch)``: that worker kills itself once the
    chief's checkpoint of that epoch is written; :class:`WorkerLost` is then raised (the others
    were stopped), and a second call with the same ``checkpoint_dir`` resumes from there.

    Every worker is killed when ``timeout`` seconds pass, when one fails, or when this call is
    interrupted; each also exits by itself if this process dies. The ports are held
    (:func:`reserved_ports`) until the workers are done; if a worker still finds its port taken,
    the whole cluster is started again on fresh ports (``attempts`` times at most).
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
    if checkpoint_dir is not None:
        checkpoint_dir = validate.path(checkpoint_dir, "checkpoint_dir", kind="dir")
    fail = None
    if kill_after_epoch is not None:
        if not isinstance(kill_after_epoch, list | tuple) or len(kill_after_epoch) != 2:
            raise TypeError(f"kill_after_epoch must be (worker index, epoch), got "
                            f"{validate.describe(kill_after_epoch)}.")
        worker = validate.integer(kill_after_epoch[0], "kill_after_epoch[0] (the worker)",
                                  minimum=0, maximum=n_workers - 1)
        epoch = validate.integer(kill_after_epoch[1], "kill_after_epoch[1] (the epoch)",
                                 minimum=1, maximum=epochs)
        if checkpoint_dir is None:
            raise ValueError("kill_after_epoch needs a checkpoint_dir: without checkpoints a "
                             "restart could only begin again from the first epoch.")
        fail = {"worker": worker, "after_epoch": epoch}
    np.savez(out_dir / "inputs.npz", **{k: np.asarray(v) for k, v in inputs.items()})
    settings = {"epochs": epochs, "global_batch": global_batch, "learning_rate": learning_rate,
                "try_fit": try_fit, "fail": fail,
                "checkpoint_dir": None if checkpoint_dir is None else str(checkpoint_dir)}
    (out_dir / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    for stale in [*out_dir.glob("result*.json"), *out_dir.glob("result*.npz")]:
        stale.unlink()  # a result left by an earlier run must never be read as this run's
    last = None
    for _ in range(attempts):
        with reserved_ports(n_workers) as ports:
            try:
                return _start_and_wait(ports, out_dir, timeout, fail)
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


class WorkerLost(RuntimeError):
    """A worker was killed on purpose (``kill_after_epoch``); every other worker was stopped.

    ``codes``: each worker's exit code (negative: killed by that signal; ``None``: stopped by
    :func:`run_workers`); ``lost``: the index of the worker that died; ``checkpoint``: the chief's
    latest checkpoint name (``"ckpt-2"``) and ``checkpoint_weights``: the weights the chief saved
    with it, which a restart must restore exactly.
    """

    def __init__(self, message: str, codes: list, lost: int, checkpoint: str | None,
                 checkpoint_weights: list[np.ndarray] | None):
        super().__init__(message)
        self.codes, self.lost = codes, lost
        self.checkpoint, self.checkpoint_weights = checkpoint, checkpoint_weights


def _start_and_wait(ports: list[int], out_dir: Path, timeout: float, fail=None) -> list[dict]:
    procs, logs = [], []
    env = dict(os.environ)  # keeps the offline guard's PYTHONPATH and the pinned numerics
    env["TF_NUM_INTRAOP_THREADS"] = "1"  # two workers share the two cores: one thread each
    env["TF_NUM_INTEROP_THREADS"] = "1"
    env.pop("TF_CONFIG", None)
    codes = []
    try:
        try:
            for index in range(len(ports)):
                env["TF_CONFIG"] = json.dumps(tf_config(ports, index))
                log = open(out_dir / f"worker{index}.log", "w+b")  # noqa: SIM115 (closed below)
                logs.append(log)
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "helpers.distributed.worker", "--index", str(index),
                     "--out", str(out_dir), "--parent_pid", str(os.getpid()),
                     "--max_seconds", str(timeout + 10)],
                    env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    cwd=str(out_dir)))
            deadline, timed_out = time.monotonic() + timeout, False
            while any(p.poll() is None for p in procs):
                if any(p.poll() not in (None, 0) for p in procs):
                    break  # one failed: the others would wait for it forever
                if time.monotonic() > deadline:
                    timed_out = True
                    break
                time.sleep(0.05)
            codes = [p.poll() for p in procs]
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
            for p in procs:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:  # pragma: no cover - a kill that did not land
                    pass
    finally:
        for log in logs:
            log.close()
    if codes != [0] * len(procs):
        text = "\n".join(f"--- worker {i} ({'stopped' if c is None else f'exit code {c}'}):\n"
                         + _tail(out_dir / f"worker{i}.log") for i, c in enumerate(codes))
        if fail is not None and codes[fail["worker"]] == -9:
            name, weights = _chief_checkpoint(out_dir)
            raise WorkerLost(f"worker {fail['worker']} was killed after epoch "
                             f"{fail['after_epoch']} (as a lost machine); the other workers were "
                             f"stopped. The chief's latest checkpoint: {name}.", codes,
                             fail["worker"], name, weights)
        if "ddress already in use" in text:
            raise _PortTaken(text)
        if timed_out:
            raise TimeoutError(f"the workers did not finish within {timeout:g} s and were "
                               f"stopped:\n{text}")
        raise RuntimeError(f"a worker failed; every worker was stopped:\n{text}")
    return [_read_result(out_dir, i) for i in range(len(procs))]


def _chief_checkpoint(out_dir: Path):
    """The chief's latest checkpoint name and the weights it saved with it (from the run folder)."""
    settings = json.loads((out_dir / "settings.json").read_text(encoding="utf-8"))
    folder = settings.get("checkpoint_dir")
    index = Path(folder) / "checkpoint" if folder else None
    if index is None or not index.exists():
        return None, None
    first = index.read_text(encoding="utf-8").splitlines()[0]  # model_checkpoint_path: "ckpt-2"
    name = first.split('"')[1].split("/")[-1]
    saved = out_dir / f"chief_{name}.npz"
    if not saved.exists():
        return name, None
    with np.load(saved) as arrays:
        return name, [arrays[f"arr_{i}"] for i in range(len(arrays.files))]


def _tail(path: Path, n: int = 15) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(lines[-n:])


def _read_result(out_dir: Path, index: int) -> dict:
    info = json.loads((out_dir / f"result{index}.json").read_text(encoding="utf-8"))
    n_weights = info.pop("n_weights")
    with np.load(out_dir / f"result{index}.npz") as arrays:
        info["losses"] = arrays["losses"]
        info["weights"] = [arrays[f"w{i}"] for i in range(n_weights)]
        info["restored_weights"] = ([arrays[f"restored{i}"] for i in range(n_weights)]
                                    if "restored0" in arrays.files else None)
    return info

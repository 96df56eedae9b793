"""One worker process of :func:`helpers.distributed.cluster.run_workers` (run as a module).

``python -m helpers.distributed.worker --index i --out FOLDER --parent_pid P --max_seconds S``
reads ``TF_CONFIG`` and the inputs in ``FOLDER``, trains ``data_parallel.make_model`` with
``MultiWorkerMirroredStrategy`` and a custom loop (:func:`make_train_step`), and writes its losses,
weights and timings back to ``FOLDER``. It exits on its own when the process that started it dies
or ``S`` seconds have passed (:func:`helpers.processes.die_with_parent`).

With a checkpoint folder in the settings it follows TensorFlow's multi-worker practice
(tensorflow.org, "Custom training loop with Keras and MultiWorkerMirroredStrategy"): **every**
worker saves after each epoch (saving may take part in collective operations, so a worker that
skipped it could hang the others); the chief (worker 0) writes into the real folder, every other
worker into a temporary folder of its own that it deletes right after; and at start-up **every**
worker restores from ``tf.train.latest_checkpoint(<the chief's folder>)``. A worker named in the
settings' ``"fail"`` entry kills itself (SIGKILL, as a lost machine) once the chief's checkpoint of
that epoch is on disk, so a lesson can restart the cluster and watch training resume.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import time
import traceback
from pathlib import Path

import numpy as np

from helpers.distributed.data_parallel import make_model
from helpers.processes import die_with_parent

__all__ = ["worker_main", "make_train_step", "FIT_ERROR_TEXT", "CHIEF"]

#: The message Keras 3's ``fit`` fails with under ``MultiWorkerMirroredStrategy`` (keras-team/keras
#: issue 20585), as TensorFlow 2.21 and Keras 3.15 word it.
FIT_ERROR_TEXT = "Attempt to convert a value (PerReplica"
#: The chief's task index: it writes the real checkpoints.
CHIEF = 0


def make_train_step(strategy, model, optimizer, global_batch: int):
    """A data-parallel step under ``strategy``: ``train_step(x, y)`` returns the global batch's loss.

    Each replica runs ``replica_step`` on its shard: the per-example losses go through
    ``tf.nn.compute_average_loss`` (their sum divided by the GLOBAL batch), the gradient is taken,
    and ``optimizer.apply_gradients`` sums the replicas' gradients (the all-reduce) before every
    replica applies the same update. Under ``MultiWorkerMirroredStrategy`` each worker passes its
    own shard; under ``MirroredStrategy`` pass a batch of ``strategy.experimental_distribute_dataset``
    (one shard per local device).
    """
    import keras
    import tensorflow as tf

    per_example = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)

    def replica_step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.nn.compute_average_loss(per_example(y, model(x, training=True)),
                                              global_batch_size=global_batch)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    @tf.function
    def train_step(x, y):
        per_replica = strategy.run(replica_step, args=(x, y))
        return strategy.reduce("SUM", per_replica, axis=None)  # the global batch's mean loss

    return train_step


def _fit_error(strategy, hidden, x, y, batch) -> dict | None:
    """Try Keras's fit under the strategy; return its error message and where it was raised."""
    import keras

    keras.config.disable_traceback_filtering()  # keep Keras's own frames: where did it fail?
    try:
        with strategy.scope():
            model = make_model(hidden)
            model.compile(optimizer=keras.optimizers.SGD(0.1),
                          loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    except Exception as err:  # the point: show what fails, and go on
        text = f"{type(err).__name__}: {err}".strip()
        frames = [f"{Path(f.filename).parent.name}/{Path(f.filename).name}:{f.name}"
                  for f in traceback.extract_tb(err.__traceback__) if "keras" in f.filename]
        return {"message": "\n".join(text.splitlines()[:3])[:600], "keras_frames": frames[-6:]}
    return None


def _wait_for_checkpoint(folder: str, name: str, seconds: float = 30.0) -> None:
    """Block until the chief's checkpoint ``name`` (e.g. 'ckpt-2') is the latest in ``folder``."""
    import tensorflow as tf

    deadline = time.monotonic() + seconds
    while (tf.train.latest_checkpoint(folder) or "").split(os.sep)[-1] != name:
        if time.monotonic() > deadline:
            return
        time.sleep(0.05)


def worker_main(argv=None) -> None:
    """One worker: read TF_CONFIG and the inputs, train with a custom loop, write the results."""
    parser = argparse.ArgumentParser(prog="python -m helpers.distributed.worker")
    parser.add_argument("--index", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--parent_pid", type=int, default=None)
    parser.add_argument("--max_seconds", type=float, default=120.0)
    args = parser.parse_args(argv)
    if args.parent_pid is not None:
        die_with_parent(args.parent_pid, args.max_seconds)
    out_dir = Path(args.out)
    settings = json.loads((out_dir / "settings.json").read_text(encoding="utf-8"))
    with np.load(out_dir / "inputs.npz") as arrays:
        inputs = {k: arrays[k] for k in arrays.files}
    started = time.perf_counter()

    import keras
    import tensorflow as tf

    imported = time.perf_counter()
    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # reads TF_CONFIG; waits for all
    connected = time.perf_counter()
    n_workers = strategy.num_replicas_in_sync
    batch, epochs = settings["global_batch"], settings["epochs"]
    shard = batch // n_workers
    x, y = inputs["x"], inputs["y"]
    with strategy.scope():
        model = make_model(inputs["w0"].shape[1])
        model.set_weights([inputs[f"w{i}"] for i in range(4)])
        optimizer = keras.optimizers.SGD(settings["learning_rate"])
        epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch")
    train_step = make_train_step(strategy, model, optimizer, batch)

    chief_dir = settings.get("checkpoint_dir")
    restored_from, restored = None, None
    if chief_dir:
        checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer, epoch=epoch)
        write_dir = chief_dir if args.index == CHIEF else os.path.join(
            chief_dir, f"workertemp_{args.index}")                   # non-chief: a temporary copy
        manager = tf.train.CheckpointManager(checkpoint, write_dir, max_to_keep=epochs)
        latest = tf.train.latest_checkpoint(chief_dir)              # the CHIEF's, on every worker
        if latest:
            checkpoint.restore(latest).assert_existing_objects_matched()
            restored_from = os.path.basename(latest)
            restored = model.get_weights()
    fail = settings.get("fail") or {}

    lo, hi = args.index * shard, (args.index + 1) * shard  # this worker's rows of each batch
    start_epoch, losses, step_seconds = int(epoch.numpy()), [], []
    while int(epoch.numpy()) < epochs:
        values = []
        for s in range(0, len(x), batch):
            tick = time.perf_counter()
            values.append(float(train_step(x[s + lo:s + hi], y[s + lo:s + hi])))
            step_seconds.append(time.perf_counter() - tick)
        losses.append(float(np.mean(values)))
        epoch.assign_add(1)
        done = int(epoch.numpy())
        if chief_dir:
            saved = manager.save()                                   # every worker saves ...
            if args.index == CHIEF:
                np.savez(out_dir / f"chief_{os.path.basename(saved)}.npz", *model.get_weights())
            else:
                tf.io.gfile.rmtree(write_dir)                        # ... the others delete it
        if fail.get("worker") == args.index and fail.get("after_epoch") == done:
            if chief_dir:  # lost after the chief's checkpoint of this epoch is safely on disk
                _wait_for_checkpoint(chief_dir, f"ckpt-{done}")
            os.kill(os.getpid(), signal.SIGKILL)                     # a machine lost, no goodbye
    trained = time.perf_counter()
    fit_error = _fit_error(strategy, inputs["w0"].shape[1], x[lo:hi], y[lo:hi], shard) \
        if settings.get("try_fit") else None
    weights = model.get_weights()
    arrays = {"losses": np.array(losses), **{f"w{i}": w for i, w in enumerate(weights)}}
    if restored is not None:
        arrays.update({f"restored{i}": w for i, w in enumerate(restored)})
    np.savez(out_dir / f"result{args.index}.npz", **arrays)
    steady = step_seconds[1:]  # the first step traces the tf.function: not training speed
    info = {"index": args.index, "n_weights": len(weights), "n_replicas": n_workers,
            "fit_error": fit_error, "start_epoch": start_epoch, "restored_from": restored_from,
            "import_seconds": imported - started, "connect_seconds": connected - imported,
            "train_seconds": trained - connected, "steps": len(step_seconds),
            "step_seconds": float(np.median(steady)) if steady else None,
            "checkpoints": sorted(os.listdir(chief_dir)) if chief_dir else None,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    (out_dir / f"result{args.index}.json").write_text(json.dumps(info), encoding="utf-8")


if __name__ == "__main__":
    worker_main()

"""One worker process of :func:`helpers.distributed.cluster.run_workers` (run as a module).

``python -m helpers.distributed --index i --out FOLDER`` (the package's ``__main__``) reads
``TF_CONFIG`` and the inputs in ``FOLDER``, trains ``data_parallel.make_model`` with
``MultiWorkerMirroredStrategy`` and a custom loop (``strategy.run``), tries Keras's ``fit`` under
the same strategy, and writes its losses, weights and timings back to ``FOLDER``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from helpers.distributed.data_parallel import make_model

__all__ = ["worker_main", "FIT_ERROR_TEXT"]

#: The message Keras 3's ``fit`` fails with under ``MultiWorkerMirroredStrategy`` (keras-team/keras
#: issue 20585), as TensorFlow 2.21 and Keras 3.15 word it.
FIT_ERROR_TEXT = "Attempt to convert a value (PerReplica"


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

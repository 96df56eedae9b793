"""Data parallelism, the idea in NumPy, and the network lesson 18 trains with it.

:func:`shard_batch` splits a global batch into one shard per replica, :func:`softmax_gradient` is
each replica's gradient, :func:`all_reduce_mean` averages them (the all-reduce). The network is
:func:`make_model` (Keras) and :func:`initial_weights` its starting weights drawn in NumPy, so
they can be handed to worker processes before TensorFlow is imported. Built on
``helpers.numpy_nn``'s kernels.
"""

from __future__ import annotations

import numpy as np

from helpers import validate
from helpers.numpy_nn.activations import _softmax
from helpers.numpy_nn.initialisers import _glorot_uniform
from helpers.numpy_nn.layers import _dense_backward, _dense_forward
from helpers.numpy_nn.losses import _softmax_cross_entropy_backward

__all__ = ["shard_batch", "all_reduce_mean", "softmax_gradient", "initial_weights", "make_model"]


def shard_batch(x, y, n_replicas: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split one global batch ``(x, y)`` into ``n_replicas`` equal, consecutive shards.

    Replica ``k`` gets rows ``k * m / n`` to ``(k + 1) * m / n``. The global batch must divide
    evenly (as it does in the lesson; ``tf.distribute`` handles a ragged last batch by weighting).
    """
    x = validate.array(x, "x", min_ndim=1)
    y = validate.array(y, "y", min_ndim=1, dtype=None)
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
    dz = _softmax_cross_entropy_backward(_softmax(_dense_forward(x, w, b)), y)
    _, dw, db = _dense_backward(dz, x, w, input_gradient=False)
    return [dw, db]


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
        weights += [_glorot_uniform(rng, fan_in, fan_out).astype(np.float32),
                    np.zeros(fan_out, np.float32)]
    return weights


def make_model(hidden: int = 32):
    """The lesson's digits network: 64 pixels -> ``hidden`` ReLU units -> 10 logits."""
    hidden = validate.integer(hidden, "hidden", minimum=1)
    import keras

    return keras.Sequential([keras.Input((64,)), keras.layers.Dense(hidden, activation="relu"),
                             keras.layers.Dense(10)])

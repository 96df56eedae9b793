"""Batch and layer normalisation (lesson 16), forward pass, channels last as in Keras.

Keras's definitions (keras/src/layers/normalization/, 3.15): the mean and the BIASED variance
(divide by N), epsilon 1e-3 inside the square root, then ``gamma * x_hat + beta``. The kernels
``_batch_norm`` and ``_layer_norm`` are the formulas; the public functions check the inputs. A
backward pass would sit beside each kernel.
"""

from __future__ import annotations

import numpy as np

from helpers import validate

__all__ = ["batch_norm", "layer_norm"]


# --------------------------------------------------------------------------- kernels (unchecked)


def _batch_norm(x, gamma, beta, eps):
    rows = x.reshape(-1, x.shape[-1])                  # 1. (n*h*w, c): every position is a row
    mean = rows.mean(axis=0)
    var = rows.var(axis=0)                             # biased: divide by N, like Keras
    x_hat = (rows - mean) / np.sqrt(var + eps)         # 2. standardise each column
    out = gamma * x_hat + beta                         # 3. scale and shift
    return out.reshape(x.shape)                        # 4. back to the input's shape


def _layer_norm(x, gamma, beta, eps):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


# --------------------------------------------------------------------------- checked functions


def _check_norm_inputs(x, gamma, beta, eps, where: str):
    """Validate a normalisation's input and its per-feature gamma/beta (length = last axis)."""
    x = validate.array(x, "x", min_ndim=2)
    eps = validate.number(eps, "eps", positive=True)
    c = x.shape[-1]
    params = []
    for name, value in (("gamma", gamma), ("beta", beta)):
        arr = validate.array(value, name)
        if arr.shape != (c,):
            hint = (f" (one value per feature of the LAST axis of x; x has shape {x.shape}, "
                    f"channels last as in Keras)")
            raise ValueError(f"{where}: {name} must have shape ({c},), got {arr.shape}.{hint}")
        params.append(arr)
    return x, params[0], params[1], eps


def batch_norm(x, gamma, beta, eps: float = 1e-3):
    """Batch normalisation in training mode, as the CS329P notes give it, channels last.

    ``x`` has any rank >= 2 with the features (channels) on the LAST axis, e.g. ``(n, c)`` or
    ``(n, h, w, c)``. The four steps:

    1. reshape to a 2-D matrix ``(n*h*w, c)``: every position of every example is a row;
    2. standardise each column with its mean and biased variance (divide by N):
       ``x_hat = (x - mean) / sqrt(var + eps)``;
    3. scale and shift each column with the learned ``gamma`` and ``beta`` (shape ``(c,)``);
    4. reshape back to the input's shape.

    Equal to ``keras.layers.BatchNormalization()(x, training=True)`` with the same ``gamma``/``beta``
    (``eps`` = Keras's ``epsilon`` = 1e-3). Returns a float64 array of ``x``'s shape.
    """
    x, gamma, beta, eps = _check_norm_inputs(x, gamma, beta, eps, "batch_norm")
    if np.prod(x.shape[:-1]) < 2:
        raise ValueError(f"batch_norm needs at least 2 values per feature to estimate a batch "
                         f"variance, got x of shape {x.shape}; a batch of one is what layer_norm "
                         f"(or inference mode with moving statistics) is for.")
    return _batch_norm(x, gamma, beta, eps)


def layer_norm(x, gamma, beta, eps: float = 1e-3):
    """Layer normalisation over the last axis: each example (each token) standardised on its own.

    ``x`` has any rank >= 2, features last (``(n, d)`` or a sequence batch ``(n, t, d)``). Mean and
    biased variance are taken over the last axis only, so no statistic crosses examples or time
    steps, and training and inference compute the same thing. Equal to
    ``keras.layers.LayerNormalization()(x)`` with the same ``gamma``/``beta`` (shape ``(d,)``).
    """
    x, gamma, beta, eps = _check_norm_inputs(x, gamma, beta, eps, "layer_norm")
    return _layer_norm(x, gamma, beta, eps)

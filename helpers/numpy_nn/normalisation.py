"""Batch and layer normalisation (lesson 16): forward and backward passes, channels last as in Keras.

Keras's definitions (keras/src/layers/normalization/, 3.15): the mean and the BIASED variance
(divide by N), epsilon 1e-3 inside the square root, then ``gamma * x_hat + beta``. The kernels
(``_batch_norm``, ``_batch_norm_backward``, ``_layer_norm``, ``_layer_norm_backward``) are the
formulas; the public functions check the inputs first.

The backward passes return ``(dx, dgamma, dbeta)`` for an upstream gradient ``dy`` (the gradient
of the loss with respect to the layer's output), recomputing the forward statistics from ``x``.
In training mode batch norm's ``dx`` of one example depends on every other example of the batch
(through the batch mean and variance); layer norm's does not.
"""

from __future__ import annotations

import numpy as np

from helpers import validate

__all__ = ["batch_norm", "batch_norm_backward", "layer_norm", "layer_norm_backward"]


# --------------------------------------------------------------------------- kernels (unchecked)


def _batch_norm(x, gamma, beta, eps):
    rows = x.reshape(-1, x.shape[-1])                  # 1. (n*h*w, c): every position is a row
    mean = rows.mean(axis=0)
    var = rows.var(axis=0)                             # biased: divide by N, like Keras
    x_hat = (rows - mean) / np.sqrt(var + eps)         # 2. standardise each column
    out = gamma * x_hat + beta                         # 3. scale and shift
    return out.reshape(x.shape)                        # 4. back to the input's shape


def _batch_norm_backward(dy, x, gamma, eps):
    """dx, dgamma, dbeta of training-mode batch norm (the compact form of the chain rule)."""
    rows, d_rows = x.reshape(-1, x.shape[-1]), dy.reshape(-1, x.shape[-1])
    std = np.sqrt(rows.var(axis=0) + eps)
    x_hat = (rows - rows.mean(axis=0)) / std
    dbeta = d_rows.sum(axis=0)
    dgamma = (d_rows * x_hat).sum(axis=0)
    dx_hat = d_rows * gamma
    # through x_hat = (x - mean) / std, where mean and std depend on every row of the column
    dx = (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0)) / std
    return dx.reshape(x.shape), dgamma, dbeta


def _layer_norm(x, gamma, beta, eps, axes=(-1,)):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def _layer_norm_backward(dy, x, gamma, eps, axes=(-1,)):
    """dx, dgamma, dbeta of layer norm over ``axes`` (the trailing axes of x)."""
    std = np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=axes, keepdims=True)) / std
    batch_axes = tuple(range(x.ndim - len(axes)))
    dbeta = dy.sum(axis=batch_axes)
    dgamma = (dy * x_hat).sum(axis=batch_axes)
    dx_hat = dy * gamma
    dx = (dx_hat - dx_hat.mean(axis=axes, keepdims=True)
          - x_hat * (dx_hat * x_hat).mean(axis=axes, keepdims=True)) / std
    return dx, dgamma, dbeta


# --------------------------------------------------------------------------- checked functions


def _check_norm_inputs(x, gamma, beta, eps, where: str, axes=(-1,)):
    """Validate a normalisation's input and its gamma/beta (shape = x's normalised axes)."""
    x = validate.array(x, "x", min_ndim=2)
    eps = validate.number(eps, "eps", positive=True)
    shape = tuple(x.shape[a] for a in axes)
    params = []
    for name, value in (("gamma", gamma), ("beta", beta)):
        arr = validate.array(value, name)
        if arr.shape != shape:
            if axes == (-1,):
                hint = (f" (one value per feature of the LAST axis of x; x has shape {x.shape}, "
                        f"channels last as in Keras)")
            else:
                hint = f" (one value per element of x's axes {axes}; x has shape {x.shape})"
            raise ValueError(f"{where}: {name} must have shape {shape}, got {arr.shape}.{hint}")
        params.append(arr)
    return x, params[0], params[1], eps


def _check_axes(axis, x) -> tuple[int, ...]:
    """``axis`` as a tuple of negative axes that are the trailing axes of ``x`` (never axis 0)."""
    ndim = np.ndim(x)
    items = [axis] if isinstance(axis, int | np.integer) and not isinstance(axis, bool) else axis
    if not isinstance(items, list | tuple) or not items or not all(
            isinstance(a, int | np.integer) and not isinstance(a, bool) for a in items):
        raise TypeError(f"axis must be an int or a list of ints (e.g. -1, or [1, 2, 3] for an "
                        f"(n, h, w, c) input), got {validate.describe(axis)}.")
    if ndim < 2:
        return (-1,)  # the array check that follows says what is wrong with x
    normalised = []
    for a in items:
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of range for x of shape {np.shape(x)}.")
        normalised.append(int(a) - ndim if a >= 0 else int(a))
    normalised = sorted(set(normalised))
    if normalised != list(range(-len(normalised), 0)):
        raise ValueError(f"axis must be the trailing axes of x (e.g. -1, or [1, 2, 3] for (n, h, "
                         f"w, c)), got {axis} for x of shape {np.shape(x)}.")
    if len(normalised) == ndim:
        raise ValueError(f"axis {axis} includes the batch axis 0: layer norm standardises each "
                         f"example on its own; normalise over the axes after the first.")
    return tuple(normalised)


def _check_dy(dy, x, where: str) -> np.ndarray:
    dy = validate.array(dy, "dy", hint="the upstream gradient must be finite")
    if dy.shape != x.shape:
        raise ValueError(f"{where}: dy (the gradient of the loss with respect to the layer's "
                         f"output) must have x's shape {x.shape}, got {dy.shape}.")
    return dy


def _need_two_rows(x, where: str) -> None:
    if np.prod(x.shape[:-1]) < 2:
        raise ValueError(f"{where} needs at least 2 values per feature to estimate a batch "
                         f"variance, got x of shape {x.shape}. (Keras's BatchNormalization in "
                         f"training mode accepts a batch of one and outputs beta for every value; "
                         f"this helper refuses it so the mistake is seen. A batch of one is what "
                         f"layer_norm, or inference mode with moving statistics, is for.)")


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
    (``eps`` = Keras's ``epsilon`` = 1e-3). Returns a float64 array of ``x``'s shape. A batch with
    a single row per feature is refused (``ValueError``; see :func:`_need_two_rows`).
    """
    x, gamma, beta, eps = _check_norm_inputs(x, gamma, beta, eps, "batch_norm")
    _need_two_rows(x, "batch_norm")
    return _batch_norm(x, gamma, beta, eps)


def batch_norm_backward(dy, x, gamma, eps: float = 1e-3):
    """Backward pass of :func:`batch_norm` (training mode): returns ``(dx, dgamma, dbeta)``.

    ``dy`` is the gradient of the loss with respect to the output (``x``'s shape). With
    ``x_hat = (x - mean) / std`` per feature column (``std = sqrt(var + eps)``, N rows):
    ``dbeta = sum(dy)``, ``dgamma = sum(dy * x_hat)`` and, with ``g = dy * gamma``,
    ``dx = (g - mean(g) - x_hat * mean(g * x_hat)) / std``: the last two terms are the paths
    through the batch mean and variance, which is how every example's ``dx`` depends on the
    others. Equal to TensorFlow's autodiff of Keras's layer in training mode.
    """
    x, gamma, _, eps = _check_norm_inputs(x, gamma, gamma, eps, "batch_norm_backward")
    _need_two_rows(x, "batch_norm_backward")
    dy = _check_dy(dy, x, "batch_norm_backward")
    return _batch_norm_backward(dy, x, gamma, eps)


def layer_norm(x, gamma, beta, eps: float = 1e-3, axis=-1):
    """Layer normalisation: each example standardised on its own, over ``axis``.

    ``axis=-1`` (Keras's default, and what Transformers do): each token of a sequence batch
    ``(n, t, d)`` over its own ``d`` features; ``gamma``/``beta`` have shape ``(d,)``. The course
    notes also normalise a whole example: for an image batch ``(n, h, w, c)`` over ``h, w, c``
    together (``axis=[1, 2, 3]``), for a sequence ``(n, t, p)`` over ``t`` and ``p`` together
    (``axis=[1, 2]``); then ``gamma``/``beta`` have the shape of those axes, as in
    ``keras.layers.LayerNormalization(axis=[1, 2, 3])``. ``axis`` must be trailing axes, never
    the batch axis. Mean and biased variance are taken over those axes only, so no statistic
    crosses examples, and training and inference compute the same thing.
    """
    axes = _check_axes(axis, x)
    x, gamma, beta, eps = _check_norm_inputs(x, gamma, beta, eps, "layer_norm", axes)
    return _layer_norm(x, gamma, beta, eps, axes)


def layer_norm_backward(dy, x, gamma, eps: float = 1e-3, axis=-1):
    """Backward pass of :func:`layer_norm`: ``(dx, dgamma, dbeta)`` for upstream gradient ``dy``.

    The same formula as :func:`batch_norm_backward` with the statistics taken over each example's
    ``axis`` instead of over the batch (layer norm is batch norm of the transposed matrix), so an
    example's ``dx`` depends on that example alone.
    """
    axes = _check_axes(axis, x)
    x, gamma, _, eps = _check_norm_inputs(x, gamma, gamma, eps, "layer_norm_backward", axes)
    dy = _check_dy(dy, x, "layer_norm_backward")
    return _layer_norm_backward(dy, x, gamma, eps, axes)

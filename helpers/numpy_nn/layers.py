"""Dense layers: the forward pass (one example, a batch, a stack of layers) and the backward pass.

Keras's conventions, so numbers can be compared with a Keras model weight for weight: a batch
``X`` has shape ``(m, n_in)`` (one row per example), a layer's weights ``W`` have the layout
``(n_in, n_units)`` and its bias ``b`` the shape ``(n_units,)``.

The kernels :func:`_dense_forward` and :func:`_dense_backward` are the affine map and its
gradient, unchecked; they also work on a leading axis of networks (``(P, m, n)`` inputs with
``(P, n, k)`` weights), which ``helpers.tuning``'s population of networks uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from helpers import validate
from helpers.numpy_nn.activations import get_activation, softmax

__all__ = ["dense_loop", "dense", "sequential"]


# --------------------------------------------------------------------------- kernels (unchecked)


def _dense_forward(A_in, W, b):
    """``Z = A_in @ W + b``: every unit of the layer for every example at once."""
    return A_in @ W + b


def _dense_backward(dZ, A_in, W, *, input_gradient: bool = True):
    """Gradients of the affine map ``Z = A_in @ W + b`` from ``dZ = dL/dZ``.

    Returns ``(dA_in, dW, db)``: ``dW = A_in^T dZ``, ``db = sum of dZ over the examples``,
    ``dA_in = dZ W^T`` (``None`` with ``input_gradient=False``, for the first layer).
    """
    dW = np.swapaxes(A_in, -1, -2) @ dZ
    db = dZ.sum(axis=-2)
    dA_in = dZ @ np.swapaxes(W, -1, -2) if input_gradient else None
    return dA_in, dW, db


# --------------------------------------------------------------------------- checked functions


def _check_layer_params(W, b, n_in: int, where: str):
    W = validate.array(W, "W")
    b = validate.array(b, "b")
    if W.ndim != 2:
        raise ValueError(f"{where}: W must be 2-D with shape (n_in, n_units), got shape {W.shape}.")
    # the input width first: a transposed W is the commonest mistake and gets its own hint
    if W.shape[0] != n_in:
        hint = " (W may be transposed: Keras's layout is (n_in, n_units))" \
            if W.shape[1] == n_in else ""
        raise ValueError(f"{where}: the input has {n_in} features but W has shape {W.shape}, "
                         f"which expects {W.shape[0]}{hint}.")
    if b.ndim != 1 or b.shape[0] != W.shape[1]:
        raise ValueError(f"{where}: b must have shape ({W.shape[1]},) to match W {W.shape}, "
                         f"got {b.shape}.")
    return W, b


def dense_loop(a_in, W, b, activation="sigmoid"):
    """One dense layer for ONE example, unit by unit, as the course first writes it.

    ``a_in`` has shape ``(n_in,)``; unit ``j`` computes ``g(w_j . a_in + b_j)`` with ``w_j = W[:, j]``.
    Returns shape ``(n_units,)``. Slow on purpose: compare with :func:`dense`.
    """
    a_in = validate.array(a_in, "a_in")
    if a_in.ndim != 1:
        raise ValueError(f"dense_loop takes one example of shape (n_in,), got shape {a_in.shape}; "
                         "use dense() for a batch.")
    W, b = _check_layer_params(W, b, a_in.shape[0], "dense_loop")
    g = get_activation(activation)
    if g is softmax:
        raise ValueError("dense_loop applies the activation unit by unit; softmax needs all units "
                         "at once: use dense().")
    units = W.shape[1]
    a_out = np.zeros(units)
    for j in range(units):
        w = W[:, j]
        z = np.dot(w, a_in) + b[j]
        a_out[j] = g(z)
    return a_out


def dense(A_in, W, b, activation="sigmoid"):
    """One dense layer for a batch, vectorised: ``g(A_in @ W + b)``.

    ``A_in`` has shape ``(m, n_in)`` (a single example of shape ``(n_in,)`` is accepted too and
    gives ``(n_units,)``). Returns ``(m, n_units)``. An empty batch raises ``ValueError``.
    """
    A_in = validate.array(A_in, "A_in")
    if A_in.ndim not in (1, 2):
        raise ValueError(f"dense takes a batch of shape (m, n_in), got shape {A_in.shape}.")
    W, b = _check_layer_params(W, b, A_in.shape[-1], "dense")
    return get_activation(activation)(_dense_forward(A_in, W, b))


def _looks_like_one_layer(layers) -> bool:
    return (len(layers) == 3 and isinstance(layers[0], np.ndarray) and np.ndim(layers[0]) == 2
            and (layers[2] is None or isinstance(layers[2], str) or callable(layers[2])))


def sequential(X, layers: Sequence):
    """Forward pass through a stack of dense layers.

    ``layers`` is a non-empty list of ``(W, b, activation)`` triples, applied in order with
    :func:`dense`. An empty list raises ``ValueError`` (with no layer there is no network; it
    would return ``X`` unchanged).
    """
    if isinstance(layers, str | bytes | np.ndarray | Mapping) or not isinstance(layers, Sequence):
        raise TypeError(f"layers must be a list of (W, b, activation) triples, got "
                        f"{validate.describe(layers)}.")
    if len(layers) == 0:
        raise ValueError("sequential needs at least one (W, b, activation) layer; with none it "
                         "would return X unchanged.")
    if _looks_like_one_layer(layers):
        raise TypeError("layers looks like ONE (W, b, activation) triple; pass a list of layers, "
                        "e.g. [(W, b, 'relu')].")
    A = X
    for i, layer in enumerate(layers):
        if not (isinstance(layer, tuple | list) and len(layer) == 3):
            size = len(layer) if hasattr(layer, "__len__") else "?"
            hint = " Add the activation: (W, b, 'sigmoid')." if size == 2 else ""
            raise ValueError(f"layer {i} must be a (W, b, activation) triple, got "
                             f"{type(layer).__name__} of length {size}.{hint}")
        W, b, activation = layer
        try:
            A = dense(A, W, b, activation)
        except ValueError as err:
            raise ValueError(f"layer {i}: {err}") from None
    return A

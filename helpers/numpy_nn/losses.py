"""Loss functions: how far a network's outputs are from the targets, and the loss's gradient.

As in :mod:`helpers.numpy_nn.activations`, each loss is an unchecked kernel under a checked
public function. :func:`_softmax_cross_entropy_backward` is the one place the famous
``dL/dz = (softmax(z) - onehot(t)) / m`` is written; ``backprop``, ``tuning`` and
``distributed`` all use it.
"""

from __future__ import annotations

import numpy as np

from helpers import validate
from helpers.numpy_nn.activations import _log_softmax

__all__ = ["mean_squared_error", "cross_entropy_error", "cross_entropy_from_logits"]


# --------------------------------------------------------------------------- kernels (unchecked)


def _cross_entropy_from_logits(logits, labels) -> float:
    """Mean of ``-log softmax(logits)[i, labels[i]]`` over the rows of 2-D ``logits``."""
    return float(-np.mean(_log_softmax(logits, axis=1)[np.arange(len(labels)), labels]))


def _softmax_cross_entropy_backward(probs, labels):
    """``(probs - onehot(labels)) / m``: the gradient of the mean softmax cross-entropy with
    respect to the logits, given ``probs = softmax(logits)`` of shape ``(..., m, k)`` and ``m``
    class indices. A new array; ``probs`` is left as it is."""
    grad = np.array(probs, dtype=float, copy=True)
    m = grad.shape[-2]
    grad[..., np.arange(m), labels] -= 1.0
    grad /= m
    return grad


# --------------------------------------------------------------------------- checked functions


def mean_squared_error(y, t):
    """Half the sum of squared differences, 0.5 * sum((y - t)^2), as in "Deep Learning from Scratch".

    This is the course notes' version (a sum, halved), not Keras's ``MeanSquaredError`` (a mean).
    ``y`` (network output) and ``t`` (target, e.g. one-hot) must have the same, non-empty shape.
    """
    y = validate.array(y, "y")
    t = validate.array(t, "t")
    if y.shape != t.shape:
        raise ValueError(f"y and t must have the same shape, got y {y.shape} and t {t.shape}; "
                         "for class indices, one-hot encode t first.")
    return 0.5 * float(np.sum((y - t) ** 2))


def _one_hot_indices(t: np.ndarray) -> np.ndarray:
    if not (np.all((t == 0) | (t == 1)) and np.all(t.sum(axis=1) == 1)):
        raise ValueError("one-hot labels t must hold exactly one 1 per row and 0 elsewhere.")
    return t.argmax(axis=1)


def cross_entropy_error(y, t, eps: float = 1e-7):
    """Mean cross-entropy over a batch: -mean(log(y[correct class] + eps)).

    - ``y``: predicted class probabilities, shape ``(m, k)`` or ``(k,)`` for one example, each in
      [0, 1], each row summing to 1 (within 1e-4), as a softmax gives them. One probability per
      example (a binary sigmoid output) is refused: pass ``np.column_stack([1 - p, p])``;
    - ``t``: the labels, either one-hot with the same shape as ``y``, or class indices of shape
      ``(m,)`` (or a scalar for one example);
    - ``eps`` (1e-7, >= 0) keeps log(0) = -inf away when the network gives a probability of 0.

    An empty batch raises ``ValueError``.
    """
    eps = validate.number(eps, "eps", non_negative=True, maximum=1.0)
    y = validate.array(y, "y", ndim=(1, 2))
    one_example = y.ndim == 1
    y = validate.probabilities(
        y.reshape(1, -1) if one_example else y, "y", axis=1,
        hint="if y holds one probability per example (a sigmoid output for two classes), give "
             "both columns: np.column_stack([1 - p, p]), with labels 0/1")
    t = validate.array(t, "t", dtype=None)
    if one_example:
        t = t.reshape(1, -1) if t.ndim == 1 and t.size == y.size and t.size > 1 else t.reshape(-1)
    m, k = y.shape
    if t.shape == y.shape:
        idx = _one_hot_indices(t)
    elif t.shape == (m,) or t.shape == (m, 1):  # class indices
        idx = validate.labels(t, "t", n_classes=k, length=m)
    else:
        raise ValueError(f"t must be one-hot with y's shape {y.shape} or class indices of shape "
                         f"({m},), got shape {t.shape}.")
    return float(-np.sum(np.log(y[np.arange(m), idx] + eps)) / m)


def cross_entropy_from_logits(logits, labels) -> float:
    """Mean cross-entropy ``-log softmax(logits)[label]`` over a batch, from the logits.

    ``logits`` has shape ``(m, k)`` (one row of ``k`` class scores per example; a single example of
    shape ``(k,)`` is a batch of one) and ``labels`` holds ``m`` class indices ``0..k-1`` (for
    one-hot rows pass ``labels.argmax(axis=1)``). Equal to Keras's
    ``SparseCategoricalCrossentropy(from_logits=True)``, in float64.
    """
    logits = validate.array(logits, "logits", ndim=(1, 2))
    if logits.ndim == 1:
        logits = logits[None, :]
    if logits.shape[1] < 2:
        raise ValueError(f"logits must hold at least 2 class scores per example, got shape "
                         f"{logits.shape}; for one binary score use a sigmoid cross-entropy.")
    labels = np.atleast_1d(np.asarray(labels)) if np.ndim(labels) == 0 else labels
    labels = validate.labels(labels, "labels", n_classes=logits.shape[1], length=len(logits))
    return _cross_entropy_from_logits(logits, labels)

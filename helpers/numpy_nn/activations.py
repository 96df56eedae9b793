"""Activation functions ``g(z)`` and the derivatives backpropagation multiplies by.

Each function is written twice, in two layers: a small unchecked kernel (``_sigmoid(z)``: NumPy
only, no checks, fast enough to sit inside a training loop) and the checked public function a
lesson calls (``sigmoid(z)``), which validates ``z`` and then runs the kernel. Other helpers
(``backprop``, ``tuning``, ``distributed``) build on the kernels, so each formula exists once.

Activations are given by name (``"sigmoid"``, ``"relu"``, ``"tanh"``, ``"linear"``, ``"softmax"``)
or as a function; :func:`get_activation` resolves either.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers import validate

__all__ = ["sigmoid", "relu", "tanh", "linear", "softmax", "log_softmax", "ACTIVATIONS",
           "get_activation"]


# --------------------------------------------------------------------------- kernels (unchecked)


def _sigmoid(z):
    """1 / (1 + e^-z) without overflow: the algebraically equal form on each side of 0."""
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _relu(z):
    return np.maximum(0.0, z)


def _softmax(z, axis: int = -1):
    """softmax(z) = softmax(z - max): the shift keeps ``exp`` from overflowing."""
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _log_softmax(z, axis: int = -1):
    """``z - max - log(sum(exp(z - max)))``: never the log of a probability rounded to 0."""
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


# the backward rules: dL/dZ from dL/dA, with Z the input and A = g(Z) the output of the activation

def _sigmoid_backward(dA, Z, A):
    return dA * A * (1.0 - A)  # sigma'(z) = sigma(z) (1 - sigma(z))


def _relu_backward(dA, Z, A):
    return dA * (Z > 0)  # 1 where the unit is on, 0 where it is off (0 at z = 0, like TensorFlow)


def _tanh_backward(dA, Z, A):
    return dA * (1.0 - A * A)  # tanh'(z) = 1 - tanh(z)^2


def _linear_backward(dA, Z, A):
    return dA


#: name -> (forward kernel, backward kernel dZ = f(dA, Z, A)), for element-wise activations
ELEMENTWISE: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (_sigmoid, _sigmoid_backward),
    "relu": (_relu, _relu_backward),
    "tanh": (np.tanh, _tanh_backward),
    "linear": (lambda z: z, _linear_backward),
}


# --------------------------------------------------------------------------- checked functions


def _as_z(z, name: str = "z") -> np.ndarray:
    """``z`` as a float64 array; infinities are fine (they have a limit), NaN is refused."""
    z = validate.array(z, name, finite=False, min_size=0)
    if np.isnan(z).any():
        raise ValueError(f"{name} holds {int(np.isnan(z).sum())} NaN value(s): an earlier step "
                         f"diverged or read missing data; find where the NaN first appears.")
    return z


def sigmoid(z):
    """Logistic function 1 / (1 + e^-z), computed without overflow for large |z| (NaN refused)."""
    return _sigmoid(_as_z(z))


def relu(z):
    """Rectified linear unit max(0, z)."""
    return _relu(_as_z(z))


def tanh(z):
    """Hyperbolic tangent, a zero-centred sigmoid with outputs in (-1, 1)."""
    return np.tanh(_as_z(z))


def linear(z):
    """The identity ("no activation"): g(z) = z."""
    return _as_z(z)


def _check_axis(z: np.ndarray, axis, where: str) -> int:
    if z.ndim == 0:
        raise ValueError(f"{where} needs at least one dimension of logits, got a scalar; "
                         "pass e.g. np.array([z1, z2]).")
    return validate.integer(axis, "axis", minimum=-z.ndim, maximum=z.ndim - 1)


def softmax(z, axis: int = -1):
    """Numerically stable softmax along ``axis``.

    Subtracting the maximum first changes nothing mathematically (softmax(z) = softmax(z - c))
    but keeps ``exp`` from overflowing when logits are large (e.g. 1000). A ``-inf`` logit (a
    masked class) gets probability 0; NaN, ``+inf`` (``inf - inf`` is undefined) and a row with
    no finite logit raise ``ValueError``.
    """
    z = validate.array(z, "z", finite=False)
    axis = _check_axis(z, axis, "softmax")
    if np.isnan(z).any() or np.isposinf(z).any():
        raise ValueError(f"softmax got {int(np.isnan(z).sum())} NaN and {int(np.isposinf(z).sum())}"
                         f" +inf logit(s), whose probabilities are undefined; find the step that "
                         f"overflowed (a too-large learning rate?) or clip the logits.")
    if np.isneginf(np.max(z, axis=axis)).any():
        raise ValueError("softmax got a row whose logits are all -inf: no class is possible.")
    return _softmax(z, axis)


def log_softmax(z, axis: int = -1):
    """``log(softmax(z))`` along ``axis``, computed stably as ``z - max - log(sum(exp(z - max)))``.

    Never takes the log of a rounded-to-zero probability, so a logit 1000 below the others gives
    about -1000, not ``-inf``. ``z`` is a finite array of at least one dimension (logits, not
    probabilities). Returns a float64 array of ``z``'s shape.
    """
    z = validate.array(z, "z", min_ndim=1)
    axis = _check_axis(z, axis, "log_softmax")
    return _log_softmax(z, axis)


ACTIVATIONS: dict[str, Callable] = {
    "sigmoid": sigmoid, "relu": relu, "tanh": tanh, "linear": linear, "softmax": softmax,
}


def get_activation(activation) -> Callable:
    """Resolve an activation given by name (or ``None`` for linear) to a function."""
    if activation is None:
        return linear
    if isinstance(activation, str):
        if activation not in ACTIVATIONS:
            raise ValueError(f"Unknown activation {activation!r}; use one of {sorted(ACTIVATIONS)} "
                             "or pass a function.")
        return ACTIVATIONS[activation]
    if callable(activation):
        return activation
    raise TypeError(f"activation must be a name such as 'relu', a function or None, got "
                    f"{validate.describe(activation)}.")

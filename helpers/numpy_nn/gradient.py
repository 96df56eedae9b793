"""Checking a gradient: the central-difference numerical gradient and the relative error.

Backpropagation (lesson 06) and every hand-derived gradient are checked against
:func:`numerical_gradient` with :func:`relative_error` (about 1e-7 or below means "agree").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from helpers import validate

__all__ = ["numerical_gradient", "relative_error"]


def _loss_value(value, x_index) -> float:
    """``f``'s result as one finite float, or a message that says what ``f`` returned."""
    if isinstance(value, bool | np.bool_ | str | bytes) or np.iscomplexobj(value):
        raise TypeError(f"f must return a real number (the loss), got {validate.describe(value)}.")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"f must return a number (the loss), got {validate.describe(value)}.") \
            from None
    if arr.size != 1:
        raise ValueError(f"f must return ONE number (a scalar loss), got an array of shape "
                         f"{arr.shape}; reduce it, e.g. return np.sum(...) or np.mean(...).")
    out = float(arr.reshape(()))
    if not np.isfinite(out):
        raise ValueError(f"f returned {out} with x{list(x_index)} nudged: a derivative of a NaN "
                         f"or infinite loss means nothing; look for log(0) or an overflow in f.")
    return out


def numerical_gradient(f: Callable, x, h: float = 1e-4):
    """Central-difference gradient of scalar ``f`` at array ``x`` (any shape).

    ``df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h)``. ``x`` is perturbed *in place* one element
    at a time and restored (also when ``f`` raises), so ``f`` may read ``x`` through a closure (e.g.
    a network's weights); ``f`` is called as ``f(x)`` and must return one finite number. ``h`` is a
    positive number (NumPy scalars welcome). Costs 2 evaluations of ``f`` per element of ``x``.
    """
    validate.function(f, "f", hint="numerical_gradient(f, x) needs the loss as a function of x")
    h = validate.number(h, "h", positive=True)
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be a NumPy array (it is perturbed in place), got {type(x).__name__}.")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float array (an h of {h} cannot be added to dtype {x.dtype}); "
                        "use x.astype(float).")
    if x.dtype != np.float64:
        # float32 cannot represent x + 1e-4 accurately enough for a central difference.
        raise TypeError(f"x must be float64 for an accurate central difference, got {x.dtype}.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"x holds {int(np.sum(~np.isfinite(x)))} NaN or infinite value(s); a "
                         f"gradient there means nothing.")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        i = it.multi_index
        original = x[i]
        try:
            x[i] = original + h
            f_plus = _loss_value(f(x), i)
            x[i] = original - h
            f_minus = _loss_value(f(x), i)
        finally:
            x[i] = original
        grad[i] = (f_plus - f_minus) / (2 * h)
        it.iternext()
    return grad


def _relative_error(a, b) -> float:
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def relative_error(a, b) -> float:
    """``||a - b|| / (||a|| + ||b||)`` over all entries; ``a``/``b`` arrays or dicts of arrays.

    The scale-free distance used to check a gradient: 0 for identical inputs, 1 for opposite ones,
    about 1e-7 or below means "agree" for float64 central differences; two all-zero inputs give 0.
    Inputs are checked: dicts must have the same keys, shapes must match, and empty inputs, NaN or
    infinity are refused.
    """
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        if not (isinstance(a, Mapping) and isinstance(b, Mapping)):
            raise TypeError(f"relative_error: give two arrays or two dicts, got "
                            f"{type(a).__name__} and {type(b).__name__}.")
        if set(a) != set(b):
            raise ValueError(f"relative_error: the dicts need the same keys, got "
                             f"{sorted(a, key=str)} and {sorted(b, key=str)}.")
        keys = sorted(a, key=str)
        pairs = [(validate.array(a[k], f"a[{k!r}]"),
                  validate.array(b[k], f"b[{k!r}]")) for k in keys]
        for k, (x, y) in zip(keys, pairs, strict=True):
            if x.shape != y.shape:
                raise ValueError(f"relative_error: shapes differ for {k!r}: a[{k!r}] has shape "
                                 f"{x.shape} but b[{k!r}] has {y.shape}.")
        a = np.concatenate([x.ravel() for x, _ in pairs])
        b = np.concatenate([y.ravel() for _, y in pairs])
    else:
        a = validate.array(a, "a")
        b = validate.array(b, "b")
        if a.shape != b.shape:
            raise ValueError(f"relative_error: shapes differ, {a.shape} and {b.shape}; compare "
                             f"the same quantity (a transposed gradient?).")
    return _relative_error(a, b)

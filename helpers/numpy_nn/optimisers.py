"""Optimisers: gradient descent, momentum and Adam, with Keras's exact update rules.

Each rule is an unchecked kernel (``_adam_step``) that works on arrays of any shape, with
per-element hyper-parameters if need be (``helpers.tuning`` trains many networks at once, each
with its own learning rate); the classes :class:`GradientDescent`, :class:`Momentum` and
:class:`Adam` check their arguments, keep the per-parameter state and call the kernels.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, MutableMapping

import numpy as np

from helpers import validate

__all__ = ["GradientDescent", "Momentum", "Adam"]


# --------------------------------------------------------------------------- kernels (unchecked)


def _gd_step(p, g, learning_rate):
    """w <- w - learning_rate * dJ/dw."""
    return p - learning_rate * g


def _momentum_step(p, g, velocity, learning_rate, momentum):
    """Keras's SGD with momentum: v <- mu v - lr g; w <- w + v. Returns ``(w, v)``."""
    velocity = momentum * velocity - learning_rate * g
    return p + velocity, velocity


def _adam_step(p, g, m, v, t, learning_rate, beta_1, beta_2, epsilon):
    """One Adam step at step number ``t`` (1, 2, ...), as ``keras.optimizers.Adam`` computes it.

    Returns ``(w, m, v, step)``: the new parameters, both moment estimates and the step taken.
    """
    m = m + (g - m) * (1 - beta_1)
    v = v + (g * g - v) * (1 - beta_2)
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    step = alpha * m / (np.sqrt(v) + epsilon)
    return p - step, m, v, step


# --------------------------------------------------------------------------- the classes


def _check_beta(value, name: str) -> float:
    return validate.number(value, name, minimum=0.0, below=1.0)


class _Optimizer:
    """Shared plumbing: params and grads as one array, a list of arrays, or a dict of arrays.

    ``update(params, grads)`` returns the new parameters in the structure it was given. A dict or
    a list is also updated in place (its entries are rebound to the new arrays; the arrays it held
    are never modified), so both the assignment form ``params = opt.update(params, grads)`` and
    "Deep Learning from Scratch"'s ``opt.update(params, grads)`` work. A bare array (or a tuple)
    cannot be updated in place: write ``w = opt.update(w, g)``; passing the same, unchanged array
    again raises, since that means the result was dropped.

    An optimiser keeps per-parameter state (velocities, moment estimates) for the parameters it
    first saw: parameters with other names or shapes raise; create a new optimiser for them.
    """

    def __init__(self, learning_rate: float):
        self.learning_rate = validate.number(learning_rate, "learning_rate", positive=True)
        self.iterations = 0
        self._state: dict = {}
        self._shapes: dict | None = None
        self._last_input: list | None = None  # (weakref, copy) of the arrays a bare update got

    @staticmethod
    def _flatten(params, grads):
        if isinstance(params, np.ndarray):
            if isinstance(grads, Mapping | list | tuple):
                raise TypeError(f"params is one array, so grads must be one array too, got "
                                f"{type(grads).__name__}.")
            return [("", params)], [("", grads)], "array"
        if isinstance(params, Mapping):
            if not isinstance(grads, Mapping) or set(params) != set(grads):
                raise ValueError("params and grads must be dicts with the same keys, got "
                                 f"{sorted(params)} and {sorted(grads) if isinstance(grads, Mapping) else type(grads).__name__}.")
            return list(params.items()), [(k, grads[k]) for k in params], "dict"
        if isinstance(params, list | tuple):
            if not isinstance(grads, list | tuple) or len(params) != len(grads):
                raise ValueError("params and grads must be lists of the same length, got "
                                 f"{validate.describe(params)} and {validate.describe(grads)}.")
            return (list(enumerate(params)), list(enumerate(grads)),
                    "list" if isinstance(params, list) else "tuple")
        raise TypeError("params must be an array, a list of arrays or a dict of arrays, got "
                        f"{validate.describe(params)}.")

    @staticmethod
    def _as_param(value, name: str) -> np.ndarray:
        arr = validate.array(value, name, dtype=None)
        return arr if arr.dtype.kind == "f" else arr.astype(np.float64)

    def _check_structure(self, checked) -> None:
        shapes = {key: p.shape for key, p, _ in checked}
        if self._shapes is None:
            self._shapes = shapes
            return
        if set(shapes) != set(self._shapes):
            raise ValueError(f"{type(self).__name__} was used with the parameters "
                             f"{sorted(self._shapes, key=str)} and now gets {sorted(shapes, key=str)}; "
                             f"its state belongs to the first ones: create a new optimiser for "
                             f"other parameters.")
        for key, shape in shapes.items():
            if shape != self._shapes[key]:
                where = "params" if key == "" else f"params[{key!r}]"
                raise ValueError(f"{where} has shape {shape}, but this {type(self).__name__}'s "
                                 f"state was built for shape {self._shapes[key]} (an earlier "
                                 f"model?); create a new optimiser for new parameters.")

    def _check_not_stale(self, originals, kind: str) -> None:
        last = self._last_input
        if kind in ("array", "tuple"):
            if last is not None and len(last) == len(originals) and all(
                    ref() is p and np.array_equal(p, copy)
                    for (ref, copy), p in zip(last, originals, strict=True)):
                raise ValueError(
                    "update got the very parameters it got last time, unchanged: update returns "
                    "the new parameters and leaves an array as it is, so use the result, "
                    "w = opt.update(w, grads). (A dict or list of arrays is updated in place too.)")
            try:
                self._last_input = [(weakref.ref(p), np.array(p, copy=True)) for p in originals]
            except TypeError:  # not arrays (e.g. lists of floats): nothing to compare
                self._last_input = None
        else:
            self._last_input = None

    def update(self, params, grads):
        """One step; returns the new parameters (a dict or list is also updated in place)."""
        p_items, g_items, kind = self._flatten(params, grads)
        checked = []
        for (key, p), (_, g) in zip(p_items, g_items, strict=True):
            suffix = "" if kind == "array" else f"[{key!r}]"
            p = self._as_param(p, f"params{suffix}")
            g = self._as_param(g, f"grads{suffix}")
            if p.shape != g.shape:
                raise ValueError(f"param {key!r} has shape {p.shape} but its gradient has {g.shape}.")
            checked.append((key, p, g))
        self._check_structure(checked)
        self._check_not_stale([p for _, p in p_items], kind)
        self.iterations += 1
        new = [(key, self._step(key, p, g)) for key, p, g in checked]
        if kind == "array":
            return new[0][1]
        if kind == "dict":
            if isinstance(params, MutableMapping):
                for key, value in new:
                    params[key] = value
                return params
            return dict(new)
        if kind == "list":
            for key, value in new:
                params[key] = value
            return params
        return [v for _, v in new]

    def _step(self, key, p, g):  # pragma: no cover - abstract
        raise NotImplementedError


class GradientDescent(_Optimizer):
    """Plain gradient descent: w <- w - learning_rate * dJ/dw."""

    def __init__(self, learning_rate: float = 0.01):
        super().__init__(learning_rate)

    def _step(self, key, p, g):
        return _gd_step(p, g, self.learning_rate)


class Momentum(_Optimizer):
    """Gradient descent with momentum, Keras's SGD rule: v <- mu v - lr g;  w <- w + v."""

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.9):
        super().__init__(learning_rate)
        self.momentum = _check_beta(momentum, "momentum")

    def _step(self, key, p, g):
        new, self._state[key] = _momentum_step(p, g, self._state.get(key, np.zeros_like(p)),
                                               self.learning_rate, self.momentum)
        return new


class Adam(_Optimizer):
    """Adam (adaptive moment estimation), following ``keras.optimizers.Adam``'s update exactly.

    For each parameter, with step t = 1, 2, ...::

        m <- m + (g - m)(1 - beta_1)           # running mean of gradients (direction)
        v <- v + (g^2 - v)(1 - beta_2)         # running mean of squared gradients (scale)
        alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)   # bias correction of both averages
        w <- w - alpha * m / (sqrt(v) + epsilon)

    A steady gradient keeps |m| ~ sqrt(v), so each step is ~lr whatever the gradient's size;
    an oscillating gradient averages out in m while v stays large, so steps shrink.
    ``beta_1=0`` gives RMSprop with bias correction.
    """

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.beta_1 = _check_beta(beta_1, "beta_1")
        self.beta_2 = _check_beta(beta_2, "beta_2")
        self.epsilon = validate.number(epsilon, "epsilon", positive=True)
        self.last_step_sizes: dict = {}

    def _step(self, key, p, g):
        m, v = self._state.get(key, (np.zeros_like(p), np.zeros_like(p)))
        new, m, v, step = _adam_step(p, g, m, v, self.iterations, self.learning_rate,
                                     self.beta_1, self.beta_2, self.epsilon)
        self._state[key] = (m, v)
        # kept so a lesson can plot each parameter's effective step size
        self.last_step_sizes[key] = np.abs(step)
        return new

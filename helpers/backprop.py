"""A two-layer network whose gradient is computed by hand-written backpropagation.

Lesson 06 builds this backward pass in the open, cell by cell; later lessons (and the tests) use
this version. It follows ``two_layer_net.py`` of "Deep Learning from Scratch" (Saito, ch. 4-5) but
with Keras's conventions, so its numbers can be compared with a Keras model weight for weight:

- inputs ``X`` have shape ``(m, n_in)``, one row per example;
- ``W1`` is ``(n_in, n_hidden)``, ``b1`` ``(n_hidden,)``, ``W2`` ``(n_hidden, n_out)``, ``b2`` ``(n_out,)``;
  ``net.keras_weights()`` is the list ``model.set_weights`` expects for
  ``Sequential([Input((n_in,)), Dense(n_hidden, activation), Dense(n_out)])``;
- the output layer is softmax and the loss is the mean cross-entropy over the batch, computed from
  the logits (log-softmax) so that it is exact: no ``1e-7`` guard, whose bias would show up in a
  gradient check at the 1e-6 level;
- labels ``t`` are class indices ``(m,)`` or one-hot ``(m, n_out)``.

Example::

    net = TwoLayerNet(64, 16, 10, seed=0)
    grads = net.gradient(X, t)            # backprop: one forward and one backward pass
    approx = net.numerical_gradient(X, t) # 2 forward passes per parameter
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from helpers import validate
from helpers.numpy_nn.activations import ELEMENTWISE, _log_softmax, _softmax
from helpers.numpy_nn.gradient import numerical_gradient as _numerical_gradient
from helpers.numpy_nn.layers import _dense_backward, _dense_forward
from helpers.numpy_nn.losses import _softmax_cross_entropy_backward

__all__ = ["TwoLayerNet", "PARAM_NAMES", "HIDDEN_ACTIVATIONS"]

#: the parameters, in Keras's ``get_weights()`` order
PARAM_NAMES = ("W1", "b1", "W2", "b2")

#: hidden activation name -> (forward kernel, backward rule dZ = f(dA, Z, A)), from numpy_nn
HIDDEN_ACTIVATIONS = {name: ELEMENTWISE[name] for name in ("sigmoid", "relu", "tanh")}


class TwoLayerNet:
    """Dense(n_hidden, activation) -> Dense(n_out) -> softmax, trained with cross-entropy.

    Parameters
    ----------
    n_in, n_hidden, n_out : sizes of the input, the hidden layer and the output (classes, >= 2).
    hidden_activation : ``"sigmoid"`` (default, as in DLFS), ``"relu"`` or ``"tanh"``.
    weight_init_std : standard deviation of the normal initial weights (biases start at 0).
    seed : seed of the generator that draws the initial weights.
    params : optional dict ``{"W1", "b1", "W2", "b2"}`` of arrays to start from instead (copied,
        float64), e.g. ``dict(zip(PARAM_NAMES, model.get_weights()))`` from a Keras model.

    Attributes
    ----------
    params : dict of float64 arrays, Keras layout.
    forward_passes : how many times :meth:`forward` ran (a numerical gradient costs ``2 * n_params``).
    """

    def __init__(self, n_in: int, n_hidden: int, n_out: int, hidden_activation: str = "sigmoid",
                 weight_init_std: float = 0.1, seed: int = 0, params: Mapping | None = None):
        self.n_in = validate.integer(n_in, "n_in", minimum=1)
        self.n_hidden = validate.integer(n_hidden, "n_hidden", minimum=1)
        self.n_out = validate.integer(n_out, "n_out", minimum=1)
        if self.n_out < 2:
            raise ValueError(f"n_out must be at least 2 classes for a softmax output, got {n_out}.")
        if not isinstance(hidden_activation, str):
            raise TypeError(f"hidden_activation must be one of {sorted(HIDDEN_ACTIVATIONS)}, got "
                            f"{validate.describe(hidden_activation)}.")
        validate.choice(hidden_activation, "hidden_activation", sorted(HIDDEN_ACTIVATIONS))
        self.hidden_activation = hidden_activation
        self._g, self._g_backward = HIDDEN_ACTIVATIONS[hidden_activation]
        self.forward_passes = 0
        self._cache: dict | None = None
        if params is not None:
            self.params = self._check_params(params)
            return
        weight_init_std = validate.number(weight_init_std, "weight_init_std", positive=True)
        rng = np.random.default_rng(validate.seed(seed))
        self.params = {
            "W1": weight_init_std * rng.standard_normal((self.n_in, self.n_hidden)),
            "b1": np.zeros(self.n_hidden),
            "W2": weight_init_std * rng.standard_normal((self.n_hidden, self.n_out)),
            "b2": np.zeros(self.n_out),
        }

    # ------------------------------------------------------------------ parameters

    def shapes(self) -> dict:
        """The shape each parameter must have."""
        return {"W1": (self.n_in, self.n_hidden), "b1": (self.n_hidden,),
                "W2": (self.n_hidden, self.n_out), "b2": (self.n_out,)}

    def _check_params(self, params) -> dict:
        if not isinstance(params, Mapping):
            raise TypeError(f"params must be a dict of arrays {PARAM_NAMES}, got "
                            f"{type(params).__name__}; from a Keras model use "
                            "dict(zip(PARAM_NAMES, model.get_weights())).")
        if set(params) != set(PARAM_NAMES):
            raise ValueError(f"params must have exactly the keys {PARAM_NAMES}, got {sorted(params)}.")
        out = {}
        for name, shape in self.shapes().items():
            arr = validate.array(params[name], f"params[{name!r}]", finite=False)
            if arr.shape != shape:
                hint = " (transposed? Keras's layout is (n_in, n_units))" \
                    if arr.shape == shape[::-1] else ""
                raise ValueError(f"params[{name!r}] must have shape {shape}, got {arr.shape}{hint}.")
            arr = validate.array(arr, f"params[{name!r}]")  # NaN/inf refused once the shape fits
            out[name] = np.array(arr, copy=True)  # training never edits the caller's arrays
        return out

    @property
    def n_params(self) -> int:
        """Total number of weights and biases."""
        return int(sum(p.size for p in self.params.values()))

    def keras_weights(self) -> list:
        """``[W1, b1, W2, b2]``: what ``model.set_weights`` takes for the matching Keras model."""
        return [self.params[k].copy() for k in PARAM_NAMES]

    # ------------------------------------------------------------------ inputs

    def _check_X(self, X) -> np.ndarray:
        X = validate.array(X, "X", finite=False, min_size=0)
        if X.ndim != 2 or X.shape[1] != self.n_in:
            raise ValueError(f"X must have shape (m, {self.n_in}), got {X.shape}"
                             + ("; for one example use X[None, :]." if X.shape == (self.n_in,) else "."))
        if X.shape[0] == 0:
            raise ValueError("X holds no examples (shape (0, n_in)).")
        return validate.array(X, "X")  # NaN and infinity refused

    def _check_t(self, t, m: int) -> np.ndarray:
        """Labels as class indices of shape (m,)."""
        t = validate.array(t, "t", dtype=None)
        if t.shape == (m, self.n_out):  # one-hot
            if not (np.all((t == 0) | (t == 1)) and np.all(t.sum(axis=1) == 1)):
                raise ValueError("one-hot labels t must hold exactly one 1 per row and 0 elsewhere.")
            return t.argmax(axis=1)
        if t.shape != (m,):
            raise ValueError(f"t must be class indices of shape ({m},) or one-hot of shape "
                             f"({m}, {self.n_out}), got {t.shape}.")
        return validate.labels(t, "t", n_classes=self.n_out, length=m)

    # ------------------------------------------------------------------ forward and loss

    def forward(self, X) -> np.ndarray:
        """Class probabilities ``(m, n_out)``; keeps ``Z1, A1, Z2, Y`` for the backward pass."""
        return self._forward(self._check_X(X))

    def _forward(self, X) -> np.ndarray:
        """:meth:`forward` on an input already checked (the numerical gradient's inner loop)."""
        p = self.params
        Z1 = _dense_forward(X, p["W1"], p["b1"])
        A1 = self._g(Z1)
        Z2 = _dense_forward(A1, p["W2"], p["b2"])
        Y = _softmax(Z2)
        self._cache = {"X": X, "Z1": Z1, "A1": A1, "Z2": Z2, "Y": Y}
        self.forward_passes += 1
        return Y

    predict = forward

    def loss(self, X, t) -> float:
        """Mean cross-entropy ``-mean(log softmax(Z2)[i, t_i])``, computed from the logits (exact)."""
        self.forward(X)
        t = self._check_t(t, self._cache["X"].shape[0])
        log_probs = _log_softmax(self._cache["Z2"], axis=1)
        return float(-log_probs[np.arange(len(t)), t].mean())

    def accuracy(self, X, t) -> float:
        """Fraction of examples whose most probable class is the label."""
        Y = self.forward(X)
        t = self._check_t(t, Y.shape[0])
        return float(np.mean(Y.argmax(axis=1) == t))

    # ------------------------------------------------------------------ gradients

    def gradient(self, X, t) -> dict:
        """Backpropagation: the loss's gradient for every parameter (one forward, one backward pass).

        Chain rule from the loss back to the input, reusing the forward pass's values::

            dZ2 = (Y - T) / m                  # softmax + mean cross-entropy together
            dW2 = A1.T @ dZ2 ;  db2 = sum(dZ2, axis=0)
            dA1 = dZ2 @ W2.T
            dZ1 = dA1 * g'(Z1)                 # g = the hidden activation
            dW1 = X.T @ dZ1 ;   db1 = sum(dZ1, axis=0)
        """
        Y = self.forward(X)
        c = self._cache
        t = self._check_t(t, Y.shape[0])
        dZ2 = _softmax_cross_entropy_backward(Y, t)
        dA1, dW2, db2 = _dense_backward(dZ2, c["A1"], self.params["W2"])
        dZ1 = self._g_backward(dA1, c["Z1"], c["A1"])
        _, dW1, db1 = _dense_backward(dZ1, c["X"], self.params["W1"], input_gradient=False)
        return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

    def numerical_gradient(self, X, t, h: float = 1e-4) -> dict:
        """Central differences, one parameter at a time: ``2 * n_params`` forward passes."""
        X = self._check_X(X)
        t = self._check_t(t, X.shape[0])
        h = validate.number(h, "h", positive=True)
        if h >= 1:
            raise ValueError(f"h must be a small positive step such as 1e-4, got {h!r}.")

        rows = np.arange(len(t))

        def f(_):  # numerical_gradient perturbs self.params[name] in place; the loss reads it
            self._forward(X)   # X and t were checked once above: 2 * n_params passes follow
            return float(-_log_softmax(self._cache["Z2"], axis=1)[rows, t].mean())

        return {name: _numerical_gradient(f, self.params[name], h=h) for name in PARAM_NAMES}

    def step(self, grads: Mapping, learning_rate: float) -> None:
        """One gradient-descent update in place: ``p <- p - learning_rate * grads[p]``.

        Every gradient is checked first (shape, NaN, infinity), so a bad one leaves all the
        weights as they were instead of poisoning them.
        """
        learning_rate = validate.number(learning_rate, "learning_rate", positive=True)
        if not isinstance(grads, Mapping) or set(grads) != set(PARAM_NAMES):
            got = sorted(grads) if isinstance(grads, Mapping) else validate.describe(grads)
            raise ValueError(f"grads must be a dict with the keys {PARAM_NAMES}, got {got}; "
                             f"net.gradient(X, t) returns one.")
        checked = {name: validate.array(grads[name], f"grads[{name!r}]", finite=False,
                                        shape=self.params[name].shape) for name in PARAM_NAMES}
        for name, g in checked.items():
            if not np.all(np.isfinite(g)):
                raise ValueError(f"grads[{name!r}] holds {int(np.sum(~np.isfinite(g)))} NaN or "
                                 f"infinite value(s): the loss diverged (learning rate too large?) "
                                 f"or the input holds NaN. The weights were left unchanged.")
        for name in PARAM_NAMES:
            self.params[name] -= learning_rate * checked[name]

    def __repr__(self) -> str:
        return (f"TwoLayerNet({self.n_in}, {self.n_hidden}, {self.n_out}, "
                f"hidden_activation={self.hidden_activation!r}; {self.n_params} parameters)")

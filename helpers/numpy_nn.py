"""Neural-network pieces written from scratch in NumPy.

The lessons build each of these in the open first; later lessons import them from here.
Conventions follow Keras so results can be compared number for number:

- a batch of inputs ``X`` has shape ``(m, n_in)`` (one row per example);
- a dense layer's weights ``W`` have Keras's layout ``(n_in, n_units)`` and its bias ``b`` ``(n_units,)``;
- activations are given by name (``"sigmoid"``, ``"relu"``, ``"tanh"``, ``"linear"``, ``"softmax"``)
  or as a callable.

Every function checks its inputs with :mod:`helpers.validate`: NaN inputs, empty batches, strings
and ``None`` raise a ``TypeError``/``ValueError`` that says what was expected, instead of a ``nan``
or a number computed from the wrong thing.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, MutableMapping, Sequence

import numpy as np

from helpers import validate

__all__ = [
    "sigmoid", "relu", "tanh", "linear", "softmax", "ACTIVATIONS", "get_activation",
    "dense_loop", "dense", "sequential",
    "mean_squared_error", "cross_entropy_error", "numerical_gradient",
    "GradientDescent", "Momentum", "Adam",
]

# --------------------------------------------------------------------------- activations


def _as_z(z, name: str = "z", *, min_size: int = 0) -> np.ndarray:
    """``z`` as a float64 array; infinities are fine (they have a limit), NaN is refused."""
    z = validate.array(z, name, finite=False, min_size=min_size)
    if np.isnan(z).any():
        raise ValueError(f"{name} holds {int(np.isnan(z).sum())} NaN value(s): an earlier step "
                         f"diverged or read missing data; find where the NaN first appears.")
    return z


def sigmoid(z):
    """Logistic function 1 / (1 + e^-z), computed without overflow for large |z| (NaN refused)."""
    z = _as_z(z)
    # exp of a large positive number overflows; use the algebraically equal form on each side.
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def relu(z):
    """Rectified linear unit max(0, z)."""
    return np.maximum(0.0, _as_z(z))


def tanh(z):
    """Hyperbolic tangent, a zero-centred sigmoid with outputs in (-1, 1)."""
    return np.tanh(_as_z(z))


def linear(z):
    """The identity ("no activation"): g(z) = z."""
    return _as_z(z)


def softmax(z, axis: int = -1):
    """Numerically stable softmax along ``axis``.

    Subtracting the maximum first changes nothing mathematically (softmax(z) = softmax(z - c))
    but keeps ``exp`` from overflowing when logits are large (e.g. 1000). A ``-inf`` logit (a
    masked class) gets probability 0; NaN, ``+inf`` (``inf - inf`` is undefined) and a row with
    no finite logit raise ``ValueError``.
    """
    z = validate.array(z, "z", finite=False)
    if z.ndim == 0:
        raise ValueError("softmax needs at least one dimension of logits, got a scalar; "
                         "pass e.g. np.array([z1, z2]).")
    axis = validate.integer(axis, "axis", minimum=-z.ndim, maximum=z.ndim - 1)
    if np.isnan(z).any() or np.isposinf(z).any():
        raise ValueError(f"softmax got {int(np.isnan(z).sum())} NaN and {int(np.isposinf(z).sum())}"
                         f" +inf logit(s), whose probabilities are undefined; find the step that "
                         f"overflowed (a too-large learning rate?) or clip the logits.")
    top = np.max(z, axis=axis, keepdims=True)
    if np.isneginf(top).any():
        raise ValueError("softmax got a row whose logits are all -inf: no class is possible.")
    e = np.exp(z - top)
    return e / np.sum(e, axis=axis, keepdims=True)


ACTIVATIONS: dict[str, Callable] = {
    "sigmoid": sigmoid, "relu": relu, "tanh": tanh, "linear": linear, "softmax": softmax,
}


def get_activation(activation) -> Callable:
    """Resolve an activation given by name (or ``None`` for linear) to a function."""
    if activation is None:
        return linear
    if callable(activation):
        return activation
    if isinstance(activation, str) and activation in ACTIVATIONS:
        return ACTIVATIONS[activation]
    if isinstance(activation, str):
        raise ValueError(f"Unknown activation {activation!r}; use one of {sorted(ACTIVATIONS)} "
                         "or pass a function.")
    raise TypeError(f"activation must be a name such as 'relu', a function or None, got "
                    f"{validate.describe(activation)}.")


# --------------------------------------------------------------------------- layers


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
    return get_activation(activation)(A_in @ W + b)


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


# --------------------------------------------------------------------------- losses


def mean_squared_error(y, t):
    """Half the sum of squared differences, 0.5 * sum((y - t)^2), as in "Deep Learning from Scratch".

    ``y`` (network output) and ``t`` (target, e.g. one-hot) must have the same, non-empty shape.
    """
    y = validate.array(y, "y")
    t = validate.array(t, "t")
    if y.shape != t.shape:
        raise ValueError(f"y and t must have the same shape, got y {y.shape} and t {t.shape}; "
                         "for class indices, one-hot encode t first.")
    return 0.5 * float(np.sum((y - t) ** 2))


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
    y = validate.array(y, "y")
    if y.ndim == 0 or y.ndim > 2:
        raise ValueError(f"y must have shape (m, k) or (k,), got shape {y.shape}.")
    if np.any(y < 0) or np.any(y > 1):
        raise ValueError("y must hold probabilities in [0, 1] (did you pass logits? apply softmax "
                         f"first); got values from {y.min():.4g} to {y.max():.4g}.")
    one_example = y.ndim == 1
    y2 = y.reshape(1, -1) if one_example else y
    sums = y2.sum(axis=1)
    if not np.allclose(sums, 1.0, rtol=0, atol=1e-4):
        worst = int(np.argmax(np.abs(sums - 1)))
        where = "y" if one_example else f"row {worst} of y"
        raise ValueError(
            f"y must hold one probability per class, each row summing to 1, but {where} sums to "
            f"{sums[worst]:.4g}. Apply softmax to the logits first. If y holds one probability "
            f"per example (a sigmoid output for two classes), give both columns: "
            f"np.column_stack([1 - p, p]), with labels 0/1.")
    t = validate.array(t, "t", dtype=None)
    if one_example:
        t = t.reshape(1, -1) if t.ndim == 1 and t.size == y.size and t.size > 1 else t.reshape(-1)
    y = y2
    m, k = y.shape
    if t.shape == y.shape:  # one-hot
        if not (np.all((t == 0) | (t == 1)) and np.all(t.sum(axis=1) == 1)):
            raise ValueError("one-hot labels t must hold exactly one 1 per row and 0 elsewhere.")
        idx = t.argmax(axis=1)
    elif t.shape == (m,) or t.shape == (m, 1):  # class indices
        idx = validate.labels(t, "t", n_classes=k, length=m)
    else:
        raise ValueError(f"t must be one-hot with y's shape {y.shape} or class indices of shape "
                         f"({m},), got shape {t.shape}.")
    return float(-np.sum(np.log(y[np.arange(m), idx] + eps)) / m)


# --------------------------------------------------------------------------- gradients


def _loss_value(value, x_index) -> float:
    """``f``'s result as one finite float, or a message that says what ``f`` returned."""
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
    if not callable(f):
        raise TypeError("numerical_gradient(f, x): f must be a function returning a number.")
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


# --------------------------------------------------------------------------- optimisers


def _check_beta(value, name: str) -> float:
    value = validate.number(value, name, minimum=0.0)
    if value >= 1:
        raise ValueError(f"{name} must be in [0, 1), got {value}; 0.9 is a usual value.")
    return value


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
        return p - self.learning_rate * g


class Momentum(_Optimizer):
    """Gradient descent with momentum, Keras's SGD rule: v <- mu v - lr g;  w <- w + v."""

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.9):
        super().__init__(learning_rate)
        self.momentum = _check_beta(momentum, "momentum")

    def _step(self, key, p, g):
        v = self._state.get(key, np.zeros_like(p))
        v = self.momentum * v - self.learning_rate * g
        self._state[key] = v
        return p + v


class Adam(_Optimizer):
    """Adam (adaptive moment estimation), following ``keras.optimizers.Adam``'s update exactly.

    For each parameter, with step t = 1, 2, ...::

        m <- m + (g - m)(1 - beta_1)           # running mean of gradients (direction)
        v <- v + (g^2 - v)(1 - beta_2)         # running mean of squared gradients (scale)
        alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)   # bias correction of both averages
        w <- w - alpha * m / (sqrt(v) + epsilon)

    A steady gradient keeps |m| ~ sqrt(v), so each step is ~lr whatever the gradient's size;
    an oscillating gradient averages out in m while v stays large, so steps shrink.
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
        t = self.iterations
        m = m + (g - m) * (1 - self.beta_1)
        v = v + (g * g - v) * (1 - self.beta_2)
        alpha = self.learning_rate * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        self._state[key] = (m, v)
        step = alpha * m / (np.sqrt(v) + self.epsilon)
        # kept so a lesson can plot each parameter's effective step size
        self.last_step_sizes[key] = np.abs(step)
        return p - step


# --------------------------------------------------------------------------- normalisation (lesson 16)
# Keras's definitions (keras/src/layers/normalization/, 3.15): the mean and the BIASED variance
# (divide by N) of the batch, epsilon 1e-3 inside the square root, then gamma * x_hat + beta.

__all__ += ["batch_norm", "layer_norm"]


def _check_norm_inputs(x, gamma, beta, eps, where: str):
    """Validate a normalisation's input and its per-feature gamma/beta (length = last axis)."""
    from helpers import validate

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
    rows = x.reshape(-1, x.shape[-1])                  # 1. (n*h*w, c)
    mean = rows.mean(axis=0)
    var = rows.var(axis=0)                             # biased: divide by N, like Keras
    x_hat = (rows - mean) / np.sqrt(var + eps)         # 2. standardise each column
    out = gamma * x_hat + beta                         # 3. scale and shift
    return out.reshape(x.shape)                        # 4. back to the input's shape


def layer_norm(x, gamma, beta, eps: float = 1e-3):
    """Layer normalisation over the last axis: each example (each token) standardised on its own.

    ``x`` has any rank >= 2, features last (``(n, d)`` or a sequence batch ``(n, t, d)``). Mean and
    biased variance are taken over the last axis only, so no statistic crosses examples or time
    steps, and training and inference compute the same thing. Equal to
    ``keras.layers.LayerNormalization()(x)`` with the same ``gamma``/``beta`` (shape ``(d,)``).
    """
    x, gamma, beta, eps = _check_norm_inputs(x, gamma, beta, eps, "layer_norm")
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


# --------------------------------------------------------------------------- shared lesson pieces (01, 03, 04, 06, 07)
# Written in the open in a lesson first (log-softmax and the gradient check in 01, normalisation in
# 03), then imported from here by every later lesson, so each piece exists once.

__all__ += ["log_softmax", "cross_entropy_from_logits", "relative_error", "normalise"]


def log_softmax(z, axis: int = -1):
    """``log(softmax(z))`` along ``axis``, computed stably as ``z - max - log(sum(exp(z - max)))``.

    Never takes the log of a rounded-to-zero probability, so a logit 1000 below the others gives
    about -1000, not ``-inf``. ``z`` is a finite array of at least one dimension (logits, not
    probabilities). Returns a float64 array of ``z``'s shape.
    """
    from helpers import validate

    z = validate.array(z, "z", min_ndim=1)
    axis = validate.integer(axis, "axis", minimum=-z.ndim, maximum=z.ndim - 1)
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def cross_entropy_from_logits(logits, labels) -> float:
    """Mean cross-entropy ``-log softmax(logits)[label]`` over a batch, from the logits.

    ``logits`` has shape ``(m, k)`` (one row of ``k`` class scores per example; a single example of
    shape ``(k,)`` is a batch of one) and ``labels`` holds ``m`` class indices ``0..k-1`` (for
    one-hot rows pass ``labels.argmax(axis=1)``). Equal to Keras's
    ``SparseCategoricalCrossentropy(from_logits=True)``, in float64.
    """
    from helpers import validate

    logits = validate.array(logits, "logits", ndim=(1, 2))
    if logits.ndim == 1:
        logits = logits[None, :]
    if logits.shape[1] < 2:
        raise ValueError(f"logits must hold at least 2 class scores per example, got shape "
                         f"{logits.shape}; for one binary score use a sigmoid cross-entropy.")
    labels = np.atleast_1d(np.asarray(labels)) if np.ndim(labels) == 0 else labels
    labels = validate.labels(labels, "labels", n_classes=logits.shape[1], length=len(logits))
    return float(-np.mean(log_softmax(logits, axis=1)[np.arange(len(labels)), labels]))


def relative_error(a, b) -> float:
    """``||a - b|| / (||a|| + ||b||)`` over all entries; ``a``/``b`` arrays or dicts of arrays.

    The scale-free distance used to check a gradient: 0 for identical inputs, 1 for opposite ones,
    about 1e-7 or below means "agree" for float64 central differences; two all-zero inputs give 0.
    Inputs are checked: dicts must have the same keys, shapes must match, and empty inputs, NaN or
    infinity are refused. ``helpers.backprop`` re-exports this one function.
    """
    from collections.abc import Mapping as _Mapping

    from helpers import validate

    if isinstance(a, _Mapping) or isinstance(b, _Mapping):
        if not (isinstance(a, _Mapping) and isinstance(b, _Mapping)):
            raise TypeError(f"relative_error: give two arrays or two dicts, got "
                            f"{type(a).__name__} and {type(b).__name__}.")
        if set(a) != set(b):
            raise ValueError(f"relative_error: the dicts need the same keys, got {sorted(a)} and "
                             f"{sorted(b)}.")
        keys = sorted(a)
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
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def normalise(X, mean=None, std=None):
    """Standardise each column: ``(X - mean) / std``; returns ``(X_normalised, mean, std)``.

    Without ``mean``/``std`` they are computed from ``X`` (the population standard deviation,
    dividing by ``m``, as Keras's ``Normalization.adapt`` does). Compute them on the training split
    and pass them back in for validation, test and future data::

        Xn_train, mu, sigma = normalise(X_train)
        Xn_test, _, _ = normalise(X_test, mu, sigma)

    A column that is constant in the data it was computed from gets ``std`` 1 (it is only centred),
    as scikit-learn's ``StandardScaler`` does, instead of a division by zero.
    """
    from helpers import validate

    X = validate.array(X, "X", ndim=2)
    if (mean is None) != (std is None):
        raise ValueError("normalise: give both mean and std (the training statistics), or neither "
                         "to compute them from X.")
    if mean is None:
        mean = X.mean(axis=0)
        std = X.std(axis=0)
        std = np.where(std > 0, std, 1.0)
    else:
        mean = validate.array(mean, "mean", shape=(X.shape[1],))
        std = validate.array(std, "std", shape=(X.shape[1],))
        if np.any(std <= 0):
            raise ValueError(f"std must be positive for every column, got {std}; pass the std "
                             f"returned by normalise(X_train).")
    return (X - mean) / std, mean, std

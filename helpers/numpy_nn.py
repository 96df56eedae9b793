"""Neural-network pieces written from scratch in NumPy.

The lessons build each of these in the open first; later lessons import them from here.
Conventions follow Keras so results can be compared number for number:

- a batch of inputs ``X`` has shape ``(m, n_in)`` (one row per example);
- a dense layer's weights ``W`` have Keras's layout ``(n_in, n_units)`` and its bias ``b`` ``(n_units,)``;
- activations are given by name (``"sigmoid"``, ``"relu"``, ``"tanh"``, ``"linear"``, ``"softmax"``)
  or as a callable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

__all__ = [
    "sigmoid", "relu", "tanh", "linear", "softmax", "ACTIVATIONS", "get_activation",
    "dense_loop", "dense", "sequential",
    "mean_squared_error", "cross_entropy_error", "numerical_gradient",
    "GradientDescent", "Momentum", "Adam",
]

# --------------------------------------------------------------------------- validation


def _as_float_array(x, name: str) -> np.ndarray:
    """``x`` as a float array, with a clear error for strings, objects, NaN and infinities."""
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must be numeric, got an array of dtype {arr.dtype}.")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got complex values.")
    arr = arr.astype(np.float64) if not np.issubdtype(arr.dtype, np.floating) else arr
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values; check the data or the "
                         "learning rate (a diverging run produces inf, then NaN).")
    return arr


# --------------------------------------------------------------------------- activations


def sigmoid(z):
    """Logistic function 1 / (1 + e^-z), computed without overflow for large |z|."""
    z = np.asarray(z, dtype=float)
    # exp of a large positive number overflows; use the algebraically equal form on each side.
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def relu(z):
    """Rectified linear unit max(0, z)."""
    return np.maximum(0.0, np.asarray(z, dtype=float))


def tanh(z):
    """Hyperbolic tangent, a zero-centred sigmoid with outputs in (-1, 1)."""
    return np.tanh(np.asarray(z, dtype=float))


def linear(z):
    """The identity ("no activation"): g(z) = z."""
    return np.asarray(z, dtype=float)


def softmax(z, axis: int = -1):
    """Numerically stable softmax along ``axis``.

    Subtracting the maximum first changes nothing mathematically (softmax(z) = softmax(z - c))
    but keeps ``exp`` from overflowing when logits are large (e.g. 1000).
    """
    z = np.asarray(z, dtype=float)
    if z.ndim == 0:
        raise ValueError("softmax needs at least one dimension of logits, got a scalar.")
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
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
    raise ValueError(f"Unknown activation {activation!r}; use one of {sorted(ACTIVATIONS)} "
                     "or pass a function.")


# --------------------------------------------------------------------------- layers


def _check_layer_params(W, b, n_in: int, where: str):
    W = _as_float_array(W, "W")
    b = _as_float_array(b, "b")
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
    a_in = _as_float_array(a_in, "a_in")
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
    gives ``(n_units,)``). Returns ``(m, n_units)``.
    """
    A_in = _as_float_array(A_in, "A_in")
    if A_in.ndim not in (1, 2):
        raise ValueError(f"dense takes a batch of shape (m, n_in), got shape {A_in.shape}.")
    W, b = _check_layer_params(W, b, A_in.shape[-1], "dense")
    return get_activation(activation)(A_in @ W + b)


def sequential(X, layers: Sequence):
    """Forward pass through a stack of dense layers.

    ``layers`` is a sequence of ``(W, b, activation)`` triples, applied in order with :func:`dense`.
    """
    if isinstance(layers, tuple | list) and len(layers) == 0:
        raise ValueError("sequential needs at least one (W, b, activation) layer.")
    A = X
    for i, layer in enumerate(layers):
        if not (isinstance(layer, tuple | list) and len(layer) == 3):
            raise ValueError(f"layer {i} must be a (W, b, activation) triple, got {type(layer).__name__}"
                             f" of length {len(layer) if hasattr(layer, '__len__') else '?'}.")
        W, b, activation = layer
        try:
            A = dense(A, W, b, activation)
        except ValueError as err:
            raise ValueError(f"layer {i}: {err}") from None
    return A


# --------------------------------------------------------------------------- losses


def mean_squared_error(y, t):
    """Half the sum of squared differences, 0.5 * sum((y - t)^2), as in "Deep Learning from Scratch".

    ``y`` (network output) and ``t`` (target, e.g. one-hot) must have the same shape.
    """
    y = _as_float_array(y, "y")
    t = _as_float_array(t, "t")
    if y.shape != t.shape:
        raise ValueError(f"y and t must have the same shape, got y {y.shape} and t {t.shape}; "
                         "for class indices, one-hot encode t first.")
    return 0.5 * float(np.sum((y - t) ** 2))


def cross_entropy_error(y, t, eps: float = 1e-7):
    """Mean cross-entropy over a batch: -mean(log(y[correct class] + eps)).

    - ``y``: predicted probabilities, shape ``(m, k)`` or ``(k,)`` for one example, each in [0, 1];
    - ``t``: the labels, either one-hot with the same shape as ``y``, or class indices of shape
      ``(m,)`` (or a scalar for one example).
    - ``eps`` (1e-7) keeps log(0) = -inf away when the network gives a probability of exactly 0.
    """
    y = _as_float_array(y, "y")
    if y.ndim == 0 or y.ndim > 2:
        raise ValueError(f"y must have shape (m, k) or (k,), got shape {y.shape}.")
    if np.any(y < 0) or np.any(y > 1):
        raise ValueError("y must hold probabilities in [0, 1] (did you pass logits? apply softmax "
                         f"first); got values from {y.min():.4g} to {y.max():.4g}.")
    t = np.asarray(t)
    if y.ndim == 1:
        y = y.reshape(1, -1)
        t = t.reshape(1, -1) if t.ndim == 1 and t.size == y.size and t.size > 1 else t.reshape(-1)
    m, k = y.shape
    if t.shape == y.shape:  # one-hot
        t = _as_float_array(t, "t")
        if not (np.all((t == 0) | (t == 1)) and np.all(t.sum(axis=1) == 1)):
            raise ValueError("one-hot labels t must hold exactly one 1 per row and 0 elsewhere.")
        idx = t.argmax(axis=1)
    elif t.shape == (m,):  # class indices
        if not np.issubdtype(t.dtype, np.integer):
            if np.issubdtype(t.dtype, np.floating) and np.all(np.isfinite(t)) \
                    and np.all(t == np.round(t)):
                t = t.astype(int)
            else:
                raise ValueError(f"class-index labels must be integers, got dtype {t.dtype}.")
        if np.any(t < 0) or np.any(t >= k):
            raise ValueError(f"class indices must be in [0, {k - 1}] for {k} classes, "
                             f"got values from {t.min()} to {t.max()}.")
        idx = t
    else:
        raise ValueError(f"t must be one-hot with y's shape {y.shape} or class indices of shape "
                         f"({m},), got shape {t.shape}.")
    return float(-np.sum(np.log(y[np.arange(m), idx] + eps)) / m)


# --------------------------------------------------------------------------- gradients


def numerical_gradient(f: Callable, x, h: float = 1e-4):
    """Central-difference gradient of scalar ``f`` at array ``x`` (any shape).

    ``df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h)``. ``x`` is perturbed *in place* one element
    at a time and restored, so ``f`` may read ``x`` through a closure (e.g. a network's weights);
    ``f`` is called as ``f(x)``. Costs 2 evaluations of ``f`` per element of ``x``.
    """
    if not callable(f):
        raise TypeError("numerical_gradient(f, x): f must be a function returning a number.")
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be a NumPy array (it is perturbed in place), got {type(x).__name__}.")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float array (an h of {h} cannot be added to dtype {x.dtype}); "
                        "use x.astype(float).")
    if x.dtype != np.float64:
        # float32 cannot represent x + 1e-4 accurately enough for a central difference.
        raise TypeError(f"x must be float64 for an accurate central difference, got {x.dtype}.")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        i = it.multi_index
        original = x[i]
        x[i] = original + h
        f_plus = float(f(x))
        x[i] = original - h
        f_minus = float(f(x))
        x[i] = original
        grad[i] = (f_plus - f_minus) / (2 * h)
        it.iternext()
    return grad


# --------------------------------------------------------------------------- optimisers


class _Optimizer:
    """Shared plumbing: params and grads as one array, a list of arrays, or a dict of arrays."""

    def __init__(self, learning_rate: float):
        if not (isinstance(learning_rate, int | float) and np.isfinite(learning_rate)
                and learning_rate > 0):
            raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}.")
        self.learning_rate = float(learning_rate)
        self.iterations = 0
        self._state: dict = {}

    @staticmethod
    def _flatten(params, grads):
        if isinstance(params, np.ndarray):
            return [("", params)], [("", grads)], "array"
        if isinstance(params, Mapping):
            if not isinstance(grads, Mapping) or set(params) != set(grads):
                raise ValueError("params and grads must be dicts with the same keys, got "
                                 f"{sorted(params)} and {sorted(grads) if isinstance(grads, Mapping) else type(grads).__name__}.")
            return list(params.items()), [(k, grads[k]) for k in params], "dict"
        if isinstance(params, list | tuple):
            if not isinstance(grads, list | tuple) or len(params) != len(grads):
                raise ValueError("params and grads must be lists of the same length.")
            return list(enumerate(params)), list(enumerate(grads)), "list"
        raise TypeError("params must be an array, a list of arrays or a dict of arrays, got "
                        f"{type(params).__name__}.")

    def update(self, params, grads):
        """Return new parameters after one step; the input arrays are not modified."""
        p_items, g_items, kind = self._flatten(params, grads)
        self.iterations += 1
        new = []
        for (key, p), (_, g) in zip(p_items, g_items, strict=True):
            p = _as_float_array(p, f"params[{key!r}]")
            g = _as_float_array(g, f"grads[{key!r}]")
            if p.shape != g.shape:
                raise ValueError(f"param {key!r} has shape {p.shape} but its gradient has {g.shape}.")
            new.append((key, self._step(key, p, g)))
        if kind == "array":
            return new[0][1]
        if kind == "dict":
            return dict(new)
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
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}.")
        self.momentum = float(momentum)

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
        for name, beta in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0 <= beta < 1:
                raise ValueError(f"{name} must be in [0, 1), got {beta}.")
        if not epsilon > 0:
            raise ValueError(f"epsilon must be positive, got {epsilon}.")
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
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
    Same semantics as ``helpers.backprop.relative_error``, with checked inputs: dicts must have the
    same keys and shapes must match, and NaN or infinity is refused.
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
        pairs = [(validate.array(a[k], f"a[{k!r}]", min_size=0),
                  validate.array(b[k], f"b[{k!r}]", min_size=0)) for k in keys]
        for k, (x, y) in zip(keys, pairs, strict=True):
            if x.shape != y.shape:
                raise ValueError(f"relative_error: a[{k!r}] has shape {x.shape} but b[{k!r}] has "
                                 f"{y.shape}.")
        a = np.concatenate([x.ravel() for x, _ in pairs])
        b = np.concatenate([y.ravel() for _, y in pairs])
    else:
        a = validate.array(a, "a", min_size=0)
        b = validate.array(b, "b", min_size=0)
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

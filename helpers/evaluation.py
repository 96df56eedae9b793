"""Evaluating a model: data with known noise, errors, bias/variance diagnosis, learning curves.

- :func:`true_function` and :func:`noisy_regression`: a regression task whose noise is known, so
  the irreducible error (the best any model can do on new data) is exactly ``noise_std ** 2``;
- :func:`classification_error`: the fraction of examples a classifier gets wrong;
- :func:`diagnose`: high bias / high variance / both / neither, read against a baseline;
- :func:`keras_learning_curve`: J_train and J_cv of a Keras model against the training-set size m,
  over a few resamples per size, as a pandas DataFrame (:func:`summarise_curve` gives mean and
  spread; ``helpers.plots.plot_errors`` draws it);
- :func:`side_by_side_learning_curves`: the same for several models at once, every model and
  resample of a size trained side by side in one Keras model (``helpers.training.side_by_side``),
  each copy on its own training set, one Keras call per step.

Errors here are always computed from predictions, *without* any regularisation penalty, the way the
course defines J_train and J_cv (the loss Keras reports during ``fit`` includes the penalty).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from helpers import validate
from helpers.training import model_outputs, side_by_side, side_by_side_loss, train_full_batch

__all__ = [
    "true_function", "noisy_regression", "classification_error", "diagnose", "DIAGNOSES",
    "keras_learning_curve", "side_by_side_learning_curves", "summarise_curve",
]

# --------------------------------------------------------------------------- data with known noise


def true_function(x) -> np.ndarray:
    """The noise-free target of :func:`noisy_regression`, for inputs ``x`` of shape (m, n_features).

    ``f(x) = sin(2.5 x1) + 0.5 cos(6 x1)``, a wave in the first feature; with 3 or more features
    ``+ x2 * x3`` (an interaction), with 4 or more ``+ 0.5 cos(3 x4)``. Further features carry no
    signal. A 1-D array is read as one feature.
    """
    x = validate.array(x, "x", ndim=(1, 2))
    if x.ndim == 1:
        x = x[:, None]
    out = np.sin(2.5 * x[:, 0]) + 0.5 * np.cos(6.0 * x[:, 0])
    if x.shape[1] >= 3:
        out = out + x[:, 1] * x[:, 2]
    if x.shape[1] >= 4:
        out = out + 0.5 * np.cos(3.0 * x[:, 3])
    return out


def noisy_regression(n: int = 200, *, n_features: int = 1, noise_std: float = 0.3,
                     seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """``n`` examples of ``y = true_function(x) + noise``, noise normal with std ``noise_std``.

    ``x`` is uniform on [-1, 1] in each of ``n_features`` columns. Because the noise is known, the
    irreducible error is exact: no model can have an expected squared error on new examples below
    ``noise_std ** 2`` (the error of ``true_function`` itself). Rows are independent, so any
    slice of them is a random sample. Returns ``x`` (n, n_features) float64 and ``y`` (n,) float64;
    deterministic given ``seed``.
    """
    n = validate.integer(n, "n", minimum=1)
    n_features = validate.integer(n_features, "n_features", minimum=1, maximum=100)
    noise_std = validate.number(noise_std, "noise_std", non_negative=True)
    seed = validate.seed(seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n, n_features))
    y = true_function(x) + noise_std * rng.normal(size=n)
    return x, y


# --------------------------------------------------------------------------- errors and diagnosis


def classification_error(y_true, y_pred) -> float:
    """The fraction of examples whose predicted class differs from the true class.

    Both are class indices (0/1 for a binary task); for probabilities, threshold them first
    (``(p >= 0.5).astype(int)``) or take ``p.argmax(axis=1)``.
    """
    y_true = validate.labels(y_true, "y_true")
    y_pred = validate.labels(y_pred, "y_pred", length=len(y_true))
    return float(np.mean(y_true != y_pred))


#: The four verdicts of :func:`diagnose`.
DIAGNOSES = ("high bias", "high variance", "high bias and high variance", "neither")


def diagnose(j_train, j_cv, baseline, *, tolerance) -> str:
    """Read J_train and J_cv against a baseline, the course's way.

    - bias gap = ``j_train - baseline``: how far the model is from the best we can hope for *on the
      data it was trained on*; above ``tolerance`` means **high bias** (it underfits);
    - variance gap = ``j_cv - j_train``: how much worse it does on new data; above ``tolerance``
      means **high variance** (it overfits);
    - both gaps large: **high bias and high variance**; neither: ``"neither"``.

    ``baseline`` is the error level we can reasonably hope for (human level, a competing algorithm,
    experience, or an exactly known noise level); ``tolerance`` is the size of a gap that matters
    to you, in the same units as the errors. Returns one of :data:`DIAGNOSES`.
    """
    j_train = validate.number(j_train, "j_train", non_negative=True)
    j_cv = validate.number(j_cv, "j_cv", non_negative=True)
    baseline = validate.number(baseline, "baseline", non_negative=True)
    tolerance = validate.number(tolerance, "tolerance", positive=True)
    high_bias = j_train - baseline > tolerance
    high_variance = j_cv - j_train > tolerance
    if high_bias and high_variance:
        return "high bias and high variance"
    if high_bias:
        return "high bias"
    if high_variance:
        return "high variance"
    return "neither"


# --------------------------------------------------------------------------- learning curves


def _error(kind: str, y, out) -> float:
    """Mean squared error of a single output, or the fraction misclassified."""
    y = np.asarray(y).reshape(len(y), -1)
    out = np.asarray(out).reshape(len(y), -1)
    if kind == "mse":
        return float(np.mean((out - y) ** 2))
    pred = out.argmax(axis=1) if out.shape[1] > 1 else (out[:, 0] >= 0.5).astype(int)
    return float(np.mean(pred != y[:, 0]))


def _training_sizes(sizes, available: int) -> list[int]:
    """The learning curves' training-set sizes: a non-empty list of integers in 1..available."""
    if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence | np.ndarray) \
            or len(sizes) == 0:
        raise TypeError(f"sizes must be a non-empty list of training-set sizes, got "
                        f"{validate.describe(sizes)}.")
    return [validate.integer(m, "each size", minimum=1, maximum=available) for m in sizes]

def keras_learning_curve(make_model: Callable, x, y, x_cv, y_cv, sizes: Sequence[int], *,
                         steps: int, resamples: int = 3, error: str = "mse", seed: int = 0):
    """J_train and J_cv of a Keras model trained on ``m`` examples, for each ``m`` in ``sizes``.

    For each size and each of ``resamples`` resamples, ``m`` rows are drawn from ``(x, y)``
    without replacement (a fresh draw per resample), ``make_model(model_seed)`` builds and compiles
    a fresh model (``model_seed`` differs per resample: pass it to ``keras.utils.set_random_seed``),
    ``helpers.training.train_full_batch`` trains it for ``steps`` steps, and both errors are computed from its
    predictions, without any regularisation penalty: ``error="mse"`` (mean squared error of a
    single output) or ``"classification"`` (fraction misclassified; argmax of several outputs, or
    one probability thresholded at 0.5). The cv set is the same for every run.

    Returns a pandas DataFrame with one row per run: ``m``, ``resample``, ``j_train``, ``j_cv``,
    ``seconds`` (CPU time of the training). :func:`summarise_curve` gives mean and spread per m.
    """
    import pandas as pd

    validate.function(make_model, "make_model",
                      hint="it takes a seed and returns a compiled Keras model")
    x = validate.array(x, "x", min_ndim=2)
    y = validate.array(y, "y", min_ndim=1)
    validate.same_length("x", x, "y", y)
    x_cv = validate.array(x_cv, "x_cv", shape=(None,) + x.shape[1:])
    y_cv = validate.array(y_cv, "y_cv", min_ndim=1)
    validate.same_length("x_cv", x_cv, "y_cv", y_cv)
    error = validate.choice(error, "error", ["mse", "classification"])
    if error == "classification":
        y = validate.labels(y, "y").astype(float)
        y_cv = validate.labels(y_cv, "y_cv").astype(float)
    steps = validate.integer(steps, "steps", minimum=1)
    resamples = validate.integer(resamples, "resamples", minimum=1)
    seed = validate.seed(seed)
    sizes = _training_sizes(sizes, len(x))
    rng = np.random.default_rng(seed)
    rows = []
    for m in sizes:
        for r in range(resamples):
            idx = rng.choice(len(x), size=m, replace=False)
            model = make_model(seed + 1000 * r + m)
            start = time.process_time()
            train_full_batch(model, x[idx], y[idx], steps)
            seconds = time.process_time() - start
            rows.append({"m": m, "resample": r,
                         "j_train": _error(error, y[idx], model_outputs(model, x[idx])),
                         "j_cv": _error(error, y_cv, model_outputs(model, x_cv)),
                         "seconds": seconds})
    return pd.DataFrame(rows)


def _in_turn(functions):
    """One function that calls ``functions[0]``, then ``functions[1]``, ... on successive calls."""
    queue = iter(functions)
    return lambda: next(queue)()


def side_by_side_learning_curves(makers, x, y, x_cv, y_cv, sizes: Sequence[int], *, steps: int,
                                 resamples: int = 2, learning_rate: float = 0.01, seed: int = 0):
    """J_train and J_cv of several regression networks against ``m``, trained side by side.

    ``makers`` maps a name to a function that builds an *uncompiled* Keras model with one output
    (each model's own penalties, such as ``kernel_regularizer``, are kept). For each size ``m``,
    ``resamples`` training sets of ``m`` rows are drawn from ``(x, y)`` without replacement, and
    every model is trained on every one of them: all ``len(makers) * resamples`` copies sit side
    by side in one Keras model, copy ``(name, r)`` sees only training set ``r`` and starts from
    the weights ``keras.utils.set_random_seed(seed + 1000 * r + m)`` gives it (the same for every
    name: the models of one resample are compared from comparable starts), and Adam with
    ``learning_rate`` takes ``steps`` full-batch steps on the summed loss, so each copy trains as
    it would alone. Both errors are mean squared errors of the predictions, without penalty.

    Returns a pandas DataFrame with one row per copy: ``model``, ``m``, ``resample``,
    ``j_train``, ``j_cv``, and ``seconds``, the CPU time of training that size (shared by its
    copies). :func:`summarise_curve` on the rows of one model gives mean and spread per m.
    """
    import keras
    import pandas as pd

    if not isinstance(makers, dict) or not makers:
        raise TypeError(f"makers must be a non-empty dict of name -> function building a Keras "
                        f"model, got {validate.describe(makers)}.")
    for name, make in makers.items():
        validate.function(make, f"makers[{name!r}]", hint="it returns an uncompiled Keras model")
    x = validate.array(x, "x", ndim=2)
    y = validate.array(y, "y", ndim=1)
    validate.same_length("x", x, "y", y)
    x_cv = validate.array(x_cv, "x_cv", shape=(None, x.shape[1]))
    y_cv = validate.array(y_cv, "y_cv", ndim=1)
    validate.same_length("x_cv", x_cv, "y_cv", y_cv)
    steps = validate.integer(steps, "steps", minimum=1)
    resamples = validate.integer(resamples, "resamples", minimum=1)
    learning_rate = validate.number(learning_rate, "learning_rate", positive=True)
    seed = validate.seed(seed)
    sizes = _training_sizes(sizes, len(x))
    rng = np.random.default_rng(seed)
    copies = [(name, r) for name in makers for r in range(resamples)]
    rows = []
    for m in sizes:
        draws = [rng.choice(len(x), size=m, replace=False) for _ in range(resamples)]
        model = side_by_side(_in_turn([makers[name] for name, _ in copies]),
                             [seed + 1000 * r + m for _, r in copies])
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                      loss=side_by_side_loss(keras.losses.MeanSquaredError(), len(copies)))
        xs = np.stack([x[draws[r]] for _, r in copies], axis=1)
        ys = np.stack([y[draws[r]] for _, r in copies], axis=1)[..., None]
        start = time.process_time()
        train_full_batch(model, xs, ys, steps)
        seconds = time.process_time() - start
        for c, (name, r) in enumerate(copies):
            copy = model.get_layer(f"copy_{c}")
            rows.append({"model": name, "m": m, "resample": r,
                         "j_train": _error("mse", y[draws[r]], model_outputs(copy, x[draws[r]])),
                         "j_cv": _error("mse", y_cv, model_outputs(copy, x_cv)),
                         "seconds": seconds})
    return pd.DataFrame(rows)


def summarise_curve(curve):
    """Mean and standard deviation of ``j_train`` and ``j_cv`` per ``m`` of a learning-curve table.

    ``curve`` is a DataFrame with columns ``m``, ``j_train``, ``j_cv`` (as :func:`keras_learning_curve`
    returns). Returns a DataFrame indexed by ``m`` with columns ``j_train``, ``j_train_std``,
    ``j_cv``, ``j_cv_std`` (std 0 when there is one resample).
    """
    import pandas as pd

    if not isinstance(curve, pd.DataFrame):
        raise TypeError(f"curve must be a pandas DataFrame, got {validate.describe(curve)}.")
    missing = {"m", "j_train", "j_cv"} - set(curve.columns)
    if missing:
        raise ValueError(f"curve lacks the column(s) {sorted(missing)}; it needs m, j_train, j_cv "
                         f"(as keras_learning_curve returns).")
    if curve.empty:
        raise ValueError("curve has no rows: nothing was measured.")
    for column in ("m", "j_train", "j_cv"):  # numbers, no NaN: a missing run is not a small spread
        validate.array(curve[column].to_numpy(), f"curve[{column!r}]",
                       hint="a run that diverged or was not measured; rerun or drop it explicitly")
    g = curve.groupby("m")
    out = pd.DataFrame({"j_train": g["j_train"].mean(), "j_train_std": g["j_train"].std(ddof=0),
                        "j_cv": g["j_cv"].mean(), "j_cv_std": g["j_cv"].std(ddof=0)})
    return out

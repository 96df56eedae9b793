"""The one place the helpers check their inputs, so every helper fails the same clear way.

A teaching helper that returns a wrong answer without an error is the worst bug it can have. Every
public function of ``helpers`` runs its arguments through these checks first; each raises
``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, wrong value) with a message that
says what was expected, what came, and how to fix it::

    seed = validate.seed(seed)
    learning_rate = validate.number(learning_rate, "learning_rate", positive=True)
    X = validate.array(X, "X", ndim=2)
    y = validate.labels(y, "y", n_classes=10, length=len(X))
"""

from __future__ import annotations

import numbers
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = [
    "seed", "integer", "number", "boolean", "choice", "fraction", "array", "labels",
    "same_length", "probabilities", "describe", "function", "keras_model", "model_input", "path",
]

#: scikit-learn and NumPy's legacy generator accept seeds in [0, 2**32).
MAX_SEED = 2**32 - 1


def describe(value) -> str:
    """A short description of a value for error messages: type, and shape for arrays."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list | tuple) and len(value) > 6:
        return f"a {type(value).__name__} of length {len(value)}"
    return f"{value!r} ({type(value).__name__})"


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def seed(value, name: str = "seed") -> int:
    """A random seed: an integer in ``[0, 2**32)`` (NumPy ints welcome); returned as ``int``."""
    if not _is_int(value):
        hint = " Write it without quotes." if isinstance(value, str) and value.isdigit() else ""
        raise TypeError(f"{name} must be an integer, got {describe(value)}.{hint}")
    if not 0 <= int(value) <= MAX_SEED:
        raise ValueError(f"{name} must be between 0 and 2**32 - 1 (what NumPy and scikit-learn "
                         f"accept), got {int(value)}.")
    return int(value)


def integer(value, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer (NumPy ints welcome; bools, floats and strings refused) within the bounds."""
    if not _is_int(value):
        hint = ""
        if isinstance(value, float) and value.is_integer():
            hint = f" Use {int(value)} instead of {value}."
        elif isinstance(value, str):
            hint = " Write the number without quotes."
        raise TypeError(f"{name} must be an integer, got {describe(value)}.{hint}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return value


def number(value, name: str, *, positive: bool = False, non_negative: bool = False,
           minimum: float | None = None, maximum: float | None = None,
           below: float | None = None, above: float | None = None) -> float:
    """A finite real number (NumPy scalars welcome; bools, strings and None refused) as ``float``.

    ``minimum``/``maximum`` are inclusive bounds, ``above``/``below`` strict ones (``beta_1`` of
    Adam: ``minimum=0, below=1``).
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        hint = " Write the number without quotes." if isinstance(value, str) else ""
        raise TypeError(f"{name} must be a number, got {describe(value)}.{hint}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}.")
    if positive and value <= 0:
        raise ValueError(f"{name} must be positive, got {value}.")
    if non_negative and value < 0:
        raise ValueError(f"{name} must be zero or positive, got {value}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    if below is not None and value >= below:
        raise ValueError(f"{name} must be below {below}, got {value}.")
    if above is not None and value <= above:
        raise ValueError(f"{name} must be above {above}, got {value}.")
    return value


def function(value, name: str, *, hint: str = ""):
    """Something callable (a function, a lambda, a model); ``None`` and values refused.

    ``hint`` ends the message (what the function should take and return).
    """
    if not callable(value):
        raise TypeError(f"{name} must be a function (something you can call), got "
                        f"{describe(value)}." + (f" {hint}." if hint else ""))
    return value


def keras_model(value, name: str = "model", *, compiled: bool = False):
    """A Keras model (``keras.Sequential``, ``keras.Model``); with ``compiled``, a compiled one.

    Keras is not imported for the check: a value made before Keras was imported is no model.
    """
    keras = sys.modules.get("keras")
    if keras is None or not isinstance(value, keras.Model):
        raise TypeError(f"{name} must be a Keras model (keras.Sequential or keras.Model), got "
                        f"{describe(value)}.")
    if compiled and not getattr(value, "compiled", False):
        raise ValueError(f"{name} is not compiled: call {name}.compile(optimizer=..., loss=...) "
                         f"first.")
    return value


def model_input(model, x: np.ndarray, name: str = "x") -> np.ndarray:
    """``x`` (an array) must have the shape ``model`` takes, any number of examples."""
    expected = getattr(model, "input_shape", None)
    if isinstance(expected, tuple) and (len(expected) != x.ndim or any(
            e is not None and e != s for e, s in zip(expected[1:], x.shape[1:], strict=True))):
        raise ValueError(f"{name} has shape {x.shape}, but the model takes inputs of shape "
                         f"{expected} (None: any number of examples).")
    return x


def path(value, name: str, *, kind: str | None = None) -> Path:
    """A file-system path (a string or ``pathlib.Path``) as a ``Path``.

    ``kind="dir"`` or ``"file"`` also requires it to exist as that.
    """
    if isinstance(value, bool) or not isinstance(value, str | os.PathLike) or value == "":
        raise TypeError(f"{name} must be a path (a string or pathlib.Path), got "
                        f"{describe(value)}.")
    result = Path(value)
    if kind == "dir" and not result.is_dir():
        raise ValueError(f"{name} must be an existing folder, got {str(result)!r}"
                         + (" (a file)." if result.exists() else " (it does not exist)."))
    if kind == "file" and not result.is_file():
        raise ValueError(f"{name} must be an existing file, got {str(result)!r}.")
    return result


def fraction(value, name: str, *, inclusive: bool = False) -> float:
    """A number strictly between 0 and 1 (or in ``[0, 1]`` with ``inclusive=True``)."""
    value = number(value, name)
    ok = 0 <= value <= 1 if inclusive else 0 < value < 1
    if not ok:
        bounds = "between 0 and 1" if inclusive else "strictly between 0 and 1"
        raise ValueError(f"{name} must be a fraction {bounds}, got {value}.")
    return value


def boolean(value, name: str) -> bool:
    """``True`` or ``False`` (NumPy bools welcome); 0/1 and strings such as ``'False'`` refused."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {describe(value)}.")
    return bool(value)


def _same_option(value, option) -> bool:
    if isinstance(value, bool | np.bool_) != isinstance(option, bool | np.bool_):
        return False  # True is not the option 1
    try:
        return bool(value == option)
    except (TypeError, ValueError):  # an array compared with an option: not one of them
        return False


def choice(value, name: str, options: Sequence):
    """One of ``options`` (compared with ``==``; ``True`` is not ``1``); the message lists them."""
    if isinstance(value, np.ndarray | list | dict | set):
        raise TypeError(f"{name} must be one of {list(options)}, got {describe(value)}.")
    if not any(_same_option(value, option) for option in options):
        raise ValueError(f"{name} must be one of {list(options)}, got {describe(value)}.")
    return value


def array(value, name: str, *, ndim: int | Sequence[int] | None = None, min_ndim: int | None = None,
          shape: Sequence | None = None, finite: bool = True, min_size: int = 1,
          dtype=np.float64, hint: str = "clean or impute them first") -> np.ndarray:
    """A numeric array of the expected rank/shape, with no NaN or infinity (unless ``finite=False``).

    ``shape`` may hold ``None`` for a free axis, e.g. ``shape=(None, 64)``. Strings, objects and
    ragged lists, complex numbers and strings of digits are refused with a ``TypeError`` (never
    converted: ``['1', '2']`` is text, not numbers); an empty array with a ``ValueError``
    (``min_size=0`` allows it). Returns a float64 array by default (the input itself when it
    already is one; ``dtype=None`` keeps the input's numeric dtype). ``hint`` ends the NaN message (say, "lower the learning rate" for
    gradients).
    """
    if value is None:
        raise TypeError(f"{name} must be an array of numbers, got None.")
    if isinstance(value, str | bytes):
        raise TypeError(f"{name} must be an array of numbers, got {describe(value)}.")
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of numbers, got {describe(value)} "
                        f"({err}).") from None
    if raw.dtype.kind == "c":
        raise TypeError(f"{name} must be an array of real numbers, got complex numbers (dtype "
                        f"{raw.dtype}); look for a square root or a power of a negative number.")
    if raw.dtype.kind in "USO":
        what = "strings" if raw.dtype.kind in "US" else "objects that are not plain numbers"
        raise TypeError(f"{name} must be an array of numbers, got {what} (dtype {raw.dtype}); "
                        f"convert them first, e.g. np.asarray(values, dtype=float) for numbers "
                        f"written as text.")
    if raw.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {raw.dtype}.")
    arr = raw if dtype is None else raw.astype(dtype, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {arr.shape} ({arr.ndim}-D).")
    if min_ndim is not None and arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} axes, got shape {arr.shape}.")
    if shape is not None:
        expected = tuple(shape)
        if arr.ndim != len(expected) or any(e is not None and e != s
                                            for e, s in zip(expected, arr.shape, strict=True)):
            want = "(" + ", ".join("any" if e is None else str(e) for e in expected) + ")"
            raise ValueError(f"{name} must have shape {want}, got {arr.shape}.")
    if arr.size < min_size:
        raise ValueError(f"{name} is empty (shape {arr.shape}); pass at least {min_size} value(s).")
    if finite and arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        bad = int(np.sum(~np.isfinite(arr)))
        raise ValueError(f"{name} holds {bad} NaN or infinite value(s); {hint}.")
    return arr


def labels(value, name: str = "y", *, n_classes: int | None = None,
           length: int | None = None) -> np.ndarray:
    """Integer class indices ``0..n_classes-1`` as a 1-D int64 array.

    Floats that are whole numbers (``1.0``) are accepted; probabilities, one-hot rows and
    negative values are refused with a hint.
    """
    if n_classes is not None:
        n_classes = integer(n_classes, "n_classes", minimum=1)
    if length is not None:
        length = integer(length, "length", minimum=0)
    arr = array(value, name, finite=True, dtype=None)
    if arr.ndim == 2 and arr.shape[1] > 1:
        raise ValueError(f"{name} must be class indices (1-D), got shape {arr.shape}; for one-hot "
                         f"rows pass {name}.argmax(axis=1).")
    if arr.ndim == 2:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class indices, got shape {arr.shape}.")
    if arr.dtype.kind == "f":
        if not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must be whole class indices, got fractions such as "
                             f"{arr[arr != np.round(arr)][0]:.3g}; threshold probabilities first "
                             f"(e.g. (p >= 0.5).astype(int)).")
    if arr.size and arr.dtype.kind in "fu" and arr.max() >= 2**53:
        raise ValueError(f"{name} must be class indices (small whole numbers), got "
                         f"{arr.max():.6g}; is this an ID or a count rather than a class?")
    arr = arr.astype(np.int64)
    if arr.min() < 0:
        raise ValueError(f"{name} must be non-negative class indices, got {arr.min()}.")
    if n_classes is not None and arr.max() >= n_classes:
        raise ValueError(f"{name} must be class indices in 0..{n_classes - 1}, got {arr.max()}.")
    if length is not None and len(arr) != length:
        raise ValueError(f"{name} has {len(arr)} labels but there are {length} examples.")
    return arr


def _rows(value, name: str) -> int:
    if isinstance(value, str | bytes) or np.ndim(value) == 0:
        raise TypeError(f"{name} must be an array with one row per example, got "
                        f"{describe(value)}.")
    return len(value)


def same_length(name_a: str, a, name_b: str, b) -> None:
    """Raise if ``a`` and ``b`` do not have the same number of rows."""
    if _rows(a, name_a) != _rows(b, name_b):
        raise ValueError(f"{name_a} and {name_b} must have one row per example: got {len(a)} and "
                         f"{len(b)} rows.")


def probabilities(value, name: str, *, axis: int | None = None, atol: float = 1e-4,
                  hint: str = "") -> np.ndarray:
    """Values in ``[0, 1]``; with ``axis``, rows that sum to 1 (within ``atol``).

    ``hint`` ends the message about the sums (e.g. how to pass a sigmoid output).
    """
    arr = array(value, name)
    if axis is not None:
        axis = integer(axis, "axis", minimum=-max(arr.ndim, 1), maximum=max(arr.ndim, 1) - 1)
    if arr.min() < 0 or arr.max() > 1:
        raise ValueError(f"{name} must be probabilities in [0, 1], got values from {arr.min():.3g} "
                         f"to {arr.max():.3g}; apply softmax/sigmoid first, or use a loss "
                         f"'from logits'.")
    if axis is not None:
        sums = arr.sum(axis=axis)
        if not np.allclose(sums, 1, rtol=0, atol=atol):
            worst = int(np.argmax(np.abs(sums - 1)))
            raise ValueError(f"{name} must sum to 1 along axis {axis}, but row {worst} sums to "
                             f"{np.ravel(sums)[worst]:.4g}; apply softmax to the logits first"
                             + (f"; {hint}." if hint else "."))
    return arr

"""Exercise checks: run a learner's answer on fresh inputs and say exactly what is off.

Each lesson ends with exercises. The learner writes an answer between solution markers, and a check
cell prints one verdict line instead of a traceback::

    # BEGIN SOLUTION
    def my_softmax(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    # END SOLUTION

    check_function(my_softmax, softmax, lambda rng: (rng.normal(size=(4, 3)) * 100,))

The verdict starts with ``✓`` (correct), ``✗`` (what is wrong: shape, value at which index, NaN,
an exception) or ``… not yet`` (the answer is still the blank stub ``None`` that ``make exercises``
leaves). Checks test behaviour (outputs on inputs), never object internals, so they keep working
across Keras versions. Every check returns ``True`` only for a correct answer. Nothing in
``helpers`` calls this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from helpers import validate

__all__ = ["check_function", "check_value", "check_choice", "check_model", "NOT_YET"]

#: What ``make exercises`` writes in place of an answer; every check reports it as "not yet".
NOT_YET = None


def _not_yet(name: str, what: str) -> bool:
    print(f"… not yet: {name} is still blank; {what} in the cell above, then run this cell again.")
    return False


def _first_difference(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str:
    close = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    index = np.unravel_index(int(np.argmin(close)), got.shape) if got.ndim else ()
    where = f" at index {tuple(int(i) for i in index)}" if got.ndim else ""
    return f"got {got[index]:.6g}, expected {expected[index]:.6g}{where}"


def _compare(got, expected, name: str, rtol: float, atol: float, context: str = "") -> str | None:
    """``None`` if equal within tolerance, else a sentence saying what differs."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"{name} gave {validate.describe(got)}{context}, expected numbers."
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        hint = " (transposed?)" if got.shape == expected.shape[::-1] and got.ndim == 2 else ""
        return f"{name} has shape {got.shape}{context}, expected {expected.shape}{hint}."
    if np.any(np.isnan(got) & ~np.isnan(expected)):
        return (f"{name} holds NaN{context}; look for overflow in exp, log(0) or a division "
                f"by zero.")
    if not np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True):
        return f"{name} is off{context}: {_first_difference(got, expected, rtol, atol)}."
    return None


def check_function(candidate: Callable | None, reference: Callable, make_args: Callable, *,
                   trials: int = 5, seed: int = 0, rtol: float = 1e-6, atol: float = 1e-9,
                   name: str | None = None) -> bool:
    """Compare ``candidate(*args)`` with ``reference(*args)`` on ``trials`` random inputs.

    ``make_args(rng)`` returns a tuple of arguments (fresh ones each trial, from
    ``np.random.default_rng(seed)``). Prints what differs (shape, NaN, the first wrong value and
    its index, an exception) and returns ``True`` only if every trial matches.
    """
    trials = validate.integer(trials, "trials", minimum=1)
    seed = validate.seed(seed)
    rtol = validate.number(rtol, "rtol", non_negative=True)
    atol = validate.number(atol, "atol", non_negative=True)
    if not callable(reference) or not callable(make_args):
        raise TypeError("check_function needs a reference function and make_args(rng) -> tuple.")
    name = name or getattr(candidate, "__name__", "your function")
    if candidate is None:
        return _not_yet(name, "write the function")
    if not callable(candidate):
        print(f"✗ {name} is {validate.describe(candidate)}, not a function: define it with def.")
        return False
    rng = np.random.default_rng(seed)
    for trial in range(1, trials + 1):
        args = make_args(rng)
        if not isinstance(args, tuple):
            raise TypeError(f"make_args must return a tuple of arguments, got "
                            f"{validate.describe(args)}; wrap one argument as (x,).")
        expected = reference(*args)
        copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        try:
            got = candidate(*copies)
        except Exception as err:  # the learner's code: report it, don't crash the notebook
            print(f"✗ {name} raised {type(err).__name__}: {err} (trial {trial}).")
            return False
        if got is None:
            print(f"✗ {name} returned None: did you forget `return`?")
            return False
        problem = _compare(got, expected, name, rtol, atol, context=f" (trial {trial})")
        if problem:
            print(f"✗ {problem}")
            return False
    print(f"✓ {name} matches the reference on {trials} random input{'s' * (trials > 1)}.")
    return True


def check_value(answer, expected, *, name: str = "your answer", rtol: float = 1e-6,
                atol: float = 1e-9, hint: str = "") -> bool:
    """Compare a number or array the learner computed with the expected one.

    ``hint`` is added to the verdict when the answer is wrong (say, which formula to revisit).
    """
    if answer is None:
        return _not_yet(name, "compute it")
    if isinstance(answer, bool | str):
        print(f"✗ {name} is {validate.describe(answer)}, expected a number.")
        return False
    problem = _compare(answer, expected, name, rtol, atol)
    if problem:
        print(f"✗ {problem}" + (f" {hint}" if hint else ""))
        return False
    print(f"✓ {name} is right.")
    return True


def check_choice(answer, correct, options: Sequence, *, name: str = "your choice",
                 explanations: dict | None = None) -> bool:
    """A multiple-choice answer: ``answer`` must be one of ``options`` and equal ``correct``.

    ``explanations`` maps a wrong option to the sentence that says why it is wrong.
    """
    if answer is None:
        return _not_yet(name, "pick one of " + ", ".join(map(repr, options)))
    if answer not in options:
        print(f"✗ {name} is {answer!r}; pick one of " + ", ".join(map(repr, options)) + ".")
        return False
    if answer != correct:
        why = (explanations or {}).get(answer, "think again about what the experiment measured")
        print(f"✗ {name} {answer!r} is not it: {why}.")
        return False
    print(f"✓ {name} {answer!r} is right.")
    return True


def check_model(model, x, *, output_shape: Sequence | None = None, n_params: int | None = None,
                output_range: tuple[float, float] | None = None, name: str = "your model") -> bool:
    """Check a Keras model by its behaviour: output shape on ``x``, parameter count, output range.

    ``output_shape`` may hold ``None`` for the batch axis; ``output_range=(0, 1)`` checks a sigmoid
    or softmax output. Reads only ``model(x)`` and ``model.count_params()``.
    """
    if model is None:
        return _not_yet(name, "build the model")
    if not callable(model) or not hasattr(model, "count_params"):
        print(f"✗ {name} is {validate.describe(model)}, not a Keras model.")
        return False
    try:
        import keras

        out = keras.ops.convert_to_numpy(model(np.asarray(x, dtype="float32")))
    except Exception as err:  # the learner's model: say what broke
        print(f"✗ {name} failed on an input of shape {np.shape(x)}: {type(err).__name__}: {err}")
        return False
    if output_shape is not None:
        want = tuple(np.shape(x)[0] if s is None else s for s in output_shape)
        if out.shape != want:
            print(f"✗ {name} outputs shape {out.shape}, expected {want}.")
            return False
    if n_params is not None and model.count_params() != n_params:
        print(f"✗ {name} has {model.count_params()} parameters, expected {n_params}.")
        return False
    if np.any(~np.isfinite(out)):
        print(f"✗ {name} outputs NaN or infinity.")
        return False
    if output_range is not None and (out.min() < output_range[0] or out.max() > output_range[1]):
        print(f"✗ {name} outputs values from {out.min():.3g} to {out.max():.3g}, expected them in "
              f"[{output_range[0]}, {output_range[1]}]: check the output activation.")
        return False
    print(f"✓ {name} has the expected behaviour.")
    return True

"""The four ways an exercise is checked: a function, a value, a choice, a Keras model.

Each engine runs the learner's answer, prints one verdict line and returns ``True`` only for a
correct answer:

- ``✓ ...``: right;
- ``✗ ...``: exactly what is off (shape, the first wrong value and where, NaN, complex numbers,
  an exception, which edge case broke);
- ``… not yet ...``: the answer is still the blank stub ``None`` that ``make exercises`` leaves.

Two kinds of mistake are told apart. The learner's (a wrong answer) gets a ``✗`` and never a
traceback. The exercise author's (a bad argument to an engine: a reference that returns nothing,
a correct option missing from the options) raises ``TypeError``/``ValueError`` at once, because
no verdict printed over a broken check can be trusted.

Lessons do not call these directly: each lesson's exercises live in ``helpers.exercises.lessonNN``
(references, edge cases, expected values, explanations), and the lesson's check cell calls
``helpers.exercises.check("NN.k", answer)``, so the answer is not on the learner's page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from helpers import validate

__all__ = ["check_function", "check_value", "check_choice", "check_model", "not_yet"]


def not_yet(name: str, what: str) -> bool:
    print(f"… not yet: {name} is still blank; {what} in the cell above, then run this cell again.")
    return False


def _fail(message: str) -> bool:
    print(f"✗ {message}")
    return False


def _shown(a: float, b: float) -> tuple[str, str]:
    """``a`` and ``b`` with enough significant digits that they print differently."""
    for digits in range(6, 18):
        left, right = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if left != right:
            return left, right
    return repr(a), repr(b)


def _first_difference(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str:
    close = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    index = np.unravel_index(int(np.argmin(close)), got.shape) if got.ndim else ()
    where = f" at index {tuple(int(i) for i in index)}" if got.ndim else ""
    left, right = _shown(float(got[index]), float(expected[index]))
    return f"got {left}, expected {right}{where}"


def _as_real(value, name: str, context: str) -> tuple[np.ndarray | None, str | None]:
    """The learner's result as a float array, or the sentence that says why it is not one."""
    if isinstance(value, bool | np.bool_):
        return None, f"{name} gave the bool {bool(value)}{context}, expected a number."
    if isinstance(value, str | bytes):
        return None, f"{name} gave {validate.describe(value)}{context}, expected numbers."
    try:
        array = np.asarray(value)
    except Exception:  # a ragged list, an object numpy cannot read
        return None, f"{name} gave {validate.describe(value)}{context}, expected numbers."
    if array.dtype.kind == "c":
        return None, (f"{name} gave complex numbers{context}; the answer is real (look for a "
                      f"square root or a power of a negative number).")
    if array.dtype.kind == "b":
        return None, f"{name} gave booleans{context}, expected numbers (use .astype(float))."
    if array.dtype.kind not in "iuf":
        return None, f"{name} gave {validate.describe(value)}{context}, expected numbers."
    return array.astype(float), None


def _expected(value, what: str) -> np.ndarray:
    """The exercise's own expected value: a bug here is the author's, so it raises."""
    if value is None:
        raise TypeError(f"the {what} returned None: the exercise's reference is broken.")
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"the {what} gave {validate.describe(value)}, not numbers.")
    return array.astype(float)


def _compare(got, expected: np.ndarray, name: str, rtol: float, atol: float,
             context: str = "") -> str | None:
    """``None`` if equal within tolerance, else a sentence saying what differs."""
    got, problem = _as_real(got, name, context)
    if problem:
        return problem
    if got.shape != expected.shape:
        hint = " (transposed?)" if got.shape == expected.shape[::-1] and got.ndim == 2 else ""
        return f"{name} has shape {got.shape}{context}, expected {expected.shape}{hint}."
    if np.any(np.isnan(got) & ~np.isnan(expected)):
        return f"{name} holds NaN{context}; look for overflow in exp, log(0) or a division by zero."
    if np.any(np.isinf(got) & ~np.isinf(expected)):
        return f"{name} holds infinity{context}; look for overflow in exp or a division by zero."
    if not np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True):
        return f"{name} is off{context}: {_first_difference(got, expected, rtol, atol)}."
    return None


def _tolerances(rtol, atol) -> tuple[float, float]:
    return (validate.number(rtol, "rtol", non_negative=True),
            validate.number(atol, "atol", non_negative=True))


def _text(value, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {validate.describe(value)}.")
    return value


def _copy(args: tuple) -> tuple:
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def check_function(candidate: Callable | None, reference: Callable, make_args: Callable, *,
                   edges: Sequence[tuple[str, tuple]] = (), trials: int = 5, seed: int = 0,
                   rtol: float = 1e-6, atol: float = 1e-9, name: str | None = None,
                   compare: Callable | None = None) -> bool:
    """Compare ``candidate(*args)`` with ``reference(*args)`` on the edge cases, then at random.

    ``edges``: ``(label, args)`` pairs tried first, each the case a plausible wrong answer gets
    wrong (``"a single example of shape (10,)"``, ``"p exactly 0.5"``, ``"a target never
    reached"``); the label appears in the verdict. ``make_args(rng)`` returns a fresh tuple of
    arguments for each of ``trials`` random trials (``np.random.default_rng(seed)``). The learner's
    function gets copies, so it cannot change the reference's inputs. ``compare(got, expected)``
    may replace the numeric comparison: it returns ``None`` when they agree, else the sentence.
    """
    trials = validate.integer(trials, "trials", minimum=0)
    seed = validate.seed(seed)
    rtol, atol = _tolerances(rtol, atol)
    validate.function(reference, "reference")
    validate.function(make_args, "make_args")
    if compare is not None:
        validate.function(compare, "compare")
    if not isinstance(edges, list | tuple) or not all(
            isinstance(e, tuple) and len(e) == 2 and isinstance(e[0], str) and isinstance(e[1], tuple)
            for e in edges):
        raise TypeError("edges must be a list of (label, args tuple) pairs.")
    if not edges and not trials:
        raise ValueError("check_function needs edge cases or random trials (trials >= 1).")
    if name is not None:
        _text(name, "name")
    name = name or getattr(candidate, "__name__", "your function")
    if candidate is None:
        return not_yet(name, "write the function")
    if not callable(candidate):
        return _fail(f"{name} is {validate.describe(candidate)}, not a function: define it with def.")
    rng = np.random.default_rng(seed)
    cases = [(f" on {label}", args) for label, args in edges]
    for trial in range(1, trials + 1):
        args = make_args(rng)
        if not isinstance(args, tuple):
            raise TypeError(f"make_args must return a tuple of arguments, got "
                            f"{validate.describe(args)}; wrap one argument as (x,).")
        cases.append((f" (random trial {trial})", args))
    for context, args in cases:
        raw = reference(*_copy(args))
        try:
            got = candidate(*_copy(args))
        except Exception as err:  # the learner's code: report it, don't crash the notebook
            return _fail(f"{name} raised {type(err).__name__}{context}: {err}")
        if got is None:
            return _fail(f"{name} returned None{context}: did you forget `return` (or a case "
                         f"your function does not handle)?")
        if compare is not None:
            problem = compare(got, raw)
            if problem is not None and not isinstance(problem, str):
                raise TypeError(f"compare must return None (they agree) or a sentence, got "
                                f"{validate.describe(problem)}: the exercise is broken.")
            problem = problem and f"{name}{context}: {problem}"
        else:
            problem = _compare(got, _expected(raw, "reference"), name, rtol, atol, context)
        if problem:
            return _fail(problem)
    shown = f"{len(edges)} edge case{'s' * (len(edges) != 1)} and " if edges else ""
    return _ok(f"{name} matches the reference on {shown}{trials} random input"
               f"{'s' * (trials != 1)}.")


def _ok(message: str) -> bool:
    print(f"✓ {message}")
    return True


def check_value(answer, expected, *, name: str = "your answer", rtol: float = 1e-6,
                atol: float = 1e-9, hint: str = "") -> bool:
    """Compare a number or array the learner computed with the expected one.

    ``hint`` is added to the verdict when the answer is wrong (which idea to revisit).
    """
    rtol, atol = _tolerances(rtol, atol)
    expected = _expected(expected, "expected value")
    _text(hint, "hint")
    _text(name, "name")
    if answer is None:
        return not_yet(name, "compute it")
    problem = _compare(answer, expected, name, rtol, atol)
    if problem:
        return _fail(problem + (f" {hint}" if hint else ""))
    return _ok(f"{name} is right.")


def check_choice(answer, correct, options: Sequence, *, name: str = "your choice",
                 explanations: dict | None = None, why_right: str = "") -> bool:
    """A multiple-choice answer: ``answer`` must be one of ``options`` and equal ``correct``.

    ``explanations`` maps each wrong option to the sentence that says why it is wrong;
    ``why_right`` is printed with the ✓.
    """
    if not isinstance(options, list | tuple) or len(options) < 2:
        raise TypeError(f"options must be a list of at least two choices, got "
                        f"{validate.describe(options)}.")
    if correct not in options:
        raise ValueError(f"the correct answer {correct!r} is not among the options {options!r}.")
    if explanations is not None and not isinstance(explanations, dict):
        raise TypeError(f"explanations must be a dict (wrong option -> why), got "
                        f"{validate.describe(explanations)}.")
    stray = [k for k in (explanations or {}) if k not in options]
    if stray:  # (the correct option may have one too: it depends on what was measured)
        raise ValueError(f"explanations explain {stray!r}, which are not among the options "
                         f"{options!r}.")
    _text(why_right, "why_right")
    _text(name, "name")
    listed = ", ".join(map(repr, options))
    if answer is None:
        return not_yet(name, f"pick one of {listed}")
    try:  # one of the options itself: not an array that contains it, not True for 1
        validate.choice(answer, name, options)
        known = not isinstance(answer, bool | np.bool_) or any(
            isinstance(o, bool | np.bool_) for o in options)
    except (TypeError, ValueError):
        known = False
    if not known:
        return _fail(f"{name} is {validate.describe(answer)}; pick one of {listed}.")
    if answer != correct:
        why = (explanations or {}).get(answer, "think again about what the experiment measured")
        return _fail(f"{name} {answer!r} is not it: {why}")
    return _ok(f"{name} {answer!r} is right." + (f" {why_right}" if why_right else ""))


def check_model(model, x, *, output_shape: Sequence | None = None, n_params: int | None = None,
                output_range: tuple[float, float] | None = None, rows_sum_to_one: bool = False,
                changes_in_training: bool | None = None, name: str = "your model") -> bool:
    """Check a Keras model by its behaviour on ``x``, at inference (``training=False``).

    - ``output_shape``: may hold ``None`` for the batch axis;
    - ``n_params``: ``model.count_params()``;
    - ``output_range=(low, high)``: every output inside;
    - ``rows_sum_to_one``: each output row is a probability distribution (a softmax output,
      which a sigmoid layer of the same shape is not);
    - ``changes_in_training=True``: the model has layers that change its output in training mode
      and not at inference (augmentation, dropout), which a parameter count cannot see;
      ``False``: it must give the same output in both modes.
    """
    x = validate.array(x, "x")
    if output_shape is not None:
        if not isinstance(output_shape, list | tuple) or not all(
                s is None or (isinstance(s, int) and not isinstance(s, bool)) for s in output_shape):
            raise TypeError(f"output_shape must be a list of ints (None for the batch axis), got "
                            f"{validate.describe(output_shape)}.")
    if n_params is not None:
        n_params = validate.integer(n_params, "n_params", minimum=0)
    if output_range is not None:
        if not isinstance(output_range, list | tuple) or len(output_range) != 2:
            raise TypeError(f"output_range must be (low, high), got {validate.describe(output_range)}.")
        low = validate.number(output_range[0], "output_range[0]")
        high = validate.number(output_range[1], "output_range[1]", above=low)
    rows_sum_to_one = validate.boolean(rows_sum_to_one, "rows_sum_to_one")
    _text(name, "name")
    if changes_in_training is not None:
        changes_in_training = validate.boolean(changes_in_training, "changes_in_training")
    if model is None:
        return not_yet(name, "build the model")
    try:
        validate.keras_model(model, name)
    except TypeError:  # the learner's answer: a verdict, not a traceback
        return _fail(f"{name} is {validate.describe(model)}, not a Keras model.")
    import keras

    inputs = x.astype("float32")
    try:
        out = keras.ops.convert_to_numpy(model(inputs, training=False))
    except Exception as err:  # the learner's model: say what broke
        return _fail(f"{name} failed on an input of shape {x.shape}: {type(err).__name__}: {err}")
    if output_shape is not None:
        want = tuple(x.shape[0] if s is None else s for s in output_shape)
        if out.shape != want:
            return _fail(f"{name} outputs shape {out.shape}, expected {want}.")
    if n_params is not None and model.count_params() != n_params:
        return _fail(f"{name} has {model.count_params()} parameters, expected {n_params}.")
    if np.any(~np.isfinite(out)):
        return _fail(f"{name} outputs NaN or infinity.")
    if output_range is not None and (out.min() < low or out.max() > high):
        return _fail(f"{name} outputs values from {out.min():.4g} to {out.max():.4g}, expected "
                     f"them in [{low:g}, {high:g}]: check the output activation.")
    if rows_sum_to_one:
        sums = out.reshape(len(out), -1).sum(axis=1)
        if out.min() < 0 or np.max(np.abs(sums - 1)) > 1e-4:
            return _fail(f"the rows of {name}'s output sum to {sums.min():.4g}..{sums.max():.4g}, "
                         f"not 1: a softmax output gives one probability distribution per row "
                         f"(a sigmoid per unit does not).")
    if changes_in_training is not None:
        try:
            trained = keras.ops.convert_to_numpy(model(inputs, training=True))
            again = keras.ops.convert_to_numpy(model(inputs, training=False))
        except Exception as err:
            return _fail(f"{name} failed in training mode: {type(err).__name__}: {err}")
        if not np.array_equal(out, again):
            return _fail(f"{name} gives different outputs at inference on the same input: a "
                         f"layer is random even with training=False.")
        changes = not np.allclose(trained, out)
        if changes_in_training and not changes:
            return _fail(f"{name} gives the same output in training mode as at inference: it "
                         f"has no layer that changes its input while training (augmentation "
                         f"layers have no weights, so only their behaviour shows them).")
        if not changes_in_training and changes:
            return _fail(f"{name}'s output changes in training mode; this model should have no "
                         f"random layers.")
    return _ok(f"{name} has the expected behaviour.")

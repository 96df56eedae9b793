"""Exercise checks: run a learner's function on fresh inputs and say exactly what is off.

Lessons end with exercises; each comes with a check cell such as::

    check_function(my_softmax, softmax, lambda rng: (rng.normal(size=(4, 3)) * 100,))

which prints a short verdict instead of a traceback. Nothing in ``helpers`` calls this module.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["check_function"]


def check_function(candidate: Callable, reference: Callable, make_args: Callable, *,
                   trials: int = 5, seed: int = 0, rtol: float = 1e-6, atol: float = 1e-9,
                   name: str | None = None) -> bool:
    """Compare ``candidate(*args)`` with ``reference(*args)`` on ``trials`` random inputs.

    ``make_args(rng)`` returns a tuple of arguments. Prints what differs (shape, NaN, largest error
    and the input that showed it) and returns ``True`` only if every trial matches.
    """
    name = name or getattr(candidate, "__name__", "your function")
    if not callable(candidate):
        print(f"✗ {name} is not a function yet: define it in the cell above.")
        return False
    rng = np.random.default_rng(seed)
    for trial in range(trials):
        args = make_args(rng)
        expected = np.asarray(reference(*args))
        try:
            got = candidate(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
        except Exception as err:  # the learner's code: report, don't crash the notebook
            print(f"✗ {name} raised {type(err).__name__}: {err}")
            return False
        if got is None:
            print(f"✗ {name} returned None: did you forget `return`?")
            return False
        got = np.asarray(got, dtype=float)
        if got.shape != expected.shape:
            print(f"✗ {name} returned shape {got.shape}, expected {expected.shape}.")
            return False
        if np.any(np.isnan(got)) and not np.any(np.isnan(expected)):
            print(f"✗ {name} returned NaN (trial {trial + 1}); look for overflow in exp or log(0).")
            return False
        if not np.allclose(got, expected, rtol=rtol, atol=atol):
            err = np.max(np.abs(got - expected))
            print(f"✗ {name} differs from the reference by up to {err:.3g} (trial {trial + 1}).")
            return False
    print(f"✓ {name} matches the reference on {trials} random inputs.")
    return True

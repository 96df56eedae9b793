"""Small utilities for experiments: timing, seeds sweeps, and collecting results."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

__all__ = ["best_time", "over_seeds"]


def best_time(fn: Callable, *args, repeat: int = 5, number: int = 1,
              clock: Callable[[], float] = time.perf_counter, **kwargs) -> float:
    """Best time in seconds of ``number`` calls of ``fn(*args, **kwargs)`` over ``repeat`` tries.

    The minimum is the least noisy estimate on a shared machine (other processes only add time).
    ``clock`` is wall time by default; pass ``time.process_time`` for this process's CPU time,
    which other processes on a busy machine do not inflate.
    """
    if not callable(fn):
        raise TypeError("best_time needs a function to call.")
    if repeat < 1 or number < 1:
        raise ValueError(f"repeat and number must be >= 1, got {repeat} and {number}.")
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        for _ in range(number):
            fn(*args, **kwargs)
        best = min(best, (clock() - start) / number)
    return best


def over_seeds(fn: Callable[[int], dict], seeds: Iterable[int]):
    """Run ``fn(seed)`` (which returns a dict of results) for each seed; a pandas DataFrame back."""
    import pandas as pd

    rows = []
    for seed in seeds:
        result = fn(seed)
        if not isinstance(result, dict):
            raise TypeError(f"fn(seed) must return a dict of results, got {type(result).__name__}.")
        rows.append({"seed": seed, **result})
    return pd.DataFrame(rows).set_index("seed")

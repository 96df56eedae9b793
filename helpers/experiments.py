"""Small utilities for experiments: timing, seeds sweeps, and collecting results."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from helpers import validate

__all__ = ["best_time", "over_seeds"]


def best_time(fn: Callable, *args, repeat: int = 5, number: int = 1,
              clock: Callable[[], float] = time.perf_counter, **kwargs) -> float:
    """Best time in seconds of ``number`` calls of ``fn(*args, **kwargs)`` over ``repeat`` tries.

    The minimum is the least noisy estimate on a shared machine (other processes only add time).
    ``clock`` is wall time by default; pass ``time.process_time`` for this process's CPU time,
    which other processes on a busy machine do not inflate. ``repeat`` and ``number`` are
    positive integers (NumPy ints welcome).
    """
    if not callable(fn):
        raise TypeError(f"best_time needs a function to call, got {validate.describe(fn)}.")
    repeat = validate.integer(repeat, "repeat", minimum=1)
    number = validate.integer(number, "number", minimum=1)
    if not callable(clock):
        raise TypeError(f"clock must be a function returning seconds, such as time.perf_counter "
                        f"or time.process_time, got {validate.describe(clock)}.")
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        for _ in range(number):
            fn(*args, **kwargs)
        best = min(best, (clock() - start) / number)
    return best


def over_seeds(fn: Callable[[int], dict], seeds: Iterable[int]):
    """Run ``fn(seed)`` (which returns a dict of results) for each seed; a pandas DataFrame back.

    ``seeds`` is a non-empty list (or range) of distinct integer seeds, e.g. ``[7, 42, 123]``; a
    string such as ``"42"`` or a single int is refused, so it is never read digit by digit.
    The DataFrame has one row per seed, indexed by ``seed``.
    """
    import pandas as pd

    if not callable(fn):
        raise TypeError(f"over_seeds needs a function fn(seed) -> dict, got {validate.describe(fn)}.")
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Iterable):
        raise TypeError(f"seeds must be a list of integer seeds such as [7, 42, 123], got "
                        f"{validate.describe(seeds)}" + (" (for one seed write [seed])."
                                                         if not isinstance(seeds, str | bytes)
                                                         else "; write the numbers without quotes."))
    seeds = [validate.seed(s, "each seed") for s in seeds]
    if not seeds:
        raise ValueError("seeds is empty: give at least one seed, e.g. [7, 42, 123].")
    repeated = sorted({s for s in seeds if seeds.count(s) > 1})
    if repeated:
        raise ValueError(f"seeds must be distinct (one row per seed), but {repeated} appear more "
                         f"than once.")
    rows = []
    for seed in seeds:
        result = fn(seed)
        if not isinstance(result, dict):
            raise TypeError(f"fn(seed) must return a dict of results, got {type(result).__name__}.")
        if "seed" in result:
            raise ValueError("fn(seed)'s dict must not have a key 'seed': over_seeds adds it.")
        rows.append({"seed": seed, **result})
    return pd.DataFrame(rows).set_index("seed")

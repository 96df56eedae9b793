"""Search spaces: where each hyper-parameter is drawn from, and grids or random draws of them.

:class:`LogUniform` (a learning rate: evenly over decades), :class:`Uniform` (momentum),
:class:`PowersOfTwo` (a batch size), each with ``sample(rng, n)`` and ``grid(k)``;
:func:`log_uniform` maps uniform numbers to a log scale; :func:`grid_configs` and
:func:`random_configs` turn a space (a dict name -> dimension) into configurations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from helpers import validate

__all__ = ["LogUniform", "Uniform", "PowersOfTwo", "log_uniform", "grid_configs",
           "random_configs"]


def _rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got "
                        f"{validate.describe(rng)}.")
    return rng


def log_uniform(u, low: float, high: float) -> np.ndarray:
    """Map numbers ``u`` in ``[0, 1]`` to ``[low, high]`` evenly on a log scale.

    ``exp(log(low) + u * (log(high) - log(low)))``: each decade gets the same share of samples.
    """
    low = validate.number(low, "low", positive=True)
    high = validate.number(high, "high", positive=True)
    if not low < high:
        raise ValueError(f"low must be below high, got low={low} and high={high}.")
    u = validate.array(u, "u", min_size=0)
    if u.size and (u.min() < 0 or u.max() > 1):
        raise ValueError(f"u must hold numbers in [0, 1] (e.g. rng.random(n)), got values from "
                         f"{u.min():.3g} to {u.max():.3g}.")
    return np.exp(np.log(low) + u * (np.log(high) - np.log(low)))


@dataclass(frozen=True)
class Uniform:
    """A real hyper-parameter drawn evenly between ``low`` and ``high`` (e.g. momentum 0.85-0.95)."""

    low: float
    high: float

    def __post_init__(self):
        low = validate.number(self.low, "low")
        high = validate.number(self.high, "high")
        if not low < high:
            raise ValueError(f"low must be below high, got low={low} and high={high}.")

    def sample(self, rng, n: int) -> np.ndarray:
        n = validate.integer(n, "n", minimum=1)
        return self.low + _rng(rng).random(n) * (self.high - self.low)

    def grid(self, k: int, *, centred: bool = False) -> np.ndarray:
        """``k`` evenly spaced values, both ends included (one value: the middle).

        ``centred=True``: the centres of ``k`` equal cells instead, ``low + (i + 1/2) (high - low) / k``.
        """
        k = validate.integer(k, "k", minimum=1)
        if validate.boolean(centred, "centred") or k == 1:
            return self.low + (np.arange(k) + 0.5) / k * (self.high - self.low)
        return np.linspace(self.low, self.high, k)


@dataclass(frozen=True)
class LogUniform:
    """A positive hyper-parameter spread evenly over decades (e.g. a learning rate 1e-6..1e-1)."""

    low: float
    high: float

    def __post_init__(self):
        low = validate.number(self.low, "low", positive=True)
        high = validate.number(self.high, "high", positive=True)
        if not low < high:
            raise ValueError(f"low must be below high, got low={low} and high={high}.")

    def sample(self, rng, n: int) -> np.ndarray:
        n = validate.integer(n, "n", minimum=1)
        return log_uniform(_rng(rng).random(n), self.low, self.high)

    def grid(self, k: int, *, centred: bool = False) -> np.ndarray:
        """``k`` values evenly spaced in the logarithm, both ends included (one value: the middle).

        ``centred=True``: the centres of ``k`` cells of equal width on the log scale instead
        (``log_uniform((i + 1/2) / k, low, high)``), so no point sits on an end of the range.
        """
        k = validate.integer(k, "k", minimum=1)
        if validate.boolean(centred, "centred") or k == 1:
            return log_uniform((np.arange(k) + 0.5) / k, self.low, self.high)
        return np.geomspace(self.low, self.high, k)


@dataclass(frozen=True)
class PowersOfTwo:
    """A batch size: a power of two from ``low`` to ``high`` (both powers of two), each equally likely."""

    low: int
    high: int

    def __post_init__(self):
        for name in ("low", "high"):
            v = validate.integer(getattr(self, name), name, minimum=1)
            if v & (v - 1):
                raise ValueError(f"{name} must be a power of two (16, 32, 64, ...), got {v}.")
        if not self.low < self.high:
            raise ValueError(f"low must be below high, got low={self.low} and high={self.high}.")

    def values(self) -> np.ndarray:
        return 2 ** np.arange(int(math.log2(self.low)), int(math.log2(self.high)) + 1)

    def sample(self, rng, n: int) -> np.ndarray:
        n = validate.integer(n, "n", minimum=1)
        return _rng(rng).choice(self.values(), size=n)

    def grid(self, k: int, *, centred: bool = False) -> np.ndarray:
        """About ``k`` of the powers, evenly spread (both ends; ``centred=True``: cell centres)."""
        k = validate.integer(k, "k", minimum=1)
        v = self.values()
        if validate.boolean(centred, "centred"):
            positions = (np.arange(k) + 0.5) / k * len(v) - 0.5
        else:
            positions = np.linspace(0, len(v) - 1, k)
        idx = np.unique(np.clip(np.round(positions), 0, len(v) - 1).astype(int))
        return v[idx]


_SPACES = (Uniform, LogUniform, PowersOfTwo)


def _check_space(space) -> dict:
    if not isinstance(space, dict) or not space:
        raise TypeError(f"space must be a non-empty dict of name -> Uniform/LogUniform/PowersOfTwo, "
                        f"got {validate.describe(space)}.")
    for name, dim in space.items():
        if not isinstance(dim, _SPACES):
            raise TypeError(f"space[{name!r}] must be a Uniform, LogUniform or PowersOfTwo, got "
                            f"{validate.describe(dim)}.")
    return space


def grid_configs(space: dict, budget: int, *, centred: bool = False) -> dict:
    """A full grid with about ``budget`` points: ``k = floor(budget ** (1/d))`` values per dimension.

    Each dimension's values are its ``grid(k)``: both ends of the range included, or, with
    ``centred=True``, the centres of ``k`` equal cells (where a grid's lines fall decides what it
    can find). Returns a dict name -> array of length ``k ** d`` (every combination).
    """
    space = _check_space(space)
    budget = validate.integer(budget, "budget", minimum=1)
    centred = validate.boolean(centred, "centred")
    k = int(math.floor(budget ** (1 / len(space)) + 1e-9))
    axes = [dim.grid(k, centred=centred) for dim in space.values()]
    mesh = np.meshgrid(*axes, indexing="ij")
    return {name: m.ravel() for name, m in zip(space, mesh, strict=True)}


def random_configs(space: dict, budget: int, rng) -> dict:
    """``budget`` independent draws from every dimension of ``space``: a dict name -> array."""
    space = _check_space(space)
    budget = validate.integer(budget, "budget", minimum=1)
    rng = _rng(rng)
    return {name: dim.sample(rng, budget) for name, dim in space.items()}

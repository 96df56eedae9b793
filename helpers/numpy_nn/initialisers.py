"""Initial weights: Glorot-uniform, Keras's default for ``Dense`` and ``Conv2D`` kernels.

``_glorot_uniform(rng, fan_in, fan_out)`` is the kernel (the same draws as Keras's formula, from a
NumPy generator); :func:`glorot_uniform` checks its arguments first. ``tuning``'s population of
networks and ``distributed``'s starting weights are drawn with the kernel.
"""

from __future__ import annotations

import numpy as np

from helpers import validate

__all__ = ["glorot_uniform"]


def _glorot_uniform(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    """Uniform in ``+-sqrt(6 / (fan_in + fan_out))``, shape ``(fan_in, fan_out)``, float64."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def glorot_uniform(fan_in: int, fan_out: int, *, seed: int) -> np.ndarray:
    """A ``(fan_in, fan_out)`` weight matrix, uniform in ``+-sqrt(6 / (fan_in + fan_out))``.

    Glorot and Bengio's choice keeps the variance of activations and of gradients about equal from
    layer to layer. The draws come from ``np.random.default_rng(seed)`` (float64); Keras's
    ``GlorotUniform`` uses the same bounds but its own random generator, so the numbers differ.
    """
    fan_in = validate.integer(fan_in, "fan_in", minimum=1)
    fan_out = validate.integer(fan_out, "fan_out", minimum=1)
    return _glorot_uniform(np.random.default_rng(validate.seed(seed)), fan_in, fan_out)

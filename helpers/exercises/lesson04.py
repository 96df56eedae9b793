"""Exercises of lesson 04 (Sequential: compile and fit): references, edge cases, expected answers.

- 04.1 ``my_cost(y, f)``: binary cross-entropy with the probabilities clipped to [1e-7, 1 - 1e-7];
- 04.2 ``my_steps``: the gradient steps ``fit`` takes for 1000 examples, batch 64, 5 epochs;
- 04.3 ``my_false_alarms``: an experiment, the bad roasts called good on the cross-validation split
  at thresholds 0.3 and 0.7.
"""

from __future__ import annotations

import math

import numpy as np

from helpers.exercises import check_function, check_value, exercise

_EPS = 1e-7


def _cost(y, f):
    y = np.asarray(y, dtype=float)
    f = np.clip(np.asarray(f, dtype=float), _EPS, 1 - _EPS)
    return float(np.mean(-y * np.log(f) - (1 - y) * np.log(1 - f)))


def _bce_args(rng):
    y = rng.integers(0, 2, size=20).astype(float)
    f = rng.uniform(0, 1, size=20)
    f[:2] = [0.0, 1.0]
    return y, f


@exercise("04.1", name="my_cost")
def _my_cost(answer):
    with np.errstate(divide="ignore", invalid="ignore"):
        return check_function(
            answer, _cost, _bce_args, name="my_cost", rtol=1e-9,
            edges=[("tiny probabilities of the true class (1e-3, 1e-5) that clipping leaves alone",
                    (np.array([1.0, 1.0, 0.0]), np.array([1e-3, 1e-5, 1 - 1e-3]))),
                   ("probabilities exactly 0 and 1, right and wrong",
                    (np.array([1.0, 0.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.0, 1.0])))])


@exercise("04.2", name="my_steps")
def _my_steps(answer):
    return check_value(answer, 5 * math.ceil(1000 / 64), name="my_steps", rtol=0, atol=0,
                       hint="Count the batches of one epoch (the last one is smaller), then times 5.")


def _false_alarms(p, y, threshold):
    return int(np.sum((np.asarray(p) >= threshold) & (np.asarray(y) == 0)))


@exercise("04.3", name="my_false_alarms")
def _alarms(answer, *, p, y):
    expected = np.array([_false_alarms(p, y, 0.3), _false_alarms(p, y, 0.7)])
    return check_value(answer, expected, name="my_false_alarms", rtol=0, atol=0,
                       hint="A false alarm is a bad roast (label 0) whose probability is at or "
                            "above the threshold; count them at 0.3, then at 0.7.")

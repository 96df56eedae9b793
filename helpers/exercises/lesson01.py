"""Exercises of lesson 01 (learning from data): references, edge cases and expected answers.

- 01.1 ``my_cross_entropy(y, t)``: the mean cross-entropy for index labels, one example or a batch;
- 01.2 ``my_critical_lr``: the learning rate above which gradient descent on the bowl diverges;
- 01.3 ``my_share``: an experiment, the share of weights whose numerical accuracy "derivative" is
  nonzero when the step is ``h = 0.5``.
"""

from __future__ import annotations

import numpy as np

from helpers import numpy_nn
from helpers.exercises import check_function, check_value, exercise


def _cross_entropy(y, t):
    """The mean of -log(y[correct] + 1e-7) for index labels, one example (10,) or a batch."""
    return numpy_nn.cross_entropy_error(y, t)


def _batch(rng):
    n = int(rng.integers(2, 9))
    return numpy_nn.softmax(rng.normal(scale=2.0, size=(n, 10))), rng.integers(0, 10, n)


def _one_zero():
    y = numpy_nn.softmax(np.linspace(-1, 1, 40).reshape(4, 10))
    y[1] = 0.0
    y[1, 3] = 1.0                    # example 1 is sure of class 3 ...
    return y, np.array([2, 5, 7, 0])  # ... and its label is 5: probability exactly 0


@exercise("01.1", name="my_cross_entropy")
def _ce(answer):
    single = numpy_nn.softmax(np.linspace(-2, 2, 10))
    with np.errstate(divide="ignore", invalid="ignore"):
        return check_function(
            answer, _cross_entropy, _batch, name="my_cross_entropy", rtol=1e-9,
            edges=[("a batch where the correct class has probability exactly 0", _one_zero()),
                   ("a single example of shape (10,) with an integer label", (single, 4)),
                   ("a batch of one, shape (1, 10)", (single[None, :], np.array([9])))])


@exercise("01.2", name="my_critical_lr")
def _critical(answer):
    # on f = x0^2 + x1^2 a step multiplies x by (1 - 2 lr): it shrinks while |1 - 2 lr| < 1
    critical = 2 / 2.0   # 2 / L with L = 2, the curvature of the bowl
    return check_value(answer, critical, name="my_critical_lr", rtol=0, atol=1e-9,
                       hint="Each step multiplies x by (1 - 2 lr): for which lr is |1 - 2 lr| < 1?")


def _accuracy_share(weights, bias, x, y, h):
    def accuracy(W):
        return np.mean(np.argmax(x @ W + bias, axis=1) == y)
    grad = numpy_nn.numerical_gradient(accuracy, np.array(weights, dtype=float), h=h)
    return float(np.mean(grad != 0))


@exercise("01.3", name="my_share")
def _share(answer, *, weights, bias, x, y):
    expected = _accuracy_share(weights, bias, x, y, h=0.5)
    return check_value(answer, expected, name="my_share", rtol=0, atol=1e-12,
                       hint="Use h=0.5 in numerical_gradient of the accuracy at the fitted weights, "
                            "then the share (a fraction of all the weights) of nonzero entries.")

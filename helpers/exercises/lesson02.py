"""Exercises of lesson 02 (neurons and layers): references, edge cases and expected answers.

- 02.1 ``my_dense(A_in, W, b, g)``: a dense layer; ``g`` is drawn among several activations, so an
  answer that ignores it fails;
- 02.2 ``my_count``: the parameters of a 100-50-20-1 dense network, worked out by hand;
- 02.3 ``my_accuracy_steep``: an experiment, the hand-made coffee network's accuracy when every
  hidden unit switches ten times more sharply (steepness 100).
"""

from __future__ import annotations

import numpy as np

from helpers import numpy_nn
from helpers.exercises import check_function, check_value, exercise

_ACTIVATIONS = (numpy_nn.sigmoid, numpy_nn.relu, numpy_nn.tanh, numpy_nn.linear)


def _dense(A_in, W, b, g):
    return g(A_in @ W + b)


def _layer(rng):
    m, n_in, n_units = (int(v) for v in rng.integers(1, 6, size=3) + [0, 1, 0])
    g = _ACTIVATIONS[int(rng.integers(len(_ACTIVATIONS)))]
    return rng.normal(size=(m, n_in)), rng.normal(size=(n_in, n_units)), rng.normal(size=n_units), g


@exercise("02.1", name="my_dense")
def _my_dense(answer):
    A = np.array([[1.0, -2.0, 0.5], [-1.5, 0.3, 2.0]])
    W = np.array([[0.5, -1.0], [1.0, 0.2], [-0.3, 0.8]])
    b = np.array([0.1, -0.4])
    return check_function(
        answer, _dense, _layer, name="my_dense", trials=8,
        edges=[("g = numpy_nn.relu, where some weighted sums are negative", (A, W, b, numpy_nn.relu)),
               ("g = numpy_nn.linear (no activation: the output is z itself)",
                (A, W, b, numpy_nn.linear)),
               ("one example, shape (1, 3), with g = numpy_nn.tanh", (A[:1], W, b, numpy_nn.tanh))])


def _count(widths):
    return sum(n_in * n_out + n_out for n_in, n_out in zip(widths[:-1], widths[1:], strict=True))


@exercise("02.2", name="my_count")
def _my_count(answer):
    return check_value(answer, _count([100, 50, 20, 1]), name="my_count", rtol=0, atol=0,
                       hint="Count n_in * n_units + n_units for each of the three layers, then add.")


def _coffee_accuracy(X, y, s):
    W1 = np.array([[-s / 10, 0.0, s * 3 / 85], [0.0, -s, s]])
    b1 = np.array([s / 10 * 175, s * 12, -s * 21])
    W2, b2 = np.full((3, 1), -20.0), np.array([10.0])
    a2 = numpy_nn.sequential(X, [(W1, b1, "sigmoid"), (W2, b2, "sigmoid")])
    return float(np.mean((a2.ravel() >= 0.5) == y))


@exercise("02.3", name="my_accuracy_steep")
def _steep(answer, *, X, y):
    return check_value(answer, _coffee_accuracy(X, y, 100.0), name="my_accuracy_steep", rtol=0,
                       atol=1e-12, hint="Rebuild W1 and b1 from the table with s = 100 (both use s), "
                                        "run both layers on X_coffee, threshold a[2] at 0.5 and "
                                        "compare with y_coffee.")

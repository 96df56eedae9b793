"""Exercises of lesson 03 (forward propagation in NumPy): references, edge cases, expected answers.

- 03.1 ``dense_rows(A_in, W_rows, b)``: a sigmoid layer whose weights come one row per unit;
- 03.2 ``sequential_loop(X, layers)``: a forward pass one example at a time, any number of layers
  and any width of the last one;
- 03.3 ``my_p``: an experiment, the trained network's probabilities for two new roasts.
"""

from __future__ import annotations

import numpy as np

from helpers import numpy_nn
from helpers.exercises import check_function, check_value, exercise


def _dense_rows(A_in, W_rows, b):
    return numpy_nn.dense(A_in, np.asarray(W_rows).T, b, "sigmoid")


def _rows_args(rng):
    m, n_in, n_units = 5, 2, 3
    return rng.normal(size=(m, n_in)), rng.normal(size=(n_units, n_in)), rng.normal(size=n_units)


@exercise("03.1", name="dense_rows")
def _rows(answer):
    rng = np.random.default_rng(3)
    square = (rng.normal(size=(4, 3)), rng.normal(size=(3, 3)), rng.normal(size=3))
    return check_function(
        answer, _dense_rows, _rows_args, name="dense_rows",
        edges=[("a square W_rows (3 units on 3 inputs), where the wrong layout still runs", square),
               ("one example, shape (1, 2)", (square[0][:1, :2], rng.normal(size=(3, 2)),
                                              rng.normal(size=3)))])


def _sequential(X, layers):
    return numpy_nn.sequential(X, [(W, b, "sigmoid") for W, b in layers])


def _net(rng, widths=None):
    widths = widths or [int(v) for v in rng.integers(1, 5, size=int(rng.integers(1, 4)))]
    sizes = [3, *widths]
    X = rng.normal(size=(int(rng.integers(1, 7)), 3))
    return X, [(rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in zip(sizes[:-1], sizes[1:],
                                                                            strict=True)]


@exercise("03.2", name="sequential_loop")
def _loop(answer):
    rng = np.random.default_rng(4)
    return check_function(
        answer, _sequential, _net, name="sequential_loop", rtol=1e-9, trials=6,
        edges=[("a network whose last layer has 2 units", _net(rng, [4, 2])),
               ("a single layer of 3 units", _net(rng, [3])),
               ("three layers, the last of 1 unit", _net(rng, [4, 2, 1]))])


NEW_ROASTS = np.array([[200.0, 13.5], [200.0, 14.3]])


@exercise("03.3", name="my_p")
def _probabilities(answer, *, layers, mu, sigma):
    Xn = numpy_nn.normalise(NEW_ROASTS, mu, sigma)[0]
    expected = _sequential(Xn, layers).ravel()
    return check_value(answer, expected, name="my_p", rtol=1e-6, atol=1e-9,
                       hint="Normalise the two roasts with the training statistics mu and sigma, "
                            "run sequential(..., layers) and flatten: two probabilities.")

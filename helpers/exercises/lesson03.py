"""Exercises of lesson 03 (forward propagation in NumPy): references, edge cases, expected answers.

- 03.1 ``dense_rows(A_in, W_rows, b)``: a sigmoid layer whose weights come one row per unit;
- 03.2 ``sequential_loop(X, layers)``: a forward pass one example at a time, any number of layers
  and any width of the last one, through the lesson's own ``dense_loop`` (the check counts its
  calls, so ``return sequential(X, layers)`` is refused);
- 03.3 ``my_edge``: an experiment, a scan of durations at 200 °C that finds where the trained
  network's probability first falls below ``threshold`` (computed from the learner's ``layers``,
  so it holds at any seed);
- 03.4 ``my_dot_calls(m, n_units)``: how many ``np.dot`` calls the loop forward pass makes.
"""

from __future__ import annotations

import contextlib
import io

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


def _dense_loop_calls(answer, X, layers) -> int | None:
    """How many times ``answer(X, layers)`` calls the ``dense_loop`` of the learner's page.

    The function's own globals (the notebook's namespace) get a counting ``dense_loop`` for one
    call and the original back afterwards; ``None`` when the page has no ``dense_loop``.
    """
    space = getattr(answer, "__globals__", None)
    if not isinstance(space, dict) or not callable(space.get("dense_loop")):
        return None
    original, calls = space["dense_loop"], [0]

    def counting(*args, **kwargs):
        calls[0] += 1
        return original(*args, **kwargs)

    space["dense_loop"] = counting
    try:
        answer(X.copy(), [(W.copy(), b.copy()) for W, b in layers])
    except Exception:  # reported by check_function, which runs the answer again
        pass
    finally:
        space["dense_loop"] = original
    return calls[0]


@exercise("03.2", name="sequential_loop")
def _loop(answer):
    rng = np.random.default_rng(4)
    verdict = io.StringIO()
    with contextlib.redirect_stdout(verdict):   # the numbers first; printed once the calls are known
        ok = check_function(
            answer, _sequential, _net, name="sequential_loop", rtol=1e-9, trials=6,
            edges=[("a network whose last layer has 2 units", _net(rng, [4, 2])),
                   ("a single layer of 3 units", _net(rng, [3])),
                   ("three layers, the last of 1 unit", _net(rng, [4, 2, 1]))])
    if ok:
        X, layers = rng.normal(size=(5, 3)), _net(rng, [4, 2])[1]
        calls, expected = _dense_loop_calls(answer, X, layers), len(X) * len(layers)
        if calls != expected:
            print(f"✗ sequential_loop gives the right numbers but not through dense_loop, one "
                  f"example and one layer at a time: on {len(X)} examples and {len(layers)} "
                  f"layers dense_loop should run {expected} times and ran {calls or 0} (the "
                  f"vectorised sequential or dense did the work).")
            return False
    print(verdict.getvalue(), end="")
    return ok


SCAN_START, SCAN_STEP, TEMPERATURE = 13.0, 0.01, 200.0


def _edge(layers, mu, sigma, threshold) -> float:
    """The first duration, scanning up from SCAN_START in SCAN_STEP minutes at TEMPERATURE, whose
    probability is below ``threshold`` (the scan's end, 20 min, when none is)."""
    durations = np.arange(SCAN_START, 20.0 + SCAN_STEP / 2, SCAN_STEP)
    roasts = np.column_stack([np.full_like(durations, TEMPERATURE), durations])
    p = _sequential(numpy_nn.normalise(roasts, mu, sigma)[0], layers).ravel()
    below = np.flatnonzero(p < threshold)
    return float(durations[below[0]]) if below.size else float(durations[-1])


@exercise("03.3", name="my_edge")
def _edge_of_the_triangle(answer, *, layers, mu, sigma, threshold):
    expected = _edge(layers, mu, sigma, threshold)
    return check_value(answer, expected, name="my_edge", rtol=0, atol=2 * SCAN_STEP + 1e-9,
                       hint=f"The edge must be found to within {2 * SCAN_STEP:g} min: scan up "
                            f"from {SCAN_START} min at {TEMPERATURE:.0f} °C in steps of "
                            f"{SCAN_STEP} min, normalise the "
                            f"roasts with the training statistics mu and sigma, run sequential(..., "
                            f"layers) and take the first duration whose probability is below "
                            f"threshold.")


def _dot_calls(m, n_units):
    return m * (n_units + 1)


def _calls_args(rng):
    return int(rng.integers(1, 50)), int(rng.integers(1, 70))


@exercise("03.4", name="my_dot_calls")
def _calls(answer):
    return check_function(
        answer, _dot_calls, _calls_args, name="my_dot_calls", rtol=0, atol=0,
        edges=[("one example and one hidden unit (m = 1, n_units = 1)", (1, 1)),
               ("m = 10 000 examples, n_units = 16", (10_000, 16))])

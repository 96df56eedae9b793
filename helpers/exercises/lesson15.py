"""Exercises of lesson 15 (tuning and experiments): references, edge cases and expected answers.

- 15.1 ``my_centred_grid(low, high, k)``: ``k`` learning rates at the centres of ``k`` cells of
  equal width on the log scale of ``[low, high]`` (a grid with no point on an end of the range);
- 15.2 ``my_epochs``: the epochs successive halving spends on 81 configurations, rungs at 1, 3, 9
  and 27 epochs, the best third kept at each rung;
- 15.3 ``my_shift``: an experiment, where the good band of Adam's learning rate moves when every
  trial gets 2 epochs instead of ``sweep_epochs``;
- 15.4 ``my_search``: which search to spend 16 runs on when one or two of 4 knobs matter.
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import check_choice, check_function, check_value, exercise
from helpers.tuning import LogUniform, MLPPopulation


def _centred(low, high, k):
    return LogUniform(low, high).grid(k, centred=True)


def _grid_args(rng):
    return float(10 ** rng.uniform(-7, -3)), float(10 ** rng.uniform(-2, 0)), int(rng.integers(1, 7))


def _diagnose_grid(got, expected):
    """``None`` when right; else what is off, naming the familiar grid the points are when they are one."""
    try:
        got = np.asarray(got, dtype=float).ravel()
    except (TypeError, ValueError):
        return f"gave {type(got).__name__}, expected an array of learning rates."
    if got.shape != expected.shape:
        return (f"gave {got.size} value(s), expected {expected.size}: one learning rate per cell "
                f"(k of them).")
    if np.allclose(got, expected, rtol=1e-6):
        return None
    shown = ", ".join(f"{v:.4g}" for v in got[:4])
    want = ", ".join(f"{v:.4g}" for v in expected[:4])
    k = len(expected)
    if k > 1:
        cell = np.log(expected[1]) - np.log(expected[0])         # one cell, on the log scale
        low = np.exp(np.log(expected[0]) - cell / 2)
        if np.isclose(got[0], low, rtol=1e-6):
            return (f"got [{shown}], expected [{want}]: your first point is the low end of the "
                    f"range; a cell-centred grid puts each point in the middle of its cell, half a "
                    f"cell in from the end.")
        if np.allclose(np.diff(got), np.diff(got)[0], rtol=1e-6):
            return (f"got [{shown}], expected [{want}]: your points are evenly spaced on a linear "
                    f"scale; the cells must have equal width on the log scale.")
    return f"got [{shown}], expected [{want}]."


@exercise("15.1", name="my_centred_grid")
def _grid(answer):
    return check_function(
        answer, _centred, _grid_args, name="my_centred_grid", compare=_diagnose_grid,
        edges=[("k = 2 on 1e-4..1e-2: two cells one decade wide, centred half a decade in",
                (1e-4, 1e-2, 2)),
               ("k = 3 on 1e-6..1e-1 (the lesson's range): no point on either end", (1e-6, 1e-1, 3)),
               ("k = 1: a single cell, whose centre is the geometric middle", (1e-5, 1e-1, 1))])


def _halving_epochs(n_configs: int, factor: int, max_epochs: int) -> int:
    spent, alive, done, rung = 0, n_configs, 0, 1
    while rung <= max_epochs:
        spent += alive * (rung - done)
        done, rung, alive = rung, rung * factor, max(1, alive // factor)
    return spent


_EPOCH_HINTS = {
    81 * 1 + 27 * 3 + 9 * 9 + 3 * 27: "That trains every survivor from epoch 0 again; survivors "
                                       "continue from their weights, so each trains only the epochs "
                                       "from the previous rung to the next",
    81 + 27 + 9 + 3: "That counts one epoch per configuration per rung; a survivor trains from the "
                     "previous rung's epochs up to the next rung's",
    81 * 27: "That is the price of training all 81 to the end, the cost halving avoids",
}


@exercise("15.2", name="my_epochs")
def _epochs(answer):
    try:
        key = int(round(float(answer)))
    except (TypeError, ValueError):
        key = None
    hint = _EPOCH_HINTS.get(key, "Each survivor trains only the epochs from the previous rung to "
                                 "the next one (1, then 2 more, then 6, then 18)")
    return check_value(answer, _halving_epochs(81, 3, 27), name="my_epochs", hint=hint)


_SHIFTS = ["larger", "smaller", "it stays"]


def _band_centre(learning_rates, accuracy, share: float = 0.8) -> float:
    band = learning_rates[accuracy >= share * accuracy.max()]
    return float(np.exp(np.log(band).mean()))


@exercise("15.3", name="my_shift")
def _shift(answer, *, data, learning_rates, long_accuracy, batch_size: int, seed: int):
    """``long_accuracy``: the lesson's own sweep (section 2); the 2-epoch sweep is redone here."""
    x, y, x_cv, y_cv = data
    learning_rates = np.asarray(learning_rates, dtype=float)
    pop = MLPPopulation(x, y, learning_rates=learning_rates,
                        momenta=np.full(len(learning_rates), 0.9), batch_size=batch_size, seed=seed)
    short = _band_centre(learning_rates, pop.train(2).evaluate(x_cv, y_cv)[0])
    full = _band_centre(learning_rates, np.asarray(long_accuracy, dtype=float))
    correct = "larger" if short > full * 1.05 else "smaller" if short < full / 1.05 else "it stays"
    measured = f"with 2 epochs the good band is centred near {short:.2g}, with the full sweep near {full:.2g}"
    why = {"smaller": "fewer steps need larger steps to get as far, not smaller ones; " + measured,
           "larger": measured, "it stays": "the band does move: " + measured}
    return check_choice(answer, correct, _SHIFTS, name="my_shift",
                        explanations={k: v for k, v in why.items() if k != correct},
                        why_right=f"{measured[0].upper() + measured[1:]}: a short trial favours large learning rates, which "
                                  f"is what the first rungs of successive halving judge by.")


_SEARCHES = ["grid", "random", "one at a time"]


@exercise("15.4", name="my_search")
def _search(answer):
    return check_choice(
        answer, "random", _SEARCHES, name="my_search",
        explanations={"grid": "a 2 x 2 x 2 x 2 grid tries only 2 values of the knob that matters",
                      "one at a time": "it never moves two knobs away from the baseline together, "
                                       "and still tries only 4 values of each"},
        why_right="Its 16 runs try 16 values of every knob, whichever turns out to matter.")

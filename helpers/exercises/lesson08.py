"""Exercises of lesson 08 (optimisers: gradient descent, momentum, Adam): references and answers.

- 08.1 ``debiased_mean(values, beta)``: the paper's bias-corrected running mean, every step;
- 08.2 ``my_rotation_answer``: which optimisers a 45-degree rotation of the bowl leaves unchanged;
- 08.3 ``my_alpha_1_over_lr``: Adam's bias-corrected step size at t = 1, in learning rates;
- 08.4 ``my_momentum_answer``: an experiment, where SGD with momentum has its best learning rate
  compared with plain SGD (read from the learner's own sweep).
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import check_choice, check_function, check_value, exercise, not_yet


def _debiased_mean(values, beta):
    values = np.asarray(values, dtype=float)
    t = np.arange(1, len(values) + 1)
    m, out = 0.0, np.empty(len(values))
    for i, g in enumerate(values):
        m = beta * m + (1 - beta) * g
        out[i] = m / (1 - beta ** t[i])
    return out


def _stream(rng):
    return rng.normal(size=int(rng.integers(3, 12))), float(rng.uniform(0.5, 0.99))


@exercise("08.1", name="debiased_mean")
def _debiased(answer):
    with np.errstate(all="ignore"):   # a wrong answer may divide by zero: the verdict says so
        return _check_debiased(answer)


def _check_debiased(answer):
    return check_function(
        answer, _debiased_mean, _stream, name="debiased_mean", rtol=1e-9,
        edges=[("a constant stream (the corrected mean must equal it from the first step)",
                (np.full(6, 3.0), 0.9)),
               ("beta = 0 (no memory: the mean is the latest value)", (np.array([1.0, -2.0, 4.0]), 0.0)),
               ("a single value", (np.array([2.5]), 0.99))])


ROTATION_OPTIONS = ["none", "gradient descent and momentum", "Adam only", "all three"]


@exercise("08.2", name="my_rotation_answer")
def _rotation(answer):
    return check_choice(
        answer, "gradient descent and momentum", ROTATION_OPTIONS, name="my_rotation_answer",
        explanations={"none": "compare the two columns of the table for each optimiser: two of "
                              "them print the same number",
                      "Adam only": "Adam is the one whose number moves: it scales each coordinate "
                                   "separately, and rotating the bowl mixes the coordinates",
                      "all three": "look again at Adam's two numbers"})


@exercise("08.3", name="my_alpha_1_over_lr")
def _alpha(answer):
    return check_value(answer, np.sqrt(1 - 0.999) / (1 - 0.9), name="my_alpha_1_over_lr",
                       hint="alpha_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t): put t = 1 into "
                            "both corrections, the sqrt included.")


MOMENTUM_OPTIONS = ["lower", "the same", "higher"]


@exercise("08.4", name="my_momentum_answer")
def _momentum(answer, *, sgd_cv, momentum_cv, learning_rates):
    if answer is None:
        return not_yet("my_momentum_answer", f"pick one of {MOMENTUM_OPTIONS}")
    if momentum_cv is None:
        return not_yet("momentum_cv", "run the experiment (the population with momentum)")
    lrs = np.asarray(learning_rates, dtype=float)
    ours = np.asarray(momentum_cv, dtype=float)
    if ours.shape != lrs.shape:
        return _bad_shape(ours, lrs)
    i_sgd, i_mom = int(np.argmin(np.asarray(sgd_cv["SGD"]))), int(np.argmin(ours))
    correct = "lower" if i_mom < i_sgd else "the same" if i_mom == i_sgd else "higher"
    seen = (f"your sweep puts the best learning rate of SGD with momentum at {lrs[i_mom]:.3g} and "
            f"plain SGD's at {lrs[i_sgd]:.3g}")
    return check_choice(answer, correct, MOMENTUM_OPTIONS, name="my_momentum_answer",
                        explanations={o: seen for o in MOMENTUM_OPTIONS},
                        why_right=f"({seen}: momentum multiplies the effective step.)")


def _bad_shape(ours, lrs) -> bool:
    print(f"✗ momentum_cv has shape {ours.shape}, expected one cv loss per learning rate "
          f"{lrs.shape}: evaluate the population on the cv set and keep its losses ([1]).")
    return False

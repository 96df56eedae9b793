"""Exercises of lesson 10 (evaluating a model): references, edge cases and expected answers.

- 10.1 ``my_spread_ratio``: an experiment, how much less the error of one test set moves when the
  set is ten times larger (the 1 / sqrt(n) law, measured by the learner);
- 10.2 ``my_diagnosis``: a worked case read against a human-level baseline;
- 10.3 ``my_error_from_probabilities(y, p)``: the fraction misclassified when class 1 is
  predicted at ``p >= 0.5`` (probabilities exactly 0.5 among the edge cases).
"""

from __future__ import annotations

import numpy as np

from helpers.evaluation import DIAGNOSES
from helpers.exercises import check_choice, check_function, exercise, not_yet

# ---------------------------------------------------------------------- 10.1

#: the spread of a mean of n independent errors falls as 1 / sqrt(n): ten times the examples
_EXPECTED_RATIO = float(np.sqrt(10))
#: two standard deviations, each estimated from 200 sets, make the measured ratio uncertain by
#: about 7%; anything within 30% of sqrt(10) is a measurement of it
_RATIO_TOLERANCE = 0.3


@exercise("10.1", name="my_spread_ratio")
def _spread(answer):
    if answer is None:
        return not_yet("my_spread_ratio", "measure the spread with sets ten times larger")
    if isinstance(answer, bool | np.bool_) or not np.isscalar(answer) \
            or not np.isreal(answer) or not np.isfinite(float(answer)):
        print(f"✗ my_spread_ratio is {answer!r}; it should be one number, a ratio of two spreads.")
        return False
    ratio = float(answer)
    if abs(ratio / _EXPECTED_RATIO - 1) <= _RATIO_TOLERANCE:
        print(f"✓ my_spread_ratio = {ratio:.3g}: about sqrt(10) = {_EXPECTED_RATIO:.3f}, the spread "
              f"of a mean of n errors falls as 1 / sqrt(n).")
        return True
    if abs(ratio / 10 - 1) <= _RATIO_TOLERANCE:
        why = ("that is about 10, the ratio of the variances (the spreads squared), or of the "
               "sizes: take the ratio of the standard deviations")
    elif abs(ratio * _EXPECTED_RATIO - 1) <= _RATIO_TOLERANCE:
        why = "that is upside down: divide the spread of the small sets by that of the large ones"
    elif abs(ratio - 1) <= 0.15:
        why = ("that is about 1: compare the spreads (standard deviations) of J over the sets, "
               "not their means, which are both the network's error on new data")
    else:
        why = "compare spread (the std over sets of n_test) with the std over sets of 10 n_test"
    print(f"✗ my_spread_ratio = {ratio:.4g} is not what the experiment gives: {why}.")
    return False


# ---------------------------------------------------------------------- 10.2


@exercise("10.2", name="my_diagnosis")
def _diagnosis(answer):
    return check_choice(
        answer, "high variance", list(DIAGNOSES), name="my_diagnosis",
        explanations={"high bias": "J_train is only 0.3 points above the human level",
                      "high bias and high variance": "the bias gap, 4.3 - 4.0, is small",
                      "neither": "the model is 4.8 points worse on new data than on its "
                                 "training set"})


# ---------------------------------------------------------------------- 10.3


def _error(y, p):
    return float(np.mean((np.asarray(p) >= 0.5).astype(int) != np.asarray(y)))


def _labels_and_probabilities(rng):
    n = int(rng.integers(5, 60))
    p = rng.random(n)
    p[rng.random(n) < 0.2] = 0.5                   # some exactly on the threshold
    return rng.integers(0, 2, n), p


@exercise("10.3", name="my_error_from_probabilities")
def _from_probabilities(answer):
    return check_function(
        answer, _error, _labels_and_probabilities, name="my_error_from_probabilities",
        edges=[("p exactly 0.5 for an example of class 1 (p >= 0.5 predicts 1: no error)",
                (np.array([1, 0, 1]), np.array([0.5, 0.2, 0.9]))),
               ("p exactly 0.5 for an example of class 0 (predicted 1: an error)",
                (np.array([0, 0]), np.array([0.5, 0.1]))),
               ("a single example", (np.array([1]), np.array([0.7])))])

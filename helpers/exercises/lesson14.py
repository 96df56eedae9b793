"""Exercises of lesson 14 (skewed datasets): references, edge cases and expected answers.

- 14.1 ``my_f_beta(precision, recall, beta)``: the F-beta score of arrays of precision and recall;
- 14.2 ``my_accuracy``: the accuracy of "always healthy" at 2% prevalence;
- 14.3 ``my_cost_threshold(y_true, score, miss_costs)``: the cheapest threshold when each ill
  patient's miss has its own (integer) cost; ties go to the lowest threshold;
- 14.4 ``my_direction``: an experiment, where the cost-chosen threshold moves when a miss costs 5
  false alarms instead of ``miss_cost``;
- 14.5 ``my_honest``: whose test F1 is an honest estimate, after a choice made on which set.
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import check_choice, check_function, check_value, exercise


def _f_beta(precision, recall, beta):
    b2 = beta ** 2
    return (1 + b2) * precision * recall / (b2 * precision + recall)


def _pr(rng):
    return rng.uniform(0.01, 1, 20), rng.uniform(0.01, 1, 20), float(rng.uniform(0.5, 3))


@exercise("14.1", name="my_f_beta")
def _fb(answer):
    p, r = np.array([0.5, 0.9, 0.2, 1.0]), np.array([0.4, 0.1, 0.8, 0.5])
    return check_function(
        answer, _f_beta, _pr, name="my_f_beta",
        edges=[("beta = 1, where F-beta is F1", (p, r, 1.0)),
               ("beta = 2 (recall weighs more)", (p, r, 2.0)),
               ("beta = 0.5 (precision weighs more)", (p, r, 0.5))])


@exercise("14.2", name="my_accuracy")
def _acc(answer):
    prevalence = 0.02
    return check_value(answer, 1 - prevalence, name="my_accuracy",
                       hint="Which patients does 'always healthy' get right, and what share are they?")


def _cheapest(y_true, score, miss_costs):
    """The lowest of the distinct scores t minimising sum(miss_costs[ill, score < t]) + #(healthy, score >= t)."""
    y_true, score, miss_costs = (np.asarray(a) for a in (y_true, score, miss_costs))
    candidates = np.unique(score)                               # increasing
    flagged = score[None, :] >= candidates[:, None]
    missed = ~flagged & (y_true == 1)
    cost = (missed * miss_costs).sum(axis=1) + (flagged & (y_true == 0)).sum(axis=1)
    return float(candidates[np.argmin(cost)])                   # argmin: the first, the lowest


def _patients(rng):
    n = int(rng.integers(30, 200))
    y = (rng.random(n) < 0.15).astype(int)
    score = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1).round(1)   # ties in the scores
    return y, score, rng.integers(1, 6, n)                           # integer costs: ties in cost


@exercise("14.3", name="my_cost_threshold")
def _cost(answer):
    # thresholds 0.4 and 0.7 both cost 2 here (two false alarms, or one miss of cost 2): the lowest
    tie = (np.array([0, 1, 0, 0, 1]), np.array([0.2, 0.4, 0.5, 0.5, 0.7]), np.array([1, 2, 1, 1, 4]))
    # missing the cheap ill patient (score 0.1) is worth it; missing the dear one (0.6) is not
    uneven = (np.array([1, 0, 0, 1, 0]), np.array([0.1, 0.2, 0.3, 0.6, 0.8]),
              np.array([1, 1, 1, 10, 1]))
    return check_function(
        answer, _cheapest, _patients, name="my_cost_threshold", trials=8,
        edges=[("misses of different costs (the dear patient must be found)", uneven),
               ("integer costs where two thresholds tie (return the lowest)", tie)])


_DIRECTIONS = ["up", "down", "it stays"]


@exercise("14.4", name="my_direction")
def _direction(answer, *, y, score, miss_cost):
    def cheapest(cost_of_miss):
        return _cheapest(y, score, np.full(len(y), cost_of_miss))
    low, high = cheapest(5), cheapest(miss_cost)
    correct = "up" if low > high else "down" if low < high else "it stays"
    measured = (f"on this cross-validation set a miss costing 5 picks {low:.4g}, one costing "
                f"{miss_cost:g} picks {high:.4g}")
    why = {"down": "lowering the threshold flags more patients, which pays only when misses are "
                   "dearer, not cheaper; " + measured,
           "up": measured, "it stays": measured}
    return check_choice(answer, correct, _DIRECTIONS, name="my_direction",
                        explanations={k: v for k, v in why.items() if k != correct},
                        why_right=f"A cheaper miss makes false alarms relatively dearer: {measured}.")


_HONEST = ["hers", "ours", "both"]


@exercise("14.5", name="my_honest")
def _honest(answer):
    return check_choice(
        answer, "ours", _HONEST, name="my_honest",
        explanations={"hers": "her threshold was chosen to look best on the test set, so her test "
                              "F1 is optimistic, like a cv score after a choice made on it",
                      "both": "only one of the two test sets saw no choice; the other is optimistic "
                              "for the same reason a tuned cv score is"},
        why_right="No choice was made on our test set.")

"""Exercises of lesson 11 (learning curves and model size): references, edge cases, answers.

- 11.1 ``my_next_step``: what helps a model whose learning curves meet on a high plateau;
- 11.2 ``my_gap_closes(sizes, j_train, j_cv, tol)``: the first size from which the variance gap
  stays below a tolerance, or -1 (edges: a gap exactly equal to the tolerance, as whole-number
  error counts give; a gap that opens again at the last size; one that never closes);
- 11.3 ``my_noisy_crossover``: an experiment, the crossover of section 3 with twice the noise
  (the check runs the same experiment at the learner's settings).
"""

from __future__ import annotations

import numpy as np

from helpers import validate
from helpers.exercises import check_choice, check_function, exercise, not_yet

# ---------------------------------------------------------------------- 11.1


@exercise("11.1", name="my_next_step")
def _next_step(answer):
    return check_choice(
        answer, "a bigger model", ["collect more data", "a bigger model", "a larger lambda"],
        name="my_next_step",
        explanations={"collect more data": "the curve is already flat: ten times the data changed "
                                           "nothing",
                      "a larger lambda": "a larger lambda makes the model less flexible, and it "
                                         "already underfits"})


# ---------------------------------------------------------------------- 11.2


def _suffix_first(sizes, ok) -> int:
    """The first size from which every later entry of ``ok`` holds; -1 if none."""
    for i in range(len(ok)):
        if np.all(ok[i:]):
            return int(sizes[i])
    return -1


def _gap_closes(sizes, j_train, j_cv, tol):
    return _suffix_first(np.asarray(sizes), (np.asarray(j_cv) - np.asarray(j_train)) < tol)


def _curves(rng):
    n = int(rng.integers(3, 9))
    sizes = np.sort(rng.choice(np.arange(10, 5000), size=n, replace=False))
    j_train = np.sort(rng.uniform(0.0, 0.3, n))
    j_cv = j_train + np.sort(rng.uniform(0.0, 0.5, n))[::-1] + rng.normal(0, 0.05, n)
    return sizes, j_train, j_cv, float(rng.uniform(0.05, 0.3))


def _edges_11_2():
    sizes = np.array([10, 20, 40, 80])
    # misclassified counts: the gap is a whole number and equals tol at the last two sizes
    counts_train, counts_cv = np.array([0, 1, 2, 3]), np.array([9, 5, 4, 5])
    return [("whole-number errors where the gap equals tol (equal is not below)",
             (sizes, counts_train, counts_cv, 2)),
            ("a gap that closes, then opens again at the last size (never closed for good)",
             (sizes, np.array([0.0, 0.1, 0.2, 0.1]), np.array([0.5, 0.15, 0.25, 0.6]), 0.1)),
            ("a gap that never closes", (sizes, np.zeros(4), np.ones(4), 0.5)),
            ("a gap that closes briefly in the middle, and for good only at the end",
             (sizes, np.zeros(4), np.array([0.9, 0.05, 0.7, 0.05]), 0.1))]


@exercise("11.2", name="my_gap_closes")
def _gap(answer):
    return check_function(answer, _gap_closes, _curves, edges=_edges_11_2(), trials=20,
                          name="my_gap_closes")


# ---------------------------------------------------------------------- 11.3


def noisy_crossover(*, seed, sizes, n_cv, resamples, noise_std, simple_degree, variance_degree):
    """Section 3's crossover size with the given noise (median J_cv over the splits)."""
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import ShuffleSplit, learning_curve
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures

    from helpers.evaluation import noisy_regression

    x, y = noisy_regression(max(sizes) + n_cv, noise_std=noise_std, seed=seed + 4)
    splits = ShuffleSplit(n_splits=resamples, test_size=n_cv, random_state=seed)
    curves = {}
    for name, degree in (("simple", simple_degree), ("complex", variance_degree)):
        model = make_pipeline(PolynomialFeatures(degree, include_bias=False), LinearRegression())
        m_used, _, cv = learning_curve(model, x, y, train_sizes=sizes, cv=splits,
                                       scoring="neg_mean_squared_error")
        curves[name] = -np.median(cv, axis=1)
    return _suffix_first(m_used, curves["complex"] < curves["simple"])


@exercise("11.3", name="my_noisy_crossover")
def _noisy(answer, *, seed, sizes, n_cv, resamples, noise_std, simple_degree, variance_degree):
    if answer is None:
        return not_yet("my_noisy_crossover", "run section 3 again with twice the noise")
    settings = dict(seed=validate.seed(seed), sizes=list(sizes), n_cv=n_cv, resamples=resamples,
                    simple_degree=simple_degree, variance_degree=variance_degree)
    expected = noisy_crossover(noise_std=2 * noise_std, **settings)
    if isinstance(answer, bool | np.bool_) or not isinstance(answer, int | np.integer):
        print(f"✗ my_noisy_crossover is {answer!r}; it should be one training-set size (an "
              f"integer from sizes, or -1).")
        return False
    same_noise = noisy_crossover(noise_std=noise_std, **settings)
    if int(answer) == expected:
        print(f"✓ my_noisy_crossover = {expected}: with noise_std = {2 * noise_std:g} the complex "
              f"model wins for good from m = {expected}, against m = {same_noise} at the "
              f"lesson's noise_std = {noise_std:g}.")
        return True
    if int(answer) == same_noise:
        why = (f"that is the crossover at the lesson's noise_std = {noise_std:g}; the experiment "
               f"doubles it")
    elif int(answer) == noisy_crossover(noise_std=noise_std / 2, **settings):
        why = f"that is the crossover with half the noise, noise_std = {noise_std / 2:g}"
    else:
        why = "check that both curves use the new data and the median over the splits"
    print(f"✗ my_noisy_crossover = {answer} is not what the experiment gives: {why}.")
    return False

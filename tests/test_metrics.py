"""helpers.metrics against scikit-learn, on random data, edge cases and bad inputs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn import metrics as skm

from helpers.metrics import confusion_matrix, precision_recall_curve, precision_recall_f1

SEEDS = [0, 1, 7, 42, 123, 2024]


def _random_case(seed: int, n: int | None = None):
    """Labels with a random prevalence, scores that overlap between classes, and ties."""
    rng = np.random.default_rng(seed)
    n = n or int(rng.integers(5, 400))
    y = (rng.random(n) < rng.uniform(0.02, 0.6)).astype(int)
    y[rng.integers(n)] = 1  # at least one positive
    scores = rng.normal(size=n) + 1.2 * y
    scores[rng.random(n) < 0.2] = 0.5  # a block of tied scores
    return y, scores


# --------------------------------------------------------------------------- against scikit-learn


@pytest.mark.parametrize("seed", SEEDS)
def test_confusion_matrix_matches_sklearn(seed):
    y, s = _random_case(seed)
    for t in (-1.0, 0.0, 0.5, 1.0, 3.0):
        pred = (s >= t).astype(int)
        got = confusion_matrix(y, pred)
        assert got.shape == (2, 2) and got.dtype == np.int64
        np.testing.assert_array_equal(got, skm.confusion_matrix(y, pred, labels=[0, 1]))
        assert got.sum() == len(y)


@pytest.mark.parametrize("seed", SEEDS)
def test_precision_recall_f1_matches_sklearn(seed):
    y, s = _random_case(seed)
    for t in (-1.0, 0.0, 0.5, 1.0, 3.0, 10.0):
        pred = (s >= t).astype(int)
        got = precision_recall_f1(y, pred)
        assert all(isinstance(v, float) for v in got)
        want = (skm.precision_score(y, pred, zero_division=0),
                skm.recall_score(y, pred, zero_division=0),
                skm.f1_score(y, pred, zero_division=0))
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_precision_recall_curve_matches_sklearn(seed, dtype):
    y, s = _random_case(seed)
    s = s.astype(dtype)
    p, r, t = precision_recall_curve(y, s)
    p_sk, r_sk, t_sk = skm.precision_recall_curve(y, s)
    np.testing.assert_array_equal(t, t_sk)
    assert t.dtype == t_sk.dtype
    np.testing.assert_allclose(p, p_sk, rtol=1e-12, atol=0)
    np.testing.assert_allclose(r, r_sk, rtol=1e-12, atol=0)


@pytest.mark.parametrize("seed", SEEDS)
def test_precision_recall_curve_conventions(seed):
    y, s = _random_case(seed)
    p, r, t = precision_recall_curve(y, s)
    np.testing.assert_array_equal(t, np.unique(s))  # every distinct score, increasing
    assert len(p) == len(r) == len(t) + 1
    assert p[-1] == 1.0 and r[-1] == 0.0
    assert r[0] == 1.0  # the lowest threshold flags everyone
    assert np.all(np.diff(r) <= 0)  # recall never rises as the threshold rises
    for i in (0, len(t) // 2, len(t) - 1):  # each point is the P/R of "score >= threshold"
        np.testing.assert_allclose((p[i], r[i]), precision_recall_f1(y, s >= t[i])[:2])


def test_curve_with_integer_and_bool_scores():
    y = [1, 0, 1, 0]
    p, r, t = precision_recall_curve(y, [3, 1, 2, 2])
    assert t.dtype == np.float64
    np.testing.assert_array_equal(t, [1.0, 2.0, 3.0])
    p_sk, r_sk, _ = skm.precision_recall_curve(y, [3, 1, 2, 2])
    np.testing.assert_allclose(p, p_sk)
    np.testing.assert_allclose(r, r_sk)
    p, r, t = precision_recall_curve(y, np.array([True, False, True, False]))
    np.testing.assert_array_equal(t, [0.0, 1.0])
    np.testing.assert_allclose(p, [0.5, 1.0, 1.0])


def test_docstring_example_of_sklearn():
    p, r, t = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    np.testing.assert_allclose(p, [0.5, 2 / 3, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(r, [1.0, 1.0, 0.5, 0.5, 0.0])
    np.testing.assert_allclose(t, [0.1, 0.35, 0.4, 0.8])


# --------------------------------------------------------------------------- edge cases


def test_accepted_label_encodings():
    truth = [0, 1, 1, 0, 1]
    pred = [0, 1, 0, 1, 1]
    want = confusion_matrix(truth, pred)
    for t, p in [(np.array(truth, bool), np.array(pred, bool)),
                 (np.array(truth, float), np.array(pred, np.float32)),
                 (np.array(truth, np.int8), pred), (tuple(truth), tuple(pred))]:
        np.testing.assert_array_equal(confusion_matrix(t, p), want)


def test_all_negative_predictions():
    y = np.array([0, 0, 1, 0, 1])
    pred = np.zeros(5, int)  # "always healthy"
    np.testing.assert_array_equal(confusion_matrix(y, pred), [[3, 0], [2, 0]])
    assert precision_recall_f1(y, pred) == (0.0, 0.0, 0.0)  # precision 0/0 -> 0, no warning


def test_all_positive_predictions():
    y = np.array([0, 0, 1, 0, 1])
    pred = np.ones(5, int)  # "flag everyone"
    np.testing.assert_array_equal(confusion_matrix(y, pred), [[0, 3], [0, 2]])
    p, r, f1 = precision_recall_f1(y, pred)
    assert (p, r) == (0.4, 1.0)
    assert f1 == pytest.approx(2 * 0.4 / 1.4)


def test_all_negative_truth():
    y = np.zeros(4, int)
    pred = np.array([0, 1, 0, 1])
    np.testing.assert_array_equal(confusion_matrix(y, pred), [[2, 2], [0, 0]])
    assert precision_recall_f1(y, pred) == (0.0, 0.0, 0.0)  # recall 0/0 -> 0
    assert precision_recall_f1(y, np.zeros(4, int)) == (0.0, 0.0, 0.0)
    with pytest.warns(UserWarning, match="No positive class"):
        p, r, t = precision_recall_curve(y, [0.1, 0.9, 0.2, 0.8])
    with pytest.warns(UserWarning):
        p_sk, r_sk, t_sk = skm.precision_recall_curve(y, [0.1, 0.9, 0.2, 0.8])
    np.testing.assert_allclose(p, p_sk)
    np.testing.assert_allclose(r, r_sk)
    np.testing.assert_allclose(t, t_sk)


def test_all_positive_truth():
    y = np.ones(4, int)
    pred = np.array([0, 1, 0, 1])
    np.testing.assert_array_equal(confusion_matrix(y, pred), [[0, 0], [2, 2]])
    assert precision_recall_f1(y, pred) == (1.0, 0.5, pytest.approx(2 / 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning here
        p, r, t = precision_recall_curve(y, [0.1, 0.9, 0.2, 0.8])
    np.testing.assert_allclose(p, 1.0)
    np.testing.assert_allclose(r, [1.0, 0.75, 0.5, 0.25, 0.0])


def test_single_example_and_constant_scores():
    np.testing.assert_array_equal(confusion_matrix([1], [1]), [[0, 0], [0, 1]])
    p, r, t = precision_recall_curve([0, 1, 1], [0.5, 0.5, 0.5])
    np.testing.assert_allclose(p, [2 / 3, 1.0])
    np.testing.assert_allclose(r, [1.0, 0.0])
    np.testing.assert_allclose(t, [0.5])


def test_inputs_not_modified():
    y = np.array([0, 1, 1, 0])
    s = np.array([0.3, 0.1, 0.9, 0.5])
    y0, s0 = y.copy(), s.copy()
    precision_recall_curve(y, s)
    confusion_matrix(y, (s > 0.4).astype(int))
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(s, s0)


# --------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("fn", [confusion_matrix, precision_recall_f1, precision_recall_curve])
def test_different_lengths(fn):
    with pytest.raises(ValueError, match=r"y_true and (y_pred|scores) must have one row per "
                                         r"example: got 3 and 2 rows"):
        fn([0, 1, 1], [0, 1])


@pytest.mark.parametrize("fn", [confusion_matrix, precision_recall_f1, precision_recall_curve])
def test_empty_input(fn):
    with pytest.raises(ValueError, match="y_true is empty"):
        fn([], [])


@pytest.mark.parametrize("fn", [confusion_matrix, precision_recall_f1, precision_recall_curve])
def test_two_dimensional_input(fn):
    with pytest.raises(ValueError, match=r"y_true must be 1-D, got shape \(3, 1\).*ravel"):
        fn(np.array([[0], [1], [1]]), [0, 1, 1])
    with pytest.raises(ValueError, match=r"must be 1-D, got shape \(2, 2\)"):
        fn([0, 1, 1, 0], np.array([[0, 1], [1, 0]]))
    with pytest.raises(ValueError, match=r"must be 1-D, got shape \(\)"):
        fn(1, 1)


@pytest.mark.parametrize("fn", [confusion_matrix, precision_recall_f1, precision_recall_curve])
def test_labels_other_than_0_1_in_y_true(fn):
    with pytest.raises(ValueError, match=r"y_true must hold only the labels 0 and 1.*found the "
                                         r"values -1, 1 \(not allowed: -1\)"):
        fn([-1, 1, 1], [0, 1, 1])
    with pytest.raises(ValueError, match=r"found the values 0, 1, 2 \(not allowed: 2\)"):
        fn([0, 1, 2], [0, 1, 1])
    with pytest.raises(ValueError, match="y_true contains NaN"):
        fn([0, np.nan, 1], [0, 1, 1])


@pytest.mark.parametrize("fn", [confusion_matrix, precision_recall_f1])
def test_probabilities_as_predictions(fn):
    with pytest.raises(ValueError, match=r"y_pred must hold only.*0\.2.*look like probabilities"):
        fn([0, 1, 1], [0.2, 0.9, 0.6])
    with pytest.raises(ValueError, match=r"not allowed: 3"):  # not probabilities: no hint
        fn([0, 1, 1], [0, 3, 1])


def test_many_bad_values_are_abbreviated():
    with pytest.raises(ValueError, match=r"found the values 0, 1, 2, 3, 4, 5, \.\.\."):
        confusion_matrix(np.arange(20), np.zeros(20, int))


def test_nan_and_infinite_scores():
    with pytest.raises(ValueError, match=r"scores contains 1 NaN"):
        precision_recall_curve([0, 1, 1], [0.2, np.nan, 0.4])
    with pytest.raises(ValueError, match="infinite"):
        precision_recall_curve([0, 1, 1], [0.2, np.inf, 0.4])


@pytest.mark.parametrize("fn", [confusion_matrix, precision_recall_f1, precision_recall_curve])
def test_non_numeric_inputs(fn):
    with pytest.raises(TypeError, match="y_true must be an array of numbers, got strings"):
        fn(["no", "yes"], [0, 1])
    with pytest.raises(TypeError, match="y_true must be an array of numbers, got None"):
        fn(None, [0, 1])
    with pytest.raises(TypeError, match="got a string"):
        fn("0101", [0, 1, 0, 1])
    with pytest.raises(TypeError, match="real numbers, got complex numbers"):
        fn([0, 1], np.array([0, 1], complex))
    with pytest.raises(TypeError, match="dtype object"):
        fn([0, 1], np.array([0, None], dtype=object))


def test_ragged_input():
    with pytest.raises(TypeError, match="y_true must be an array of numbers"):
        confusion_matrix([[0, 1], [1]], [0, 1])

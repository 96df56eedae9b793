"""helpers.numpy_nn.losses against Keras/TensorFlow, and its messages on bad inputs."""

import numpy as np
import pytest

from helpers import numpy_nn as nn

keras = pytest.importorskip("keras")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


T = np.eye(10)[2]
Y_RIGHT = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
Y_WRONG = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])


def test_worked_examples_from_the_notes():
    assert nn.mean_squared_error(Y_RIGHT, T) == pytest.approx(0.0975)
    assert nn.mean_squared_error(Y_WRONG, T) == pytest.approx(0.5975)
    assert nn.cross_entropy_error(Y_RIGHT, T) == pytest.approx(0.5108, abs=1e-4)
    assert nn.cross_entropy_error(Y_WRONG, T) == pytest.approx(2.3026, abs=1e-4)


def test_cross_entropy_one_hot_equals_index_labels_and_keras(rng):
    y = nn.softmax(rng.normal(size=(6, 4)))
    idx = rng.integers(0, 4, size=6)
    onehot = np.eye(4)[idx]
    ours = nn.cross_entropy_error(y, onehot)
    assert ours == pytest.approx(nn.cross_entropy_error(y, idx))
    keras_ce = float(keras.losses.CategoricalCrossentropy()(onehot, y))
    assert ours == pytest.approx(keras_ce, rel=1e-4)


def test_cross_entropy_guard_keeps_log_zero_finite():
    y = np.array([[0.0, 1.0]])
    assert np.isfinite(nn.cross_entropy_error(y, np.array([0])))
    assert nn.cross_entropy_error(y, np.array([0])) == pytest.approx(-np.log(1e-7))


def test_cross_entropy_bad_labels():
    y = nn.softmax(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="logits"):
        nn.cross_entropy_error(np.array([[2.0, -1.0, 0.0]]), np.array([0]))
    with pytest.raises(ValueError, match=r"class indices in 0\.\.2, got 3"):
        nn.cross_entropy_error(y, np.array([0, 3]))
    with pytest.raises(ValueError, match="one 1 per row"):
        nn.cross_entropy_error(y, np.array([[1, 1, 0], [0, 0, 1]]))
    with pytest.raises(ValueError, match="whole class indices"):
        nn.cross_entropy_error(y, np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        nn.cross_entropy_error(y, np.array([0, 1, 2]))


def test_mse_shape_mismatch_is_explained():
    with pytest.raises(ValueError, match="one-hot encode"):
        nn.mean_squared_error(Y_RIGHT, 2)


@pytest.mark.parametrize("call, error, match", [
    # binary probabilities read as one 3-class example: refused, with the two-column fix
    (lambda: nn.cross_entropy_error([.9, .2, .7], [0, 0, 1]), ValueError,
     r"sums to 1\.8.*np\.column_stack\(\[1 - p, p\]\)"),
    (lambda: nn.cross_entropy_error([[.5, .2, .1], [.2, .3, .5]], [0, 1]), ValueError,
     r"row 0 sums to 0\.8"),
    (lambda: nn.cross_entropy_error(np.zeros((0, 3)), np.zeros(0, int)), ValueError, "y is empty"),
    (lambda: nn.cross_entropy_error([[.5, .5]], None), TypeError, "t must be an array"),
    (lambda: nn.cross_entropy_error([[.5, .5]], [0], eps="1e-7"), TypeError, "eps must be a number"),
    (lambda: nn.cross_entropy_error([[.5, .5]], [0], eps=-1.0), ValueError, "eps must be zero or"),
    (lambda: nn.cross_entropy_error([[np.nan, .5]], [0]), ValueError, "NaN"),
    (lambda: nn.mean_squared_error([], []), ValueError, "y is empty"),
    (lambda: nn.mean_squared_error("ab", [1, 2]), TypeError, "y must be an array of numbers"),
    (lambda: nn.mean_squared_error([np.nan, 1.0], [1.0, 1.0]), ValueError, "y holds 1 NaN"),
])
def test_losses_refuse_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_documented_edge_behaviour():
    np.testing.assert_allclose(nn.softmax([-np.inf, 1.0]), [0.0, 1.0])  # a masked class
    np.testing.assert_allclose(nn.sigmoid([-np.inf, np.inf]), [0.0, 1.0])
    assert nn.sigmoid(np.zeros(0)).shape == (0,)
    # one example, labels as a scalar index or a one-hot row, float32 probabilities (Keras)
    p = nn.softmax(np.array([1.0, 2.0, 0.5])).astype(np.float32)
    assert nn.cross_entropy_error(p, 1) == pytest.approx(nn.cross_entropy_error(p, [0, 1, 0]))
    assert nn.cross_entropy_error(p, 1) == pytest.approx(-np.log(float(p[1]) + 1e-7), rel=1e-6)
    # a two-column binary output is a valid 2-class input
    q = np.array([0.9, 0.2])
    assert nn.cross_entropy_error(np.column_stack([1 - q, q]), [1, 0]) == \
        pytest.approx(-np.mean(np.log([0.9 + 1e-7, 0.8 + 1e-7])))


def test_cross_entropy_from_logits_matches_keras_and_the_probability_version():
    rng = np.random.default_rng(1)
    logits, labels = rng.normal(size=(8, 5)), rng.integers(0, 5, 8)
    ours = nn.cross_entropy_from_logits(logits, labels)
    keras_ce = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(
        labels, logits.astype("float32")))
    assert abs(ours - keras_ce) < 1e-5
    p = nn.softmax(logits)
    assert abs(ours + np.mean(np.log(p[np.arange(8), labels]))) < 1e-12
    # one example, one label: a batch of one
    assert abs(nn.cross_entropy_from_logits(logits[0], labels[0])
               - nn.cross_entropy_from_logits(logits[:1], labels[:1])) < 1e-12


@pytest.mark.parametrize("call, error, match", [
    (lambda: nn.cross_entropy_from_logits(np.zeros((3, 4)), [0, 1]), ValueError, "3 examples"),
    (lambda: nn.cross_entropy_from_logits(np.zeros((2, 4)), [0, 4]), ValueError, "0..3"),
    (lambda: nn.cross_entropy_from_logits(np.zeros((2, 4)), np.eye(4)[:2]), ValueError,
     "argmax"),
    (lambda: nn.cross_entropy_from_logits(np.zeros((2, 1)), [0, 0]), ValueError, "2 class"),
    (lambda: nn.cross_entropy_from_logits(np.zeros((2, 3, 4)), [0, 0]), ValueError, "1-D or 2-D"),
    (lambda: nn.cross_entropy_from_logits(np.zeros((2, 4)), [0.5, 1]), ValueError, "whole"),
])
def test_losses_refuse_more_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()

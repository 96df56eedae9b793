"""helpers.numpy_nn.gradient against Keras/TensorFlow, and its messages on bad inputs."""

import numpy as np
import pytest

from helpers import numpy_nn as nn

keras = pytest.importorskip("keras")


@pytest.fixture
def rng():
    return np.random.default_rng(0)



def test_numerical_gradient_of_known_functions(rng):
    x = rng.normal(size=(3, 2))
    np.testing.assert_allclose(nn.numerical_gradient(lambda v: np.sum(v**2), x), 2 * x, rtol=1e-7)
    x0 = x.copy()
    nn.numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    np.testing.assert_array_equal(x, x0)  # restored after the in-place nudges


def test_numerical_gradient_matches_tape(rng):
    tf = pytest.importorskip("tensorflow")
    W = rng.normal(size=(4, 3))
    X = rng.normal(size=(5, 4))
    t = rng.integers(0, 3, size=5)

    def loss(w):
        return nn.cross_entropy_error(nn.softmax(X @ w), t, eps=0.0)

    Wt = tf.Variable(W)
    with tf.GradientTape() as tape:
        logits = tf.constant(X) @ Wt
        value = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(t, logits))
    np.testing.assert_allclose(nn.numerical_gradient(loss, W), tape.gradient(value, Wt).numpy(),
                               rtol=1e-6, atol=1e-9)


def test_numerical_gradient_rejects_ints_and_float32():
    with pytest.raises(TypeError, match="float array"):
        nn.numerical_gradient(np.sum, np.array([1, 2]))
    with pytest.raises(TypeError, match="float64"):
        nn.numerical_gradient(np.sum, np.array([1.0], dtype=np.float32))
    with pytest.raises(TypeError, match="NumPy array"):
        nn.numerical_gradient(np.sum, [1.0, 2.0])


@pytest.mark.parametrize("call, error, match", [
    (lambda: nn.numerical_gradient(np.sum, np.ones(2), h=0), ValueError, "h must be positive"),
    (lambda: nn.numerical_gradient(np.sum, np.ones(2), h="1e-4"), TypeError, "h must be a number"),
    (lambda: nn.numerical_gradient(np.sum, np.ones(2), h=None), TypeError, "h must be a number"),
    (lambda: nn.numerical_gradient(np.sum, np.ones(2), h=-1e-4), ValueError, "h must be positive"),
    (lambda: nn.numerical_gradient(lambda v: 2 * v, np.ones(2)), ValueError, "ONE number"),
    (lambda: nn.numerical_gradient(lambda v: "x", np.ones(2)), TypeError, "f must return a real number"),
    (lambda: nn.numerical_gradient(lambda v: np.nan, np.ones(2)), ValueError, r"f returned nan"),
    (lambda: nn.numerical_gradient(np.sum, np.array([np.nan, 1.0])), ValueError, "x holds 1 NaN"),
])
def test_gradient_refuse_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_numerical_gradient_restores_x_when_f_fails():
    x = np.array([1.0, 2.0])

    def f(v):
        if v[0] > 1.0:
            raise RuntimeError("boom")
        return float(np.sum(v))

    with pytest.raises(RuntimeError, match="boom"):
        nn.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_relative_error_of_known_pairs():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    da, db = {"W": a, "b": b[0]}, {"W": b, "b": a[0]}
    flat_a, flat_b = np.concatenate([a.ravel(), b[0]]), np.concatenate([b.ravel(), a[0]])
    expected = np.linalg.norm(flat_a - flat_b) / (np.linalg.norm(flat_a) + np.linalg.norm(flat_b))
    assert nn.relative_error(da, db) == pytest.approx(expected)
    assert nn.relative_error(a, a) == 0.0
    assert nn.relative_error(a, -a) == pytest.approx(1.0)
    assert nn.relative_error(np.zeros(3), np.zeros(3)) == 0.0


@pytest.mark.parametrize("call, error, match", [
    (lambda: nn.relative_error(np.ones(3), np.ones(4)), ValueError, "shapes differ"),
    (lambda: nn.relative_error({"W": np.ones(2)}, np.ones(2)), TypeError, "two dicts"),
    (lambda: nn.relative_error({"W": np.ones(2)}, {"b": np.ones(2)}), ValueError, "same keys"),
    (lambda: nn.relative_error({"W": np.ones(2)}, {"W": np.ones(3)}), ValueError, "shape"),
    (lambda: nn.relative_error(np.array([1.0, np.inf]), np.ones(2)), ValueError, "NaN"),
])
def test_gradient_refuse_more_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("a, b, error, match", [
    ("ab", "cd", TypeError, "a must be an array of numbers"),
    (np.array([np.nan]), np.array([1.0]), ValueError, "a holds 1 NaN"),
    (np.array([]), np.array([]), ValueError, "a is empty"),
    ({"a": np.ones(2)}, np.ones(2), TypeError, "two arrays or two dicts"),
    ({"a": np.ones(2)}, {"a": np.ones(3)}, ValueError, "shapes differ for 'a'"),
    (np.array([1 + 2j]), np.array([1.0]), TypeError, "complex"),
])
def test_relative_error_bad_inputs(a, b, error, match):
    with pytest.raises(error, match=match):
        nn.relative_error(a, b)

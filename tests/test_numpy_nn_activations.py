"""helpers.numpy_nn.activations against Keras/TensorFlow, and its messages on bad inputs."""

import numpy as np
import pytest

from helpers import numpy_nn as nn

keras = pytest.importorskip("keras")


@pytest.fixture
def rng():
    return np.random.default_rng(0)



@pytest.mark.parametrize("name", ["sigmoid", "relu", "tanh", "linear", "softmax"])
def test_activations_match_keras(name, rng):
    z = rng.normal(scale=5, size=(7, 4))
    ours = nn.get_activation(name)(z)
    theirs = keras.ops.convert_to_numpy(getattr(keras.activations, name)(z.astype("float32")))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_sigmoid_has_no_overflow_at_extremes():
    with np.errstate(over="raise", invalid="raise"):
        out = nn.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(out, [0.0, 0.5, 1.0])


def test_softmax_is_stable_for_large_logits():
    with np.errstate(over="raise", invalid="raise"):
        out = nn.softmax(np.array([1000.0, 1001.0, 1002.0]))
    expected = np.exp([-2.0, -1.0, 0.0]) / np.exp([-2.0, -1.0, 0.0]).sum()
    np.testing.assert_allclose(out, expected)


def test_softmax_axis_and_rows_sum_to_one(rng):
    z = rng.normal(size=(3, 5))
    np.testing.assert_allclose(nn.softmax(z, axis=0).sum(axis=0), 1.0)
    np.testing.assert_allclose(nn.softmax(z).sum(axis=1), 1.0)


def test_softmax_rejects_scalar():
    with pytest.raises(ValueError, match="scalar"):
        nn.softmax(3.0)


def test_unknown_activation_is_named():
    with pytest.raises(ValueError, match="'swish'"):
        nn.get_activation("swish")


@pytest.mark.parametrize("call, error, match", [
    (lambda: nn.softmax([np.inf, 1.0]), ValueError, r"1 \+inf logit"),
    (lambda: nn.softmax([np.nan, 1.0]), ValueError, "1 NaN"),
    (lambda: nn.softmax([-np.inf, -np.inf]), ValueError, "all -inf"),
    (lambda: nn.softmax([[1.0, 2.0]], axis="1"), TypeError, "axis must be an integer"),
    (lambda: nn.softmax([[1.0, 2.0]], axis=2), ValueError, "axis must be at most 1"),
    (lambda: nn.softmax(["a", "b"]), TypeError, "z must be an array of numbers"),
    (lambda: nn.sigmoid([np.nan, 0.0]), ValueError, "z holds 1 NaN"),
    (lambda: nn.relu(None), TypeError, "z must be an array of numbers, got None"),
    (lambda: nn.tanh("a"), TypeError, "z must be an array of numbers"),
    (lambda: nn.get_activation(3), TypeError, "activation must be a name"),
])
def test_activations_refuse_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_log_softmax_is_log_of_softmax_and_stable():
    z = np.random.default_rng(0).normal(size=(5, 4))
    np.testing.assert_allclose(nn.log_softmax(z), np.log(nn.softmax(z)), atol=1e-12)
    big = nn.log_softmax(np.array([1000.0, 0.0]))
    assert np.isfinite(big).all() and abs(big[1] + 1000) < 1e-9
    np.testing.assert_allclose(np.exp(nn.log_softmax(z, axis=0)).sum(axis=0), 1.0)


@pytest.mark.parametrize("call, error, match", [
    (lambda: nn.log_softmax(5.0), ValueError, "at least 1 axes"),
    (lambda: nn.log_softmax(["a", "b"]), TypeError, "numbers"),
    (lambda: nn.log_softmax([1.0, np.nan]), ValueError, "NaN"),
    (lambda: nn.log_softmax([1.0, 2.0], axis=1), ValueError, "axis"),
])
def test_activations_refuse_more_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()

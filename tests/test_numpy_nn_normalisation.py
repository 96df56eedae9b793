"""helpers.numpy_nn.normalisation: batch_norm / layer_norm against Keras's layers, and their messages on bad inputs."""

import numpy as np
import pytest

from helpers import numpy_nn as nn

keras = pytest.importorskip("keras")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def keras_batch_norm(x, gamma, beta, training=True):
    layer = keras.layers.BatchNormalization()
    layer.build(x.shape)
    layer.gamma.assign(gamma.astype("float32"))
    layer.beta.assign(beta.astype("float32"))
    return keras.ops.convert_to_numpy(layer(x.astype("float32"), training=training)), layer


def keras_layer_norm(x, gamma, beta):
    layer = keras.layers.LayerNormalization()
    layer.build(x.shape)
    layer.gamma.assign(gamma.astype("float32"))
    layer.beta.assign(beta.astype("float32"))
    return keras.ops.convert_to_numpy(layer(x.astype("float32")))


@pytest.mark.parametrize("shape", [(16, 3), (5, 4, 3), (4, 6, 6, 3), (2, 3, 4, 5, 2)])
def test_batch_norm_matches_keras_in_training_mode(shape, rng):
    x = rng.normal(loc=3.0, scale=2.0, size=shape)
    gamma, beta = rng.uniform(0.5, 2, shape[-1]), rng.normal(size=shape[-1])
    theirs, _ = keras_batch_norm(x, gamma, beta)
    np.testing.assert_allclose(nn.batch_norm(x, gamma, beta), theirs, rtol=1e-4, atol=1e-4)


def test_batch_norm_is_the_four_steps_of_the_notes(rng):
    x = rng.normal(size=(3, 4, 4, 2))
    rows = x.reshape(-1, 2)
    expected = ((rows - rows.mean(0)) / np.sqrt(rows.var(0) + 1e-3)).reshape(x.shape)
    np.testing.assert_allclose(nn.batch_norm(x, np.ones(2), np.zeros(2)), expected)


def test_batch_norm_standardises_each_channel_and_uses_the_biased_variance(rng):
    x = rng.normal(loc=-4, scale=5, size=(8, 5, 5, 3))
    out = nn.batch_norm(x, np.ones(3), np.zeros(3), eps=1e-12)
    np.testing.assert_allclose(out.reshape(-1, 3).mean(0), 0, atol=1e-10)
    np.testing.assert_allclose(out.reshape(-1, 3).var(0), 1, atol=1e-8)   # ddof=0
    # two values: the biased variance of [0, 2] is 1, so the outputs are exactly -1 and +1
    np.testing.assert_allclose(nn.batch_norm(np.array([[0.0], [2.0]]), [1.0], [0.0], eps=1e-12)
                               .ravel(), [-1, 1])


def test_batch_norm_gamma_beta_scale_and_shift(rng):
    x = rng.normal(size=(50, 2))
    out = nn.batch_norm(x, np.array([3.0, 0.5]), np.array([1.0, -2.0]))
    np.testing.assert_allclose(out.mean(0), [1.0, -2.0], atol=1e-10)
    np.testing.assert_allclose(out.std(0), [3.0, 0.5], rtol=1e-3)


def test_keras_inference_mode_uses_moving_statistics(rng):
    x = rng.normal(loc=2.0, size=(32, 4))
    gamma, beta = np.ones(4), np.zeros(4)
    theirs, layer = keras_batch_norm(x, gamma, beta, training=False)
    np.testing.assert_allclose(theirs, x / np.sqrt(1 + 1e-3), rtol=1e-5)   # moving 0 / 1
    # one training call moves the moving statistics by (1 - momentum) towards the batch's
    layer(x.astype("float32"), training=True)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer.moving_mean),
                               0.01 * x.mean(0), rtol=1e-4)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer.moving_variance),
                               0.99 + 0.01 * x.var(0), rtol=1e-5)


@pytest.mark.parametrize("shape", [(7, 5), (3, 6, 4), (2, 3, 3, 8)])
def test_layer_norm_matches_keras(shape, rng):
    x = rng.normal(loc=1.0, scale=3.0, size=shape)
    gamma, beta = rng.uniform(0.5, 2, shape[-1]), rng.normal(size=shape[-1])
    np.testing.assert_allclose(nn.layer_norm(x, gamma, beta), keras_layer_norm(x, gamma, beta),
                               rtol=1e-4, atol=1e-4)


def test_layer_norm_rows_are_independent_and_a_batch_of_one_works(rng):
    x = rng.normal(size=(6, 10))
    g, b = np.ones(10), np.zeros(10)
    full = nn.layer_norm(x, g, b)
    np.testing.assert_allclose(nn.layer_norm(x[2:3], g, b), full[2:3])
    np.testing.assert_allclose(full.mean(-1), 0, atol=1e-12)


def test_batch_norm_of_a_single_row_is_refused():
    with pytest.raises(ValueError, match="layer_norm"):
        nn.batch_norm(np.ones((1, 3)), np.ones(3), np.zeros(3))


@pytest.mark.parametrize("fn", [nn.batch_norm, nn.layer_norm])
@pytest.mark.parametrize("x, gamma, beta, error, match", [
    (np.ones((4, 3)), np.ones(4), np.zeros(3), ValueError, r"gamma must have shape \(3,\)"),
    (np.ones((4, 3)), np.ones(3), np.zeros(2), ValueError, r"beta must have shape \(3,\)"),
    (np.ones((4, 3)), np.ones((1, 3)), np.zeros(3), ValueError, "LAST axis"),
    (np.ones((2, 3, 5)), np.ones(3), np.zeros(3), ValueError, r"\(5,\)"),
    (np.ones(5), np.ones(5), np.zeros(5), ValueError, "at least 2 axes"),
    (np.ones((4, 3)), "ones", np.zeros(3), TypeError, "gamma"),
    (np.array([["a", "b"]]), np.ones(2), np.zeros(2), TypeError, "x"),
    (np.array([[1.0, np.nan], [0.0, 1.0]]), np.ones(2), np.zeros(2), ValueError, "NaN"),
    (np.ones((4, 3)), np.ones(3), None, TypeError, "beta"),
])
def test_bad_inputs_are_refused_clearly(fn, x, gamma, beta, error, match):
    with pytest.raises(error, match=match):
        fn(x, gamma, beta)


@pytest.mark.parametrize("eps, error", [(0, ValueError), (-1e-3, ValueError), ("1e-3", TypeError)])
def test_bad_eps_is_refused(eps, error):
    with pytest.raises(error, match="eps"):
        nn.layer_norm(np.ones((2, 3)), np.ones(3), np.zeros(3), eps=eps)

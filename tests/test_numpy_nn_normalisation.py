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


# --------------------------------------------------------------------------- backward passes

def numerical_input_gradient(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        grad[idx] = (f(up) - f(down)) / (2 * h)
    return grad


@pytest.mark.parametrize("shape", [(6, 3), (2, 3, 3, 2)])
def test_batch_norm_backward_matches_the_numerical_gradient(shape, rng):
    x = rng.normal(loc=2.0, scale=3.0, size=shape)
    gamma, beta, dy = rng.uniform(0.5, 2, shape[-1]), rng.normal(size=shape[-1]), rng.normal(size=shape)
    dx, dgamma, dbeta = nn.batch_norm_backward(dy, x, gamma)
    loss = lambda x_, g_=gamma, b_=beta: float(np.sum(nn.batch_norm(x_, g_, b_) * dy))  # noqa: E731
    np.testing.assert_allclose(dx, numerical_input_gradient(loss, x), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dgamma, numerical_input_gradient(lambda g: loss(x, g), gamma),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dbeta, numerical_input_gradient(lambda b: loss(x, gamma, b), beta),
                               rtol=1e-6, atol=1e-8)


def test_batch_norm_backward_matches_tensorflow_autodiff_of_keras(rng):
    tf = pytest.importorskip("tensorflow")
    x = rng.normal(loc=1.0, scale=2.0, size=(16, 4))
    gamma, beta, dy = rng.uniform(0.5, 2, 4), rng.normal(size=4), rng.normal(size=(16, 4))
    layer = keras.layers.BatchNormalization()
    layer.build(x.shape)
    layer.gamma.assign(gamma.astype("float32"))
    layer.beta.assign(beta.astype("float32"))
    xt = tf.constant(x, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        out = tf.reduce_sum(layer(xt, training=True) * tf.constant(dy, tf.float32))
    dx_tf, dg_tf, db_tf = tape.gradient(out, [xt, layer.gamma, layer.beta])
    dx, dgamma, dbeta = nn.batch_norm_backward(dy, x, gamma)
    for ours, theirs in ((dx, dx_tf), (dgamma, dg_tf), (dbeta, db_tf)):
        np.testing.assert_allclose(ours, keras.ops.convert_to_numpy(theirs), rtol=1e-3, atol=1e-4)


def test_batch_norm_gradient_of_one_example_reaches_every_example_layer_norm_does_not(rng):
    x = rng.normal(size=(5, 3))
    dy = np.zeros_like(x)
    dy[0] = rng.normal(size=3)                 # only example 0's output matters to the loss
    dx_bn = nn.batch_norm_backward(dy, x, np.ones(3))[0]
    dx_ln = nn.layer_norm_backward(dy, x, np.ones(3))[0]
    assert np.all(np.abs(dx_bn[1:]).sum(axis=1) > 1e-3)   # batch-mates get a gradient
    np.testing.assert_array_equal(dx_ln[1:], 0.0)          # layer norm: nothing crosses examples
    # the batch-norm gradient sums to zero over the batch (shifting every example changes nothing)
    np.testing.assert_allclose(dx_bn.sum(axis=0), 0.0, atol=1e-12)


@pytest.mark.parametrize("shape, axis", [((4, 5), -1), ((2, 3, 4), -1), ((2, 3, 4), [1, 2]),
                                         ((2, 3, 3, 2), [1, 2, 3])])
def test_layer_norm_backward_matches_the_numerical_gradient(shape, axis, rng):
    x = rng.normal(loc=-1.0, scale=2.0, size=shape)
    pshape = shape[-1:] if axis == -1 else shape[1:]
    gamma, dy = rng.uniform(0.5, 2, pshape), rng.normal(size=shape)
    dx, dgamma, dbeta = nn.layer_norm_backward(dy, x, gamma, axis=axis)
    beta = np.zeros(pshape)
    loss = lambda x_, g_=gamma: float(np.sum(nn.layer_norm(x_, g_, beta, axis=axis) * dy))  # noqa: E731
    np.testing.assert_allclose(dx, numerical_input_gradient(loss, x), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dgamma, numerical_input_gradient(lambda g: loss(x, g), gamma),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dbeta, dy.sum(axis=tuple(range(dy.ndim - len(pshape)))), rtol=1e-12)


def test_layer_norm_over_several_axes_matches_keras_and_merges_them(rng):
    x = rng.normal(loc=2.0, scale=3.0, size=(3, 4, 4, 2))
    gamma, beta = rng.uniform(0.5, 2, (4, 4, 2)), rng.normal(size=(4, 4, 2))
    layer = keras.layers.LayerNormalization(axis=[1, 2, 3])
    layer.build(x.shape)
    layer.gamma.assign(gamma.astype("float32"))
    layer.beta.assign(beta.astype("float32"))
    theirs = keras.ops.convert_to_numpy(layer(x.astype("float32")))
    ours = nn.layer_norm(x, gamma, beta, axis=[1, 2, 3])
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)
    # the notes: reshape each example to one row of h*w*c values, normalise the row
    flat = nn.layer_norm(x.reshape(3, -1), np.ones(32), np.zeros(32)).reshape(x.shape)
    np.testing.assert_allclose(nn.layer_norm(x, np.ones((4, 4, 2)), np.zeros((4, 4, 2)),
                                             axis=(1, 2, 3)), flat, atol=1e-12)


@pytest.mark.parametrize("axis, error, match", [
    (0, ValueError, "trailing"), ([0, 1, 2], ValueError, "batch axis"), ([0, 1], ValueError, "trailing"),
    (1, ValueError, "trailing"),
    (5, ValueError, "out of range"), ("last", TypeError, "axis"), ([], TypeError, "axis"),
    (True, TypeError, "axis"),
])
def test_layer_norm_refuses_bad_axes(axis, error, match):
    with pytest.raises(error, match=match):
        nn.layer_norm(np.ones((2, 3, 4)), np.ones(4), np.zeros(4), axis=axis)


def test_layer_norm_axes_need_matching_gamma():
    with pytest.raises(ValueError, match=r"shape \(3, 4\)"):
        nn.layer_norm(np.ones((2, 3, 4)), np.ones(4), np.zeros(4), axis=[1, 2])


@pytest.mark.parametrize("fn", [nn.batch_norm_backward, nn.layer_norm_backward])
@pytest.mark.parametrize("dy, x, gamma, error, match", [
    (np.ones((4, 2)), np.ones((4, 3)), np.ones(3), ValueError, "dy"),
    (np.full((4, 3), np.nan), np.ones((4, 3)), np.ones(3), ValueError, "NaN"),
    (None, np.ones((4, 3)), np.ones(3), TypeError, "dy"),
    (np.ones((4, 3)), np.ones((4, 3)), np.ones(2), ValueError, "gamma"),
    (np.ones((4, 3)), np.ones((4, 3)), "ones", TypeError, "gamma"),
])
def test_backward_bad_inputs(fn, dy, x, gamma, error, match):
    with pytest.raises(error, match=match):
        fn(dy, x, gamma)


def test_batch_norm_backward_refuses_a_single_row_and_says_what_keras_does():
    with pytest.raises(ValueError, match="outputs beta"):
        nn.batch_norm_backward(np.ones((1, 3)), np.ones((1, 3)), np.ones(3))

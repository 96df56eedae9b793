"""helpers.numpy_nn against Keras/TensorFlow on random inputs, and its messages on bad inputs."""

import numpy as np
import pytest

from helpers import numpy_nn as nn

keras = pytest.importorskip("keras")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# ----------------------------------------------------------------- activations


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


# ----------------------------------------------------------------- layers


def test_dense_matches_keras_dense(rng):
    X = rng.normal(size=(6, 3)).astype("float32")
    layer = keras.layers.Dense(4, activation="sigmoid")
    expected = keras.ops.convert_to_numpy(layer(X))
    W, b = layer.get_weights()
    np.testing.assert_allclose(nn.dense(X, W, b, "sigmoid"), expected, rtol=1e-5, atol=1e-6)


def test_dense_loop_equals_dense_row_by_row(rng):
    X = rng.normal(size=(5, 3))
    W, b = rng.normal(size=(3, 4)), rng.normal(size=4)
    batch = nn.dense(X, W, b, "relu")
    for i in range(5):
        np.testing.assert_allclose(nn.dense_loop(X[i], W, b, "relu"), batch[i])


def test_sequential_matches_keras_sequential(rng):
    X = rng.normal(size=(8, 2)).astype("float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    expected = model.predict(X, verbose=0)
    layers = [(*layer.get_weights(), layer.activation.__name__) for layer in model.layers]
    np.testing.assert_allclose(nn.sequential(X, layers), expected, rtol=1e-5, atol=1e-6)


def test_dense_names_the_shapes_when_they_do_not_fit(rng):
    with pytest.raises(ValueError, match=r"3 features but W has shape \(4, 3\).*transposed"):
        nn.dense(rng.normal(size=(2, 3)), rng.normal(size=(4, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=r"b must have shape \(3,\)"):
        nn.dense(rng.normal(size=(2, 4)), rng.normal(size=(4, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="2-D"):
        nn.dense(rng.normal(size=(2, 4)), rng.normal(size=4), np.zeros(1))
    # a transposed W with its (correct) bias: the hint still fires
    W = rng.normal(size=(3, 5))
    with pytest.raises(ValueError, match="transposed"):
        nn.dense(rng.normal(size=(2, 3)), W.T, np.zeros(5))


def test_dense_loop_wants_one_example(rng):
    with pytest.raises(ValueError, match=r"one example of shape \(n_in,\)"):
        nn.dense_loop(rng.normal(size=(2, 3)), rng.normal(size=(3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="softmax"):
        nn.dense_loop(rng.normal(size=3), rng.normal(size=(3, 2)), np.zeros(2), "softmax")


def test_bad_dtypes_and_nan_are_reported():
    with pytest.raises(TypeError, match="numeric"):
        nn.dense(np.array([["a", "b"]]), np.ones((2, 1)), np.zeros(1))
    with pytest.raises(ValueError, match="NaN"):
        nn.dense(np.array([[np.nan, 1.0]]), np.ones((2, 1)), np.zeros(1))


def test_sequential_reports_which_layer_is_wrong(rng):
    layers = [(rng.normal(size=(2, 3)), np.zeros(3), "relu"), (rng.normal(size=(4, 1)), np.zeros(1), "sigmoid")]
    with pytest.raises(ValueError, match="^layer 1:"):
        nn.sequential(rng.normal(size=(5, 2)), layers)
    with pytest.raises(ValueError, match="triple"):
        nn.sequential(rng.normal(size=(5, 2)), [(np.ones((2, 1)), np.zeros(1))])
    with pytest.raises(ValueError, match="at least one"):
        nn.sequential(rng.normal(size=(5, 2)), [])


# ----------------------------------------------------------------- losses

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
    with pytest.raises(ValueError, match=r"in \[0, 2\]"):
        nn.cross_entropy_error(y, np.array([0, 3]))
    with pytest.raises(ValueError, match="one 1 per row"):
        nn.cross_entropy_error(y, np.array([[1, 1, 0], [0, 0, 1]]))
    with pytest.raises(ValueError, match="integers"):
        nn.cross_entropy_error(y, np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        nn.cross_entropy_error(y, np.array([0, 1, 2]))


def test_mse_shape_mismatch_is_explained():
    with pytest.raises(ValueError, match="one-hot encode"):
        nn.mean_squared_error(Y_RIGHT, 2)


# ----------------------------------------------------------------- numerical gradient


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


# ----------------------------------------------------------------- optimisers


def _keras_steps(optimizer, w0, grads):
    var = keras.Variable(w0.astype("float32"))
    out = []
    for g in grads:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(g.astype("float32")), var)])
        out.append(keras.ops.convert_to_numpy(var).copy())
    return out


@pytest.mark.parametrize("kwargs", [{}, {"learning_rate": 0.1, "beta_1": 0.5, "beta_2": 0.9}])
def test_adam_matches_keras_step_by_step(rng, kwargs):
    w0 = rng.normal(size=(3, 2))
    grads = [rng.normal(size=(3, 2)) for _ in range(15)]
    expected = _keras_steps(keras.optimizers.Adam(**kwargs), w0, grads)
    ours, w = nn.Adam(**kwargs), w0
    for g, e in zip(grads, expected, strict=True):
        w = ours.update(w, g)
        np.testing.assert_allclose(w, e, rtol=1e-5, atol=1e-6)


def test_momentum_and_gd_match_keras_sgd(rng):
    w0 = rng.normal(size=4)
    grads = [rng.normal(size=4) for _ in range(10)]
    for ours, theirs in ((nn.GradientDescent(0.1), keras.optimizers.SGD(0.1)),
                         (nn.Momentum(0.1, 0.9), keras.optimizers.SGD(0.1, momentum=0.9))):
        expected, w = _keras_steps(theirs, w0, grads), w0
        for g, e in zip(grads, expected, strict=True):
            w = ours.update(w, g)
            np.testing.assert_allclose(w, e, rtol=1e-5, atol=1e-6)


def test_optimizers_keep_structure_and_do_not_mutate(rng):
    params = {"W": rng.normal(size=(2, 2)), "b": np.zeros(2)}
    grads = {"W": np.ones((2, 2)), "b": np.ones(2)}
    before = params["W"].copy()
    new = nn.Adam(0.1).update(params, grads)
    assert set(new) == {"W", "b"}
    np.testing.assert_array_equal(params["W"], before)
    assert isinstance(nn.GradientDescent(0.1).update([np.ones(2)], [np.ones(2)]), list)


def test_optimizer_bad_inputs():
    with pytest.raises(ValueError, match="learning_rate"):
        nn.Adam(learning_rate=-1)
    with pytest.raises(ValueError, match="beta_1"):
        nn.Adam(beta_1=1.0)
    with pytest.raises(ValueError, match="momentum"):
        nn.Momentum(momentum=1.5)
    with pytest.raises(ValueError, match="gradient has"):
        nn.Adam().update(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="same keys"):
        nn.Adam().update({"W": np.ones(2)}, {"V": np.ones(2)})
    with pytest.raises(ValueError, match="NaN"):
        nn.GradientDescent().update(np.ones(2), np.array([np.nan, 1.0]))

"""helpers.numpy_nn.layers against Keras/TensorFlow, and its messages on bad inputs."""

import numpy as np
import pytest

from helpers import numpy_nn as nn

keras = pytest.importorskip("keras")


@pytest.fixture
def rng():
    return np.random.default_rng(0)



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
    with pytest.raises(TypeError, match="A_in must be an array of numbers"):
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


@pytest.mark.parametrize("call, error, match", [
    (lambda: nn.dense(np.zeros((0, 2)), np.ones((2, 1)), np.zeros(1)), ValueError, "A_in is empty"),
    (lambda: nn.sequential(np.ones((2, 2)), ()), ValueError, "at least one"),
    (lambda: nn.sequential(np.ones((2, 2)), 3), TypeError, "layers must be a list"),
    (lambda: nn.sequential(np.ones((2, 2)), (np.ones((2, 1)), np.zeros(1), "relu")), TypeError,
     r"ONE \(W, b, activation\) triple.*\[\(W, b, 'relu'\)\]"),
    (lambda: nn.sequential(np.ones((2, 2)), [(np.ones((2, 1)), np.zeros(1))]), ValueError,
     r"Add the activation"),
])
def test_layers_refuse_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()

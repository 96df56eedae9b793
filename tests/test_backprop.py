"""helpers.backprop: backprop against central differences and tf.GradientTape; bad inputs."""

import numpy as np
import pytest

from helpers.backprop import PARAM_NAMES, TwoLayerNet
from helpers.numpy_nn import relative_error

keras = pytest.importorskip("keras")


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(9, 5))
    t = rng.integers(0, 4, size=9)
    return X, t


def keras_twin(net, dtype="float64"):
    """The same network in Keras, with the same weights (logits out; softmax is in the loss)."""
    model = keras.Sequential([
        keras.Input((net.n_in,), dtype=dtype),
        keras.layers.Dense(net.n_hidden, activation=net.hidden_activation, dtype=dtype),
        keras.layers.Dense(net.n_out, dtype=dtype),
    ])
    model.set_weights(net.keras_weights())
    return model


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
def test_backprop_matches_numerical_gradient(activation, data):
    X, t = data
    net = TwoLayerNet(5, 6, 4, hidden_activation=activation, weight_init_std=0.5, seed=1)
    net.params["b1"] += 0.3  # non-zero biases, so their gradient path is exercised too
    grads = net.gradient(X, t)
    approx = net.numerical_gradient(X, t)
    assert set(grads) == set(PARAM_NAMES)
    for name in PARAM_NAMES:
        assert grads[name].shape == net.params[name].shape
    assert relative_error(grads, approx) < 1e-7


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
def test_backprop_matches_gradient_tape_and_keras_loss(activation, data):
    tf = pytest.importorskip("tensorflow")
    X, t = data
    net = TwoLayerNet(5, 6, 4, hidden_activation=activation, weight_init_std=0.5, seed=2)
    model = keras_twin(net)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")
    with tf.GradientTape() as tape:
        loss = loss_fn(t, model(X))
    tape_grads = dict(zip(PARAM_NAMES, (g.numpy() for g in tape.gradient(
        loss, model.trainable_variables)), strict=True))
    assert abs(float(loss) - net.loss(X, t)) < 1e-12
    assert relative_error(net.gradient(X, t), tape_grads) < 1e-12
    probs = keras.ops.convert_to_numpy(keras.activations.softmax(model(X)))
    np.testing.assert_allclose(net.forward(X), probs, rtol=1e-12, atol=1e-15)


def test_one_hot_and_index_labels_give_the_same_gradient(data):
    X, t = data
    net = TwoLayerNet(5, 3, 4, seed=0)
    one_hot = np.eye(4)[t]
    a, b = net.gradient(X, t), net.gradient(X, one_hot)
    assert relative_error(a, b) == 0.0
    assert net.loss(X, t) == net.loss(X, one_hot)


def test_numerical_gradient_costs_two_forward_passes_per_parameter(data):
    X, t = data
    net = TwoLayerNet(5, 3, 4, seed=0)
    assert net.n_params == 5 * 3 + 3 + 3 * 4 + 4
    before = net.params["W1"].copy()
    net.forward_passes = 0
    net.numerical_gradient(X, t)
    assert net.forward_passes == 2 * net.n_params
    np.testing.assert_array_equal(net.params["W1"], before)  # perturbations are undone
    net.forward_passes = 0
    net.gradient(X, t)
    assert net.forward_passes == 1


def test_training_steps_lower_the_loss(data):
    X, t = data
    net = TwoLayerNet(5, 8, 4, hidden_activation="relu", weight_init_std=0.5, seed=3)
    start = net.loss(X, t)
    for _ in range(50):
        net.step(net.gradient(X, t), learning_rate=0.5)
    assert net.loss(X, t) < 0.5 * start
    assert net.accuracy(X, t) == 1.0


def test_params_are_copied_and_keras_order(data):
    weights = [np.ones((5, 3)), np.zeros(3), np.ones((3, 4)), np.zeros(4)]
    net = TwoLayerNet(5, 3, 4, params=dict(zip(PARAM_NAMES, weights, strict=True)))
    net.params["W1"][0, 0] = 7.0
    assert weights[0][0, 0] == 1.0
    assert [w.shape for w in net.keras_weights()] == [(5, 3), (3,), (3, 4), (4,)]
    assert "34 parameters" in repr(net)


# ----------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_in": 0}, ValueError, "n_in must be at least 1"),
    ({"n_in": "5"}, TypeError, "n_in must be an integer.*without quotes"),
    ({"n_hidden": 2.5}, TypeError, "n_hidden must be an integer"),
    ({"n_hidden": True}, TypeError, "n_hidden must be an integer"),
    ({"n_out": 1}, ValueError, "at least 2 classes"),
    ({"hidden_activation": "softplus"}, ValueError, "hidden_activation must be one of"),
    ({"hidden_activation": None}, TypeError, "hidden_activation must be one of"),
    ({"hidden_activation": ["relu"]}, TypeError, "hidden_activation must be one of"),
    ({"weight_init_std": -1.0}, ValueError, "weight_init_std must be positive"),
    ({"weight_init_std": "0.1"}, TypeError, "weight_init_std must be a number"),
    ({"seed": -3}, ValueError, r"seed must be between 0 and 2\*\*32 - 1"),
    ({"seed": 2**40}, ValueError, r"seed must be between 0 and 2\*\*32 - 1"),
    ({"seed": "1"}, TypeError, "seed must be an integer"),
])
def test_bad_constructor_arguments(kwargs, error, match):
    args = {"n_in": 5, "n_hidden": 3, "n_out": 4, **kwargs}
    with pytest.raises(error, match=match):
        TwoLayerNet(**args)


def test_numpy_scalars_are_accepted():
    net = TwoLayerNet(np.int64(5), np.int32(3), np.int64(4), weight_init_std=np.float32(0.5),
                      seed=np.int64(1))
    assert net.n_hidden == 3 and isinstance(net.n_hidden, int)
    np.testing.assert_array_equal(net.params["W1"], TwoLayerNet(5, 3, 4, weight_init_std=0.5,
                                                                 seed=1).params["W1"])


def test_bad_params():
    good = {"W1": np.ones((5, 3)), "b1": np.zeros(3), "W2": np.ones((3, 4)), "b2": np.zeros(4)}
    with pytest.raises(ValueError, match="transposed"):
        TwoLayerNet(5, 3, 4, params={**good, "W1": np.ones((3, 5))})
    with pytest.raises(ValueError, match="exactly the keys"):
        TwoLayerNet(5, 3, 4, params={"W1": good["W1"]})
    with pytest.raises(TypeError, match="dict of arrays"):
        TwoLayerNet(5, 3, 4, params=list(good.values()))
    with pytest.raises(ValueError, match="NaN"):
        TwoLayerNet(5, 3, 4, params={**good, "b2": np.array([0, np.nan, 0, 0])})
    with pytest.raises(TypeError, match=r"params\['b1'\] must be an array of numbers"):
        TwoLayerNet(5, 3, 4, params={**good, "b1": np.array(["a", "b", "c"])})


def test_bad_inputs_and_labels(data):
    X, t = data
    net = TwoLayerNet(5, 3, 4, seed=0)
    with pytest.raises(ValueError, match=r"shape \(m, 5\)"):
        net.forward(X[:, :4])
    with pytest.raises(ValueError, match=r"X\[None, :\]"):
        net.forward(X[0])
    with pytest.raises(TypeError, match="X must be an array of numbers"):
        net.forward(np.array([["a"] * 5]))
    with pytest.raises(ValueError, match="NaN"):
        net.forward(np.full((2, 5), np.nan))
    with pytest.raises(ValueError, match=r"class indices in 0\.\.3, got 4"):
        net.loss(X, np.full(9, 4))
    with pytest.raises(ValueError, match="shape"):
        net.gradient(X, t[:5])
    with pytest.raises(ValueError, match="whole class indices"):
        net.loss(X, t + 0.5)
    with pytest.raises(ValueError, match="one-hot"):
        net.loss(X, np.ones((9, 4)))
    with pytest.raises(ValueError, match="h must be"):
        net.numerical_gradient(X, t, h=0)
    with pytest.raises(ValueError, match="learning_rate"):
        net.step(net.gradient(X, t), learning_rate=0)
    with pytest.raises(ValueError, match=r"grads\['b2'\] must have shape \(4\)"):
        net.step({**net.gradient(X, t), "b2": np.zeros(3)}, learning_rate=0.1)


@pytest.mark.parametrize("bad, match", [(np.nan, r"grads\['W1'\] holds 1 NaN"),
                                        (np.inf, r"grads\['W1'\] holds 1 NaN or infinite")])
def test_step_with_nan_gradient_leaves_the_weights_alone(data, bad, match):
    X, t = data
    net = TwoLayerNet(5, 3, 4, seed=0)
    grads = net.gradient(X, t)
    grads["W1"][0, 0] = bad
    before = {k: v.copy() for k, v in net.params.items()}
    with pytest.raises(ValueError, match=match):
        net.step(grads, learning_rate=0.1)
    for k in before:
        np.testing.assert_array_equal(net.params[k], before[k])
    assert np.all(np.isfinite(net.params["W1"]))


@pytest.mark.parametrize("call, error, match", [
    (lambda net, X, t: net.step(net.gradient(X, t), "0.1"), TypeError, "learning_rate must be"),
    (lambda net, X, t: net.step({k: "a" for k in PARAM_NAMES}, 0.1), TypeError,
     r"grads\['W1'\] must be an array of numbers"),
    (lambda net, X, t: net.step([1, 2], 0.1), ValueError, "grads must be a dict"),
    (lambda net, X, t: net.numerical_gradient(X, t, h="1e-4"), TypeError, "h must be a number"),
    (lambda net, X, t: net.numerical_gradient(X, t, h=2.0), ValueError, "small positive step"),
    (lambda net, X, t: net.loss(X, "a" * 9), TypeError, "t must be an array of numbers"),
    (lambda net, X, t: net.loss(X, -np.ones(9, int)), ValueError, "non-negative class indices"),
    (lambda net, X, t: net.forward(None), TypeError, "X must be an array of numbers, got None"),
    (lambda net, X, t: net.forward(np.zeros((0, 5))), ValueError, "X holds no examples"),
    (lambda net, X, t: net.accuracy(X, np.eye(4)[t][:, :3]), ValueError, "one-hot"),
])
def test_more_bad_inputs(data, call, error, match):
    X, t = data
    with pytest.raises(error, match=match):
        call(TwoLayerNet(5, 3, 4, seed=0), X, t)


def test_step_accepts_a_numpy_learning_rate(data):
    X, t = data
    a, b = TwoLayerNet(5, 3, 4, seed=0), TwoLayerNet(5, 3, 4, seed=0)
    a.step(a.gradient(X, t), np.float32(0.5))
    b.step(b.gradient(X, t), 0.5)
    np.testing.assert_allclose(a.params["W1"], b.params["W1"], rtol=1e-7)
    assert not np.allclose(a.params["W1"], TwoLayerNet(5, 3, 4, seed=0).params["W1"])

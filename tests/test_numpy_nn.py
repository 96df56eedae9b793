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


def test_optimizers_keep_structure_and_never_modify_the_arrays(rng):
    params = {"W": rng.normal(size=(2, 2)), "b": np.zeros(2)}
    grads = {"W": np.ones((2, 2)), "b": np.ones(2)}
    old_W, before = params["W"], params["W"].copy()
    new = nn.Adam(0.1).update(params, grads)
    assert new is params and set(new) == {"W", "b"}  # the dict is updated in place and returned
    np.testing.assert_array_equal(old_W, before)      # the array it held is left as it was
    assert not np.allclose(params["W"], before)
    w = np.ones(2)
    out = nn.GradientDescent(0.1).update(w, np.ones(2))
    np.testing.assert_array_equal(w, 1.0)             # a bare array is never modified
    np.testing.assert_allclose(out, 0.9)
    lst = [np.ones(2)]
    assert nn.GradientDescent(0.1).update(lst, [np.ones(2)]) is lst
    np.testing.assert_allclose(lst[0], 0.9)
    out = nn.GradientDescent(0.1).update((np.ones(2),), (np.ones(2),))
    assert isinstance(out, list)
    np.testing.assert_allclose(out[0], 0.9)


@pytest.mark.parametrize("make", [lambda: nn.GradientDescent(0.1), lambda: nn.Momentum(0.1),
                                  lambda: nn.Adam(0.1)])
def test_dlfs_in_place_habit_equals_the_assignment_form(make, rng):
    start = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    grads = [{"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)} for _ in range(5)]
    in_place, opt_a = dict(start), make()
    for g in grads:
        opt_a.update(in_place, g)                # DLfS: the return value is ignored
    assigned, opt_b = dict(start), make()
    for g in grads:
        assigned = opt_b.update(assigned, g)
    for k in start:
        np.testing.assert_array_equal(in_place[k], assigned[k])
        assert not np.allclose(in_place[k], start[k])


def test_ignoring_the_result_for_an_array_is_refused():
    opt, w = nn.Adam(0.1), np.ones(3)
    opt.update(w, np.ones(3))
    with pytest.raises(ValueError, match=r"w = opt\.update\(w, grads\)"):
        opt.update(w, np.ones(3))
    # using the result, or changing the array in place yourself, is fine
    opt, w = nn.Adam(0.1), np.ones(3)
    w = opt.update(w, np.ones(3))
    w = opt.update(w, np.ones(3))
    w[:] = opt.update(w, np.ones(3))
    opt.update(w, np.ones(3))


@pytest.mark.parametrize("first, second, match", [
    (np.ones(3), np.ones((2, 3)), r"params has shape \(2, 3\).*built for shape \(3,\)"),
    ({"W": np.ones(3)}, {"W": np.ones(1)}, r"params\['W'\] has shape \(1,\)"),
    ({"W": np.ones(3)}, {"W": np.ones(3), "b": np.ones(1)}, r"used with the parameters \['W'\]"),
])
@pytest.mark.parametrize("make", [nn.GradientDescent, nn.Momentum, nn.Adam])
def test_state_from_other_parameters_is_refused(make, first, second, match):
    opt = make(0.1)

    def grads(p):
        return {k: np.ones_like(v) for k, v in p.items()} if isinstance(p, dict) else np.ones_like(p)

    opt.update(first, grads(first))
    with pytest.raises(ValueError, match=match):
        opt.update(second, grads(second))


def test_numpy_scalars_are_numbers():
    assert nn.GradientDescent(np.float32(0.01)).learning_rate == pytest.approx(0.01)
    assert nn.Adam(np.float64(0.01), beta_1=np.float32(0.5)).beta_1 == 0.5
    assert nn.Momentum(np.int64(1), momentum=np.float64(0.5)).learning_rate == 1.0
    g = nn.numerical_gradient(lambda v: np.sum(v**2), np.ones(2), h=np.float32(1e-3))
    np.testing.assert_allclose(g, 2.0, rtol=1e-6)


@pytest.mark.parametrize("make, error, match", [
    (lambda: nn.GradientDescent(True), TypeError, "learning_rate must be a number, got True"),
    (lambda: nn.GradientDescent("0.1"), TypeError, "learning_rate.*without quotes"),
    (lambda: nn.GradientDescent(None), TypeError, "learning_rate must be a number"),
    (lambda: nn.GradientDescent(0), ValueError, "learning_rate must be positive"),
    (lambda: nn.GradientDescent(np.inf), ValueError, "learning_rate must be a finite"),
    (lambda: nn.Momentum(0.1, "0.9"), TypeError, "momentum must be a number"),
    (lambda: nn.Momentum(0.1, None), TypeError, "momentum must be a number"),
    (lambda: nn.Momentum(0.1, -0.1), ValueError, "momentum must be at least 0"),
    (lambda: nn.Adam(beta_1="0.9"), TypeError, "beta_1 must be a number"),
    (lambda: nn.Adam(beta_2=1), ValueError, r"beta_2 must be in \[0, 1\)"),
    (lambda: nn.Adam(epsilon=None), TypeError, "epsilon must be a number"),
    (lambda: nn.Adam(epsilon=0.0), ValueError, "epsilon must be positive"),
    (lambda: nn.Adam().update(np.ones(2), "ab"), TypeError, "grads must hold numbers"),
    (lambda: nn.Adam().update(None, np.ones(2)), TypeError, "params must be an array"),
    (lambda: nn.Adam().update(np.ones(2), [np.ones(2)]), TypeError, "grads must be one array"),
    (lambda: nn.Adam().update([np.ones(2)], np.ones(2)), ValueError, "lists of the same length"),
])
def test_bad_optimizer_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


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


# ----------------------------------------------------------------- bad inputs: no nan, no silence


@pytest.mark.parametrize("call, error, match", [
    # binary probabilities read as one 3-class example: refused, with the two-column fix
    (lambda: nn.cross_entropy_error([.9, .2, .7], [0, 0, 1]), ValueError,
     r"sums to 1\.8.*np\.column_stack\(\[1 - p, p\]\)"),
    (lambda: nn.cross_entropy_error([[.5, .2, .1], [.2, .3, .5]], [0, 1]), ValueError,
     r"row 0 of y sums to 0\.8"),
    (lambda: nn.cross_entropy_error(np.zeros((0, 3)), np.zeros(0, int)), ValueError, "y is empty"),
    (lambda: nn.cross_entropy_error([[.5, .5]], None), TypeError, "t must be an array"),
    (lambda: nn.cross_entropy_error([[.5, .5]], [0], eps="1e-7"), TypeError, "eps must be a number"),
    (lambda: nn.cross_entropy_error([[.5, .5]], [0], eps=-1.0), ValueError, "eps must be zero or"),
    (lambda: nn.cross_entropy_error([[np.nan, .5]], [0]), ValueError, "NaN"),
    (lambda: nn.mean_squared_error([], []), ValueError, "y is empty"),
    (lambda: nn.mean_squared_error("ab", [1, 2]), TypeError, "y must be an array of numbers"),
    (lambda: nn.mean_squared_error([np.nan, 1.0], [1.0, 1.0]), ValueError, "y holds 1 NaN"),
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
    (lambda: nn.dense(np.zeros((0, 2)), np.ones((2, 1)), np.zeros(1)), ValueError, "A_in is empty"),
    (lambda: nn.sequential(np.ones((2, 2)), ()), ValueError, "at least one"),
    (lambda: nn.sequential(np.ones((2, 2)), 3), TypeError, "layers must be a list"),
    (lambda: nn.sequential(np.ones((2, 2)), (np.ones((2, 1)), np.zeros(1), "relu")), TypeError,
     r"ONE \(W, b, activation\) triple.*\[\(W, b, 'relu'\)\]"),
    (lambda: nn.sequential(np.ones((2, 2)), [(np.ones((2, 1)), np.zeros(1))]), ValueError,
     r"Add the activation"),
    (lambda: nn.numerical_gradient(np.sum, np.ones(2), h=0), ValueError, "h must be positive"),
    (lambda: nn.numerical_gradient(np.sum, np.ones(2), h="1e-4"), TypeError, "h must be a number"),
    (lambda: nn.numerical_gradient(np.sum, np.ones(2), h=None), TypeError, "h must be a number"),
    (lambda: nn.numerical_gradient(np.sum, np.ones(2), h=-1e-4), ValueError, "h must be positive"),
    (lambda: nn.numerical_gradient(lambda v: 2 * v, np.ones(2)), ValueError, "ONE number"),
    (lambda: nn.numerical_gradient(lambda v: "x", np.ones(2)), TypeError, "f must return a number"),
    (lambda: nn.numerical_gradient(lambda v: np.nan, np.ones(2)), ValueError, r"f returned nan"),
    (lambda: nn.numerical_gradient(np.sum, np.array([np.nan, 1.0])), ValueError, "x holds 1 NaN"),
])
def test_bad_inputs_raise_instead_of_a_wrong_number(call, error, match):
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


def test_numerical_gradient_restores_x_when_f_fails():
    x = np.array([1.0, 2.0])

    def f(v):
        if v[0] > 1.0:
            raise RuntimeError("boom")
        return float(np.sum(v))

    with pytest.raises(RuntimeError, match="boom"):
        nn.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])

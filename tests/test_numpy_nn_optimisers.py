"""helpers.numpy_nn.optimisers against Keras/TensorFlow, and its messages on bad inputs."""

import numpy as np
import pytest

from helpers import numpy_nn as nn

keras = pytest.importorskip("keras")


@pytest.fixture
def rng():
    return np.random.default_rng(0)



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
    (lambda: nn.Adam(beta_2=1), ValueError, "beta_2 must be below 1"),
    (lambda: nn.Adam(epsilon=None), TypeError, "epsilon must be a number"),
    (lambda: nn.Adam(epsilon=0.0), ValueError, "epsilon must be positive"),
    (lambda: nn.Adam().update(np.ones(2), "ab"), TypeError, "grads must be an array of numbers"),
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

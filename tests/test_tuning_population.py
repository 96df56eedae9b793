"""helpers.tuning.population: the NumPy population of networks."""


import numpy as np
import pytest

from helpers import tuning


@pytest.fixture(scope="module")
def small_data():
    rng = np.random.default_rng(0)
    x = rng.random((120, 64))
    y = (x[:, :10].argmax(axis=1)).astype(int)      # a learnable 10-class rule
    return x[:90], y[:90], x[90:], y[90:]


def test_population_members_are_independent_of_each_other(small_data):
    x, y, xv, yv = small_data
    both = tuning.MLPPopulation(x, y, learning_rates=[1e-2, 1e-1], momenta=[0.9, 0.9], seed=5,
                                batch_size=30, hidden=8).train(3)
    alone = tuning.MLPPopulation(x, y, learning_rates=[1e-1], momenta=[0.9], seed=5,
                                 batch_size=30, hidden=8).train(3)
    assert np.allclose(both.params[0][1], alone.params[0][0])
    assert both.epochs_spent == 6 and alone.epochs_spent == 3


def test_population_learns_and_sgd_with_tiny_rate_does_not(small_data):
    x, y, xv, yv = small_data
    pop = tuning.MLPPopulation(x, y, learning_rates=[1e-6, 3e-2], momenta=[0.9, 0.9], seed=0,
                               batch_size=16, hidden=16).train(40)
    acc, loss = pop.evaluate(x, y)
    assert acc[1] > 0.6 > acc[0]
    assert loss[1] < loss[0]


def test_population_matches_keras_sgd_step():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    x, y = rng.random((8, 64)).astype("float32"), rng.integers(0, 10, 8)
    pop = tuning.MLPPopulation(x, y, learning_rates=[0.1], momenta=[0.0], optimizer="sgd",
                               hidden=4, batch_size=8, seed=3)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.set_weights([pop.params[0][0], pop.params[1][0, 0], pop.params[2][0], pop.params[3][0, 0]])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    pop.train(1)
    assert np.allclose(model.get_weights()[0], pop.params[0][0], atol=1e-5)
    assert np.allclose(model.get_weights()[2], pop.params[2][0], atol=1e-5)


def test_diverging_member_scores_zero(small_data):
    x, y, xv, yv = small_data
    pop = tuning.MLPPopulation(x, y, learning_rates=[1e3], momenta=[0.0], optimizer="sgd",
                               seed=0, batch_size=90, hidden=8).train(5)
    acc, loss = pop.evaluate(xv, yv)
    assert acc[0] <= 0.3 and (np.isinf(loss[0]) or loss[0] > 5)


def test_keep_selects_members(small_data):
    x, y, xv, yv = small_data
    pop = tuning.MLPPopulation(x, y, learning_rates=[1e-3, 1e-2, 1e-1], seed=1, hidden=4)
    w = pop.params[0][2].copy()
    pop.keep(np.array([2]))
    assert pop.size == 1 and np.array_equal(pop.params[0][0], w)
    with pytest.raises(ValueError, match="indices in 0..0"):
        pop.keep(np.array([3]))


def test_init_seeds_give_different_starts(small_data):
    x, y, _, _ = small_data
    pop = tuning.MLPPopulation(x, y, learning_rates=[1e-2, 1e-2], init_seeds=[1, 2], hidden=4)
    assert not np.allclose(pop.params[0][0], pop.params[0][1])


@pytest.mark.parametrize("kwargs, error, match", [
    ({"learning_rates": [-1e-3]}, ValueError, "learning_rates must all be positive"),
    ({"learning_rates": [1e-3], "momenta": [1.0]}, ValueError, r"momenta must be in \[0, 1\)"),
    ({"learning_rates": [1e-3, 1e-2], "momenta": [0.9]}, ValueError, "one row per example"),
    ({"learning_rates": [1e-3], "optimizer": "rmsprop"}, ValueError, "optimizer must be one of"),
    ({"learning_rates": [1e-3], "hidden": 0}, ValueError, "hidden must be at least 1"),
    ({"learning_rates": [1e-3], "batch_size": 32.0}, TypeError, "batch_size must be an integer"),
    ({"learning_rates": [1e-3], "seed": "1"}, TypeError, "seed must be an integer"),
    ({"learning_rates": [1e-3, 1e-2], "init_seeds": [1]}, ValueError, "one seed per member"),
    ({"learning_rates": [[1e-3]]}, ValueError, "learning_rates must be 1-D"),
])
def test_population_bad_inputs(small_data, kwargs, error, match):
    x, y, _, _ = small_data
    with pytest.raises(error, match=match):
        tuning.MLPPopulation(x, y, **kwargs)


def test_population_rejects_bad_data(small_data):
    x, y, _, _ = small_data
    with pytest.raises(ValueError, match="one-hot"):
        tuning.MLPPopulation(x, np.eye(10)[y], learning_rates=[1e-3])
    with pytest.raises(ValueError, match="shape"):
        tuning.MLPPopulation(x, y, learning_rates=[1e-3], hidden=2).evaluate(x[:, :10], y)
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        tuning.MLPPopulation(x, y, learning_rates=[1e-3]).train(0)


# --------------------------------------------------------------------------- the bad-inputs review


@pytest.mark.parametrize("kwargs, error, match", [
    ({"learning_rates": [1e-3], "n_classes": "10"}, TypeError, "n_classes must be an integer"),
    ({"learning_rates": [1e-3], "init_seeds": ["a"]}, TypeError, r"init_seeds\[0\] must be an int"),
    ({"learning_rates": [1e-3, 1e-2], "init_seeds": [1.9, 2.2]}, TypeError, "must be an integer"),
    ({"learning_rates": [1e-3], "init_seeds": 3}, TypeError, "one integer seed per member"),
    ({"learning_rates": [1e-3], "init_seeds": "12"}, TypeError, "one integer seed per member"),
])
def test_review_cases_are_clear_errors(small_data, kwargs, error, match):
    x, y, _, _ = small_data
    with pytest.raises(error, match=match):
        tuning.MLPPopulation(x, y, **kwargs)


def test_integer_seeds_of_any_kind_are_accepted(small_data):
    x, y, _, _ = small_data
    a = tuning.MLPPopulation(x, y, learning_rates=[1e-3, 1e-3], init_seeds=np.array([1, 2]))
    b = tuning.MLPPopulation(x, y, learning_rates=[1e-3, 1e-3], init_seeds=[1, 2])
    assert all(np.array_equal(u, v) for u, v in zip(a.params, b.params, strict=True))


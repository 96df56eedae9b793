"""helpers.tuning.search: grid, random search and successive halving."""


import numpy as np
import pytest

from helpers import tuning


@pytest.fixture(scope="module")
def small_data():
    rng = np.random.default_rng(0)
    x = rng.random((120, 64))
    y = (x[:, :10].argmax(axis=1)).astype(int)      # a learnable 10-class rule
    return x[:90], y[:90], x[90:], y[90:]


def test_grid_and_random_search_report_their_best(small_data):
    space = {"learning_rate": tuning.LogUniform(1e-4, 1e-1), "momentum": tuning.Uniform(0.85, 0.95)}
    g = tuning.grid_search(space, 4, small_data, epochs=2, seed=0, hidden=8, batch_size=30)
    r = tuning.random_search(space, 4, small_data, epochs=2, seed=0, hidden=8, batch_size=30)
    for res in (g, r):
        assert len(res["accuracy"]) == 4 and res["best_accuracy"] == res["accuracy"].max()
        assert res["epochs_spent"] == 8


def test_successive_halving_budget_and_rungs(small_data):
    space = {"learning_rate": tuning.LogUniform(1e-4, 1e-1), "momentum": tuning.Uniform(0.85, 0.95)}
    cfg = tuning.random_configs(space, 27, np.random.default_rng(0))
    sh = tuning.successive_halving(cfg, small_data, max_epochs=9, factor=3, seed=0, hidden=8)
    assert [(r["epochs"], len(r["members"])) for r in sh["rungs"]] == [(1, 27), (3, 9), (9, 3)]
    assert sh["epochs_spent"] == 27 + 9 * 2 + 3 * 6
    assert sh["best"] in sh["rungs"][-1]["members"]


@pytest.mark.parametrize("call, error, match", [
    (lambda d: tuning.grid_search({"momentum": tuning.Uniform(0, 0.9)}, 4, d), ValueError, "learning_rate"),
    (lambda d: tuning.random_search({"learning_rate": tuning.LogUniform(1e-3, 1e-1)}, 4, d[:2]), TypeError,
     r"\(x_train, y_train, x_val, y_val\)"),
    (lambda d: tuning.grid_search({"learning_rate": tuning.LogUniform(1e-3, 1e-1)}, 0, d), ValueError,
     "budget must be at least 1"),
    (lambda d: tuning.successive_halving({"learning_rate": [1e-2]}, d, factor=1), ValueError,
     "factor must be at least 2"),
    (lambda d: tuning.successive_halving([1e-2, 1e-3], d), TypeError, "configs must be a dict"),
    (lambda d: tuning.successive_halving({"lr": [1e-2]}, d), TypeError, "'learning_rate' array"),
])
def test_search_bad_inputs(small_data, call, error, match):
    with pytest.raises(error, match=match):
        call(small_data)

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
    (lambda d: tuning.successive_halving({"lr": [1e-2]}, d), ValueError, r"dimension\(s\) \['lr'\]"),
])
def test_search_bad_inputs(small_data, call, error, match):
    with pytest.raises(error, match=match):
        call(small_data)


# --------------------------------------------------------------------------- the bad-inputs review


def test_every_dimension_is_used_batch_size_too(small_data):
    space = {"learning_rate": tuning.LogUniform(1e-3, 1e-1), "batch_size": tuning.PowersOfTwo(8, 64)}
    r = tuning.random_search(space, 4, small_data, epochs=2, seed=3)
    sizes = r["configs"]["batch_size"]
    assert len(set(sizes.tolist())) > 1
    # each member trained with its own batch size: the same as a population of that size alone
    x, y, xv, yv = small_data
    for i, (lr, b) in enumerate(zip(r["configs"]["learning_rate"], sizes, strict=True)):
        alone = tuning.MLPPopulation(x, y, learning_rates=[lr], batch_size=int(b), seed=3).train(2)
        assert alone.evaluate(xv, yv)[0][0] == r["accuracy"][i]
    assert r["epochs_spent"] == 4 * 2


def test_a_batch_size_dimension_changes_the_result(small_data):
    fixed = {"learning_rate": tuning.LogUniform(1e-2, 1e-1)}
    varied = {**fixed, "batch_size": tuning.PowersOfTwo(8, 8 * 2)}
    a = tuning.grid_search(fixed, 3, small_data, epochs=2, seed=0, batch_size=64)
    b = tuning.grid_search(varied, 9, small_data, epochs=2, seed=0)
    assert set(b["configs"]["batch_size"].tolist()) == {8, 16}
    assert not np.array_equal(a["loss"], b["loss"][:3])


@pytest.mark.parametrize("call, error, match", [
    (lambda d: tuning.random_search({"learning_rate": tuning.LogUniform(1e-3, 1e-1),
                                     "momentun": tuning.Uniform(0.8, 0.9)}, 4, d), ValueError,
     r"\['momentun'\].*drawn and ignored"),
    (lambda d: tuning.grid_search({"learning_rate": tuning.LogUniform(1e-3, 1e-1),
                                   "batch_size": tuning.PowersOfTwo(8, 16)}, 4, d, batch_size=32),
     ValueError, "both a search dimension and a fixed setting"),
    (lambda d: tuning.grid_search({"learning_rate": tuning.LogUniform(1e-3, 1e-1)}, 4, d,
                                  hiden=8), TypeError, r"unknown setting\(s\) \['hiden'\]"),
    (lambda d: tuning.successive_halving({"learning_rate": [1e-2, 1e-3], "batch_size": [8, 1.5]},
                                         d), ValueError, "whole numbers"),
    (lambda d: tuning.successive_halving({"learning_rate": [1e-2, 1e-3], "momentum": [0.9]}, d),
     ValueError, "one row per example|rows"),
])
def test_review_cases_are_clear_errors(small_data, call, error, match):
    with pytest.raises(error, match=match):
        call(small_data)


def test_successive_halving_across_batch_sizes(small_data):
    configs = {"learning_rate": np.array([3e-2, 1e-2, 3e-3, 1e-3, 3e-2, 1e-4]),
               "batch_size": np.array([16, 16, 32, 32, 64, 64])}
    sh = tuning.successive_halving(configs, small_data, max_epochs=4, factor=2, seed=0)
    assert [r["epochs"] for r in sh["rungs"]] == [1, 2, 4]
    assert [len(r["members"]) for r in sh["rungs"]] == [6, 3, 1]
    assert sh["epochs_spent"] == 6 * 1 + 3 * 1 + 1 * 2
    assert sh["best"] == sh["rungs"][-1]["members"][0]


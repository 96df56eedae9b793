"""helpers.tuning.hyperband: keras-tuner's Hyperband schedule, its budget, and the search on the twin."""

import numpy as np
import pytest

from helpers import tuning


@pytest.fixture(scope="module")
def small_data():
    rng = np.random.default_rng(0)
    x = rng.random((120, 64))
    y = (x[:, :10].argmax(axis=1)).astype(int)      # a learnable 10-class rule
    return x[:90], y[:90], x[90:], y[90:]


def test_schedule_is_keras_tuners():
    # keras_tuner.Hyperband(max_epochs=9, factor=3) runs 23 trials of 17 configurations, 75 epochs
    assert tuning.hyperband_brackets(9, 3) == [[(9, 1), (3, 3), (1, 9)], [(5, 3), (2, 9)], [(3, 9)]]
    budget = tuning.hyperband_budget(9, 3)
    assert (budget["trials"], budget["configurations"], budget["epochs"]) == (23, 17, 75)
    assert budget["bracket_epochs"] == [9 + 3 * 2 + 1 * 6, 5 * 3 + 2 * 6, 3 * 9]
    assert tuning.hyperband_brackets(3, 3) == [[(3, 1), (1, 3)], [(2, 3)]]
    assert tuning.hyperband_budget(3, 3)["epochs"] == 3 + 2 + 6
    assert tuning.hyperband_brackets(1, 3) == [[(1, 1)]]
    for rounds in tuning.hyperband_brackets(27, 3):      # every bracket ends at max_epochs
        assert rounds[-1][1] == 27 and [n for n, _ in rounds] == sorted((n for n, _ in rounds), reverse=True)


def test_hyperband_on_the_twin_spends_the_budget(small_data):
    space = {"learning_rate": tuning.LogUniform(1e-3, 1e-1), "momentum": tuning.Uniform(0.85, 0.95)}
    hb = tuning.hyperband(space, small_data, max_epochs=3, factor=3, seed=0, hidden=8, batch_size=30)
    budget = tuning.hyperband_budget(3, 3)
    assert hb["epochs_spent"] == budget["epochs"] and hb["trials"] == budget["trials"]
    assert hb["configurations"] == budget["configurations"]
    finals = np.concatenate([b["accuracy"] for b in hb["brackets"]])
    assert hb["best_accuracy"] == finals.max() and set(hb["best_config"]) == set(space)
    again = tuning.hyperband(space, small_data, max_epochs=3, factor=3, seed=0, hidden=8, batch_size=30)
    assert again["best_accuracy"] == hb["best_accuracy"]          # a seed reproduces it


def test_hyperband_uses_a_batch_size_dimension(small_data):
    # every dimension given is used: two batch sizes train as two populations, as in search
    space = {"learning_rate": tuning.LogUniform(1e-2, 1e-1), "batch_size": tuning.PowersOfTwo(8, 64)}
    hb = tuning.hyperband(space, small_data, max_epochs=3, factor=3, seed=1, hidden=8)
    assert hb["epochs_spent"] == tuning.hyperband_budget(3, 3)["epochs"]
    sizes = np.concatenate([b["configs"]["batch_size"] for b in hb["brackets"]])
    assert len(set(sizes.tolist())) > 1 and hb["best_config"]["batch_size"] in sizes


def test_hyperband_bracket_is_successive_halving(small_data):
    # the first bracket of Hyperband(3, 3) is 3 configurations at 1 epoch, the best 1 to 3 epochs:
    # the search's own successive halving of the same draws
    space = {"learning_rate": tuning.LogUniform(1e-3, 1e-1)}
    hb = tuning.hyperband(space, small_data, max_epochs=3, factor=3, seed=3, hidden=8, batch_size=30)
    configs = tuning.random_configs(space, 3, np.random.default_rng(3))
    sh = tuning.successive_halving(configs, small_data, max_epochs=3, factor=3, seed=3, hidden=8, batch_size=30)
    np.testing.assert_array_equal(hb["brackets"][0]["configs"]["learning_rate"], configs["learning_rate"])
    np.testing.assert_array_equal(hb["brackets"][0]["accuracy"], sh["accuracy"])


@pytest.mark.parametrize("call, error, match", [
    (lambda d: tuning.hyperband_brackets(0, 3), ValueError, "max_epochs"),
    (lambda d: tuning.hyperband_brackets(9, 1), ValueError, "factor"),
    (lambda d: tuning.hyperband_budget(9.5, 3), TypeError, "max_epochs"),
    (lambda d: tuning.hyperband({"momentum": tuning.Uniform(0.8, 0.9)}, d), ValueError, "learning_rate"),
    (lambda d: tuning.hyperband({"learning_rate": tuning.LogUniform(1e-3, 1e-1),
                                 "beta1": tuning.Uniform(0.8, 0.9)}, d), ValueError, "drawn and ignored"),
    (lambda d: tuning.hyperband({"learning_rate": tuning.LogUniform(1e-3, 1e-1),
                                 "batch_size": tuning.PowersOfTwo(16, 64)}, d, batch_size=32), ValueError,
     "both a search dimension"),
    (lambda d: tuning.hyperband({"learning_rate": tuning.LogUniform(1e-3, 1e-1)}, d[:3]), TypeError,
     "x_train, y_train, x_val, y_val"),
    (lambda d: tuning.hyperband({"learning_rate": tuning.LogUniform(1e-3, 1e-1)}, d, width=8), TypeError,
     "unknown setting"),
])
def test_hyperband_bad_inputs(small_data, call, error, match):
    with pytest.raises(error, match=match):
        call(small_data)

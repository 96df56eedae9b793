"""helpers.tuning: search spaces, the NumPy population of digits networks, searches, logs, FLOPs."""

import copy

import numpy as np
import pytest

from helpers import tuning


@pytest.fixture(scope="module")
def small_data():
    rng = np.random.default_rng(0)
    x = rng.random((120, 64))
    y = (x[:, :10].argmax(axis=1)).astype(int)      # a learnable 10-class rule
    return x[:90], y[:90], x[90:], y[90:]


# --------------------------------------------------------------------------- search spaces


def test_log_uniform_maps_ends_and_spreads_decades_evenly():
    assert np.allclose(tuning.log_uniform([0.0, 1.0], 1e-6, 1e-1), [1e-6, 1e-1])
    assert np.isclose(tuning.log_uniform([0.5], 1e-6, 1e-2)[0], 1e-4)
    lr = tuning.LogUniform(1e-6, 1e-1).sample(np.random.default_rng(1), 50_000)
    counts = np.histogram(np.log10(lr), bins=5, range=(-6, -1))[0]
    assert counts.min() > 0.18 * len(lr) and counts.max() < 0.22 * len(lr)


def test_uniform_lands_mostly_in_the_top_decade_and_respects_bounds():
    m = tuning.Uniform(0.85, 0.95).sample(np.random.default_rng(2), 1000)
    assert m.min() >= 0.85 and m.max() <= 0.95
    lr = tuning.Uniform(1e-6, 1e-1).sample(np.random.default_rng(2), 10_000)
    assert np.mean(lr > 1e-2) > 0.85


def test_grids_include_both_ends():
    assert np.allclose(tuning.LogUniform(1e-6, 1e-1).grid(3), [1e-6, 10 ** -3.5, 1e-1])
    assert np.allclose(tuning.Uniform(0.85, 0.95).grid(3), [0.85, 0.9, 0.95])
    assert np.isclose(tuning.Uniform(0, 1).grid(1)[0], 0.5)
    assert tuning.PowersOfTwo(16, 512).values().tolist() == [16, 32, 64, 128, 256, 512]
    assert tuning.PowersOfTwo(16, 512).grid(2).tolist() == [16, 512]


def test_powers_of_two_samples_are_powers_of_two():
    b = tuning.PowersOfTwo(16, 512).sample(np.random.default_rng(3), 200)
    assert set(b.tolist()) <= {16, 32, 64, 128, 256, 512} and len(set(b.tolist())) == 6


def test_grid_and_random_configs_have_the_budget():
    space = {"learning_rate": tuning.LogUniform(1e-6, 1e-1), "momentum": tuning.Uniform(0.85, 0.95)}
    grid = tuning.grid_configs(space, 9)
    assert len(grid["learning_rate"]) == 9 and len(np.unique(grid["learning_rate"])) == 3
    assert len(tuning.grid_configs(space, 15)["momentum"]) == 9     # floor(sqrt(15)) = 3 per axis
    rnd = tuning.random_configs(space, 9, np.random.default_rng(4))
    assert len(np.unique(rnd["learning_rate"])) == 9


@pytest.mark.parametrize("make, error, match", [
    (lambda: tuning.LogUniform(0, 1), ValueError, "low must be positive"),
    (lambda: tuning.LogUniform(1e-1, 1e-6), ValueError, "low must be below high"),
    (lambda: tuning.Uniform("0", 1), TypeError, "low must be a number"),
    (lambda: tuning.Uniform(1, 1), ValueError, "below high"),
    (lambda: tuning.PowersOfTwo(16, 500), ValueError, "power of two"),
    (lambda: tuning.PowersOfTwo(16.0, 512), TypeError, "integer"),
    (lambda: tuning.LogUniform(1e-6, 1e-1).sample(0, 5), TypeError, "numpy Generator"),
    (lambda: tuning.LogUniform(1e-6, 1e-1).sample(np.random.default_rng(0), 0), ValueError, "at least 1"),
    (lambda: tuning.log_uniform([0.5, 1.5], 1e-6, 1e-1), ValueError, r"u must hold numbers in \[0, 1\]"),
    (lambda: tuning.log_uniform([0.5], -1, 1), ValueError, "positive"),
    (lambda: tuning.grid_configs({"lr": (1e-6, 1e-1)}, 9), TypeError, "Uniform, LogUniform or PowersOfTwo"),
    (lambda: tuning.grid_configs({}, 9), TypeError, "non-empty dict"),
    (lambda: tuning.random_configs({"lr": tuning.Uniform(0, 1)}, 9, None), TypeError, "Generator"),
])
def test_search_space_bad_inputs(make, error, match):
    with pytest.raises(error, match=match):
        make()


# --------------------------------------------------------------------------- the population


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


# --------------------------------------------------------------------------- searches


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


# --------------------------------------------------------------------------- keras-tuner pieces


def test_epoch_recorder_survives_deepcopy_and_counts():
    pytest.importorskip("keras")
    rec = tuning.epoch_recorder()
    assert copy.deepcopy([rec])[0] is rec
    rec.on_epoch_end(0, {"val_accuracy": 0.5})
    rec.on_epoch_end(1, {"val_accuracy": 0.4})
    rec.on_epoch_end(0, {"val_accuracy": 0.7})
    spent, best = tuning.best_so_far(rec.records)
    assert spent.tolist() == [1, 2, 3] and best.tolist() == [0.5, 0.5, 0.7]


def test_best_so_far_bad_inputs():
    with pytest.raises(ValueError, match="non-empty list"):
        tuning.best_so_far([])
    with pytest.raises(ValueError, match="metric 'val_loss' is not in the records"):
        tuning.best_so_far([{"spent": 1, "epoch": 1, "val_accuracy": 0.3}], "val_loss")


def test_trials_frame_reads_oracle_trials():
    class HP:
        def __init__(self, values):
            self.values = values

    class Trial:
        def __init__(self, values, score):
            self.hyperparameters, self.score, self.status = HP(values), score, "COMPLETED"

    class Tuner:
        class oracle:
            trials = {"0": Trial({"lr": 0.1, "tuner/epochs": 3, "tuner/initial_epoch": 1}, 0.9),
                      "1": Trial({"lr": 0.01, "tuner/epochs": 1, "tuner/initial_epoch": 0}, 0.5)}

    frame = tuning.trials_frame(Tuner())
    assert frame["trial_id"].tolist() == ["0", "1"] and frame["epochs_trained"].tolist() == [2, 1]
    assert frame["score"].tolist() == [0.9, 0.5]
    with pytest.raises(TypeError, match="keras-tuner tuner"):
        tuning.trials_frame(object())


# --------------------------------------------------------------------------- logs and FLOPs


def test_fresh_run_dir_is_new_each_time(tmp_path):
    a = tuning.fresh_run_dir("15_tuning", root=tmp_path)
    b = tuning.fresh_run_dir("15_tuning", root=tmp_path)
    assert a != b and a.is_dir() and b.is_dir() and a.parent == tmp_path / "15_tuning"
    assert not list(a.iterdir())
    assert tuning.BUILD_DIR.name == "build"
    for bad in ["", "../x", ".hidden", 3]:
        with pytest.raises(ValueError, match="plain folder name"):
            tuning.fresh_run_dir(bad, root=tmp_path)


def test_load_csv_logs(tmp_path):
    for run, acc in [("a", 0.5), ("b", 0.7)]:
        (tmp_path / run).mkdir()
        (tmp_path / run / "log.csv").write_text(f"epoch,val_accuracy\n0,{acc / 2}\n1,{acc}\n")
    logs = tuning.load_csv_logs(tmp_path)
    assert logs["run"].tolist() == ["a", "a", "b", "b"]
    assert logs.groupby("run")["val_accuracy"].max().to_dict() == {"a": 0.5, "b": 0.7}
    with pytest.raises(ValueError, match="no CSV files"):
        tuning.load_csv_logs(tmp_path / "a", pattern="*.txt")
    with pytest.raises(ValueError, match="existing directory"):
        tuning.load_csv_logs(tmp_path / "missing")


def test_conv_flops_formula_and_scaling():
    assert tuning.conv_flops(1, 8, 4) == 16 * 9 * 8
    assert tuning.conv_flops(3, 16, 32, in_channels=3) == 32 ** 2 * 9 * (3 * 16 + 2 * 16 ** 2)
    deep = tuning.conv_flops(101, 64, 32)
    assert np.isclose(tuning.conv_flops(201, 64, 32) / deep, 2, rtol=0.01)      # depth x2
    assert np.isclose(tuning.conv_flops(101, 128, 32) / deep, 4, rtol=0.01)     # width x2 -> x4
    assert tuning.conv_flops(101, 64, 64) == 4 * deep                           # resolution x2 -> x4
    with pytest.raises(ValueError, match="depth must be at least 1"):
        tuning.conv_flops(0, 8, 8)
    with pytest.raises(TypeError, match="width must be an integer"):
        tuning.conv_flops(1, 8.5, 8)

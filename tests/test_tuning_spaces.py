"""helpers.tuning.spaces: search spaces, grids and random draws."""


import numpy as np
import pytest

from helpers import tuning


@pytest.fixture(scope="module")
def small_data():
    rng = np.random.default_rng(0)
    x = rng.random((120, 64))
    y = (x[:, :10].argmax(axis=1)).astype(int)      # a learnable 10-class rule
    return x[:90], y[:90], x[90:], y[90:]


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


def test_centred_grids_sit_in_the_middle_of_equal_cells():
    lr = tuning.LogUniform(1e-6, 1e-1).grid(3, centred=True)
    assert np.allclose(np.log10(lr), [-6 + 5 / 6, -3.5, -1 - 5 / 6])       # no point on an end
    assert np.allclose(tuning.Uniform(0.85, 0.95).grid(2, centred=True), [0.875, 0.925])
    assert np.allclose(tuning.LogUniform(1e-4, 1e-2).grid(1, centred=True), [1e-3])
    assert tuning.PowersOfTwo(16, 512).grid(3, centred=True).tolist() == [16, 64, 256]
    space = {"learning_rate": tuning.LogUniform(1e-6, 1e-1), "momentum": tuning.Uniform(0.85, 0.95)}
    grid = tuning.grid_configs(space, 9, centred=True)
    assert np.allclose(np.unique(grid["learning_rate"]), lr) and len(grid["momentum"]) == 9
    with pytest.raises(TypeError, match="centred"):
        tuning.grid_configs(space, 9, centred="yes")


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

"""helpers' small modules: setup, claims, checks, experiments, plots."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import helpers
from helpers import checks, claims, experiments, plots


def test_setup_seeds_everything_and_reports_versions(capsys):
    info = helpers.setup(5)
    first = np.random.rand(3)
    import keras

    k1 = keras.ops.convert_to_numpy(keras.random.uniform((2,)))
    helpers.setup(5)
    np.testing.assert_array_equal(first, np.random.rand(3))
    np.testing.assert_array_equal(k1, keras.ops.convert_to_numpy(keras.random.uniform((2,))))
    assert info["seed"] == 5 and "tensorflow" in info and "keras" in info
    assert "seed 5" in capsys.readouterr().out


@pytest.mark.parametrize("seed, error", [("7", TypeError), (True, TypeError), (-3, ValueError),
                                         (2**40, ValueError)])
def test_setup_rejects_bad_seeds(seed, error):
    with pytest.raises(error, match="seed"):
        helpers.setup(seed)


def test_check_claim_prints_and_raises(capsys):
    claims.check_claim(3, "it works", True, rel_error=1.234567e-8, n=3)
    assert capsys.readouterr().out.strip() == "Claim 3 holds: it works (rel_error=1.235e-08, n=3)"
    with pytest.raises(AssertionError, match=r"Claim 4 FAILS: no \(x=2\)"):
        claims.check_claim(4, "no", False, x=2)
    with pytest.raises(ValueError, match="statement"):
        claims.check_claim(5, "", True)
    claims.key_figure("test accuracy", 0.97123)
    assert capsys.readouterr().out.strip() == "Key figure: test accuracy = 0.9712"


def test_check_function_verdicts(capsys):
    make = lambda rng: (rng.normal(size=(2, 3)),)  # noqa: E731
    assert checks.check_function(np.tanh, np.tanh, make)
    assert not checks.check_function(np.sin, np.tanh, make)
    assert "is off" in capsys.readouterr().out
    assert not checks.check_function(lambda x: None, np.tanh, make, name="f")
    assert "forget `return`" in capsys.readouterr().out
    assert not checks.check_function(lambda x: x[:1], np.tanh, make, name="f")
    assert "shape" in capsys.readouterr().out
    assert not checks.check_function(lambda x: 1 / 0, np.tanh, make, name="f")
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not checks.check_function(None, np.tanh, make, name="f")


def test_best_time_and_over_seeds():
    assert experiments.best_time(sum, [1, 2], repeat=2) >= 0
    import time

    assert experiments.best_time(sum, [1, 2], repeat=2, clock=time.process_time) >= 0
    with pytest.raises(ValueError):
        experiments.best_time(sum, [1], repeat=0)
    df = experiments.over_seeds(lambda s: {"double": 2 * s}, [1, 2])
    assert df.loc[2, "double"] == 4
    with pytest.raises(TypeError, match="dict"):
        experiments.over_seeds(lambda s: s, [1])


def test_plots_draw_and_validate():
    import matplotlib.pyplot as plt

    ax = plots.plot_curves({"train": [3, 2, 1], "cv": [3, 2.5, 2]})
    assert len(ax.lines) == 2
    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    plots.plot_decision_boundary(lambda P: P[:, 0] > 0, X, y, resolution=20)
    plots.show_images(np.zeros((3, 64)), titles=["a", "b", "c"])
    with pytest.raises(ValueError, match=r"\(m, 2\)"):
        plots.plot_decision_boundary(lambda P: P, np.zeros((3, 3)), [0, 1, 0])
    with pytest.raises(ValueError, match="titles"):
        plots.show_images(np.zeros((3, 8, 8)), titles=["a"])
    with pytest.raises(ValueError, match="non-empty"):
        plots.plot_curves({})
    plt.close("all")

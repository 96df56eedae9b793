"""helpers' small modules: setup, claims, checks, experiments, plots."""

import matplotlib

matplotlib.use("Agg")

import os
import time
import warnings

import numpy as np
import pytest

import helpers
from helpers import experiments, plots
from helpers.exercises import engines as checks


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


@pytest.mark.parametrize("kwargs, error, match", [
    ({"threads": "4"}, TypeError, "threads must be an integer.*without quotes"),
    ({"threads": 0}, ValueError, "threads must be at least 1"),
    ({"blas_threads": "1"}, TypeError, "blas_threads must be an integer"),
    ({"quiet": "no"}, TypeError, "quiet must be True or False"),
    ({"use_keras": 1}, TypeError, "use_keras must be True or False"),
])
def test_setup_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        helpers.setup(1, **{"use_keras": False, "quiet": True, **kwargs})


def test_setup_warns_when_the_environment_overrides_threads(monkeypatch):
    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", "2")
    monkeypatch.setenv("TF_NUM_INTEROP_THREADS", "2")
    with pytest.warns(UserWarning, match=r"setup\(threads=4\) is not applied.*"
                                         r"TF_NUM_INTRAOP_THREADS=2"):
        helpers.setup(1, threads=4, use_keras=False, quiet=True)
    assert os.environ["TF_NUM_INTRAOP_THREADS"] == "2"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # agreeing with the environment, or not asking: no warning
        helpers.setup(1, threads=2, use_keras=False, quiet=True)
        helpers.setup(1, use_keras=False, quiet=True)


def test_setup_threads_fill_an_unpinned_environment(monkeypatch):
    monkeypatch.delenv("TF_NUM_INTRAOP_THREADS", raising=False)
    monkeypatch.delenv("TF_NUM_INTEROP_THREADS", raising=False)
    helpers.setup(1, threads=3, use_keras=False, quiet=True)
    assert os.environ["TF_NUM_INTRAOP_THREADS"] == os.environ["TF_NUM_INTEROP_THREADS"] == "3"


def test_check_function_verdicts(capsys):
    make = lambda rng: (rng.normal(size=(2, 3)),)  # noqa: E731

    def my_tanh(x):  # written independently of np.tanh, so the match can fail
        e = np.exp(2 * x)
        return (e - 1) / (e + 1)

    assert checks.check_function(my_tanh, np.tanh, make)
    assert "✓" in capsys.readouterr().out
    assert not checks.check_function(lambda x: my_tanh(x) + 1e-3, np.tanh, make)
    assert "is off" in capsys.readouterr().out
    assert not checks.check_function(np.sin, np.tanh, make)
    assert "is off" in capsys.readouterr().out
    assert not checks.check_function(lambda x: None, np.tanh, make, name="f")
    assert "forget `return`" in capsys.readouterr().out
    assert not checks.check_function(lambda x: x[:1], np.tanh, make, name="f")
    assert "shape" in capsys.readouterr().out
    assert not checks.check_function(lambda x: 1 / 0, np.tanh, make, name="f")
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not checks.check_function(None, np.tanh, make, name="f")
    assert "not yet" in capsys.readouterr().out
    assert not checks.check_function(lambda x: "tanh", np.tanh, make, name="f")  # text: a verdict
    assert "expected numbers" in capsys.readouterr().out


@pytest.mark.parametrize("kwargs, make, error, match", [
    ({"trials": 0}, lambda rng: (rng.normal(size=2),), ValueError, "needs edge cases or random trials"),
    ({"trials": "5"}, lambda rng: (rng.normal(size=2),), TypeError, "trials must be an integer"),
    ({}, lambda rng: rng.normal(size=2), TypeError, r"make_args must return a tuple.*\(x,\)"),
])
def test_check_function_refuses_a_check_that_cannot_check(kwargs, make, error, match):
    with pytest.raises(error, match=match):
        checks.check_function(np.tanh, np.tanh, make, **kwargs)


def _fake_clock(readings):
    values = iter(readings)
    return lambda: next(values)


def test_best_time_is_the_minimum_per_call():
    # three tries of 2 calls each: 6, 4 and 10 seconds -> best per call 2.0
    clock = _fake_clock([0.0, 6.0, 10.0, 14.0, 20.0, 30.0])
    calls = []
    assert experiments.best_time(calls.append, 1, repeat=3, number=2, clock=clock) == 2.0
    assert calls == [1] * 6
    seconds = experiments.best_time(time.sleep, 0.02, repeat=2)
    assert 0.015 < seconds < 1.0  # a real clock measures the sleep
    assert experiments.best_time(sum, [1], repeat=np.int64(2), number=np.int32(1)) < 0.5


@pytest.mark.parametrize("kwargs, error, match", [
    ({"repeat": 0}, ValueError, "repeat must be at least 1"),
    ({"repeat": "3"}, TypeError, "repeat must be an integer"),
    ({"number": None}, TypeError, "number must be an integer"),
    ({"number": 1.0}, TypeError, "Use 1 instead of 1.0"),
    ({"clock": 3}, TypeError, "clock must be a function"),
])
def test_best_time_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        experiments.best_time(sum, [1], **kwargs)
    with pytest.raises(TypeError, match="best_time needs a function"):
        experiments.best_time(None)


def test_over_seeds_runs_each_seed_once():
    seen = []
    df = experiments.over_seeds(lambda s: seen.append(s) or {"double": 2 * s}, [1, 2, np.int64(7)])
    assert seen == [1, 2, 7]
    assert list(df.index) == [1, 2, 7] and df.loc[7, "double"] == 14


@pytest.mark.parametrize("fn, seeds, error, match", [
    (lambda s: {"x": s}, "42", TypeError, "got the string '42'.*without quotes"),
    (lambda s: {"x": s}, 42, TypeError, r"for one seed write \[seed\]"),
    (lambda s: {"x": s}, [1.5], TypeError, "each seed must be an integer"),
    (lambda s: {"x": s}, [-1], ValueError, "each seed must be between"),
    (lambda s: {"x": s}, [1, 1], ValueError, r"distinct.*\[1\] appear more than once"),
    (lambda s: {"x": s}, [], ValueError, "seeds is empty"),
    (lambda s: s, [1], TypeError, "must return a dict"),
    (lambda s: {"seed": s}, [1], ValueError, "must not have a key 'seed'"),
    (None, [1], TypeError, "needs a function"),
])
def test_over_seeds_bad_arguments(fn, seeds, error, match):
    with pytest.raises(error, match=match):
        experiments.over_seeds(fn, seeds)


def test_plot_curves_draws_one_line_per_series():
    import matplotlib.pyplot as plt

    ax = plots.plot_curves({"train": [3, 2, 1], "cv": [3, 2.5, 2]}, logy=True)
    assert [line.get_label() for line in ax.lines] == ["train", "cv"]
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [3, 2.5, 2])
    assert ax.get_yscale() == "log"

    class History:  # what keras's fit returns, as far as plot_curves reads it
        history = {"loss": [1.0, 0.5], "val_loss": [1.2, 0.9]}

    ax = plots.plot_curves({"run": History()})
    assert [line.get_label() for line in ax.lines] == ["run loss", "run val_loss"]
    plt.close("all")


def test_plot_decision_boundary_draws_every_point_and_the_boundary():
    import matplotlib.pyplot as plt

    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    ax = plots.plot_decision_boundary(lambda P: P[:, 0] > 0, X, y, resolution=20,
                                      labels=["neg", "pos"])
    points = {c.get_label(): len(c.get_offsets()) for c in ax.collections
              if c.get_label() in ("neg", "pos")}
    assert points == {"neg": int(np.sum(y == 0)), "pos": int(np.sum(y == 1))}
    assert sum(points.values()) == len(X)  # no point left out
    assert len(ax.collections) > 2  # the shaded regions and the boundary line were drawn too
    # boolean labels and an (m, 1) label column are the same labels
    ax = plots.plot_decision_boundary(lambda P: P[:, 0] > 0, X, y.astype(bool)[:, None],
                                      resolution=20)
    assert sum(len(c.get_offsets()) for c in ax.collections if c.get_label() in ("0", "1")) == 20
    plt.close("all")


def test_show_images_draws_each_image_with_its_title():
    import matplotlib.pyplot as plt

    axes = plots.show_images(np.arange(3 * 64).reshape(3, 64), titles=["a", "b", "c"], ncols=2)
    assert axes.shape == (2, 2)
    drawn = [ax for ax in axes.flat if ax.images]
    assert len(drawn) == 3 and [ax.get_title() for ax in drawn] == ["a", "b", "c"]
    np.testing.assert_array_equal(drawn[2].images[0].get_array(), np.arange(128, 192).reshape(8, 8))
    assert not axes.flat[3].images  # the spare cell stays empty
    plt.close("all")


XY = np.random.default_rng(0).normal(size=(20, 2))
Y01 = (XY[:, 0] > 0).astype(int)


@pytest.mark.parametrize("call, error, match", [
    (lambda: plots.plot_decision_boundary(lambda P: P, np.zeros((3, 3)), [0, 1, 0]), ValueError,
     r"\(m, 2\)"),
    (lambda: plots.plot_decision_boundary(lambda P: P[:, 0], XY, Y01 + 1), ValueError,
     r"labels 0 and 1.*got the values 1, 2"),
    (lambda: plots.plot_decision_boundary(lambda P: P[:, 0], XY, 2 * Y01 - 1), ValueError,
     r"got the values -1, 1; map them first"),
    (lambda: plots.plot_decision_boundary(lambda P: P[:, 0], np.vstack([XY, [np.nan, 0]]),
                                          np.r_[Y01, 0]), ValueError, "X holds 1 NaN"),
    (lambda: plots.plot_decision_boundary(lambda P: np.full(len(P), np.nan), XY, Y01,
                                          resolution=10), ValueError, "predict returned 100 NaN"),
    (lambda: plots.plot_decision_boundary(lambda P: P[:, 0], XY, Y01[:5]), ValueError,
     "20 rows but y has 5"),
    (lambda: plots.plot_decision_boundary(lambda P: P[:, 0], XY, Y01, resolution="10"), TypeError,
     "resolution must be an integer"),
    (lambda: plots.plot_decision_boundary(lambda P: P[:, 0], XY, Y01, threshold=None), TypeError,
     "threshold must be a number"),
    (lambda: plots.plot_decision_boundary(None, XY, Y01), TypeError, "predict must be a function"),
    (lambda: plots.plot_decision_boundary(lambda P: P[:, 0], XY, Y01, labels="ab"), TypeError,
     "labels must be a pair"),
    (lambda: plots.show_images(np.zeros((3, 8, 8)), titles=["a"]), ValueError, "3 images but 1"),
    (lambda: plots.show_images(np.zeros((3, 8, 8)), titles="abc"), TypeError, "titles must be a list"),
    (lambda: plots.show_images(np.zeros((3, 8, 8)), ncols="3"), TypeError, "ncols must be an integer"),
    (lambda: plots.show_images(np.zeros((3, 8, 8)), ncols=0), ValueError, "ncols must be at least 1"),
    (lambda: plots.show_images(np.zeros((3, 8, 8)), size="1"), TypeError, "size must be a number"),
    (lambda: plots.show_images(["a", "b"]), TypeError, "images must be an array of numbers"),
    (lambda: plots.show_images(np.full((2, 8, 8), np.nan)), ValueError, "images holds 128 NaN"),
    (lambda: plots.plot_curves({}), ValueError, "non-empty"),
    (lambda: plots.plot_curves([1, 2, 3]), TypeError, "needs a dict"),
    (lambda: plots.plot_curves({"train": "abc"}), TypeError, "curve 'train' must be an array"),
    (lambda: plots.plot_curves({"train": []}), ValueError, "curve 'train' is empty"),
    (lambda: plots.plot_curves({"train": [[1, 2]]}), ValueError, "curve 'train' must be 1-D"),
    (lambda: plots.plot_curves({"train": [1, 2]}, logy="yes"), TypeError, "logy must be True"),
])
def test_plots_refuse_bad_inputs(call, error, match):
    import matplotlib.pyplot as plt

    with pytest.raises(error, match=match):
        call()
    plt.close("all")

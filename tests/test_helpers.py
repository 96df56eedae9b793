"""helpers.setup and helpers.versions: seeds, threads, the plot style."""

import os
import warnings

import numpy as np
import pytest

import helpers


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

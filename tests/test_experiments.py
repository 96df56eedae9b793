"""helpers.experiments: best_time, run folders under build/, CSV logs of runs."""

import time

import numpy as np
import pytest

from helpers import experiments


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
    with pytest.raises(TypeError, match="fn must be a function"):
        experiments.best_time(None)


def test_fresh_run_dir_is_new_each_time(tmp_path):
    a = experiments.fresh_run_dir("15_tuning", root=tmp_path)
    b = experiments.fresh_run_dir("15_tuning", root=tmp_path)
    assert a != b and a.is_dir() and b.is_dir() and a.parent == tmp_path / "15_tuning"
    assert not list(a.iterdir())
    assert experiments.BUILD_DIR.name == "build"
    for bad in ["", "../x", ".hidden"]:
        with pytest.raises(ValueError, match="plain folder name"):
            experiments.fresh_run_dir(bad, root=tmp_path)


def test_load_csv_logs(tmp_path):
    for run, acc in [("a", 0.5), ("b", 0.7)]:
        (tmp_path / run).mkdir()
        (tmp_path / run / "log.csv").write_text(f"epoch,val_accuracy\n0,{acc / 2}\n1,{acc}\n")
    logs = experiments.load_csv_logs(tmp_path)
    assert logs["run"].tolist() == ["a", "a", "b", "b"]
    assert logs.groupby("run")["val_accuracy"].max().to_dict() == {"a": 0.5, "b": 0.7}
    with pytest.raises(ValueError, match="no CSV files"):
        experiments.load_csv_logs(tmp_path / "a", pattern="*.txt")
    with pytest.raises(ValueError, match="folder must be an existing folder"):
        experiments.load_csv_logs(tmp_path / "missing")
    with pytest.raises(TypeError, match="folder must be a path"):
        experiments.load_csv_logs(123)
    with pytest.raises(TypeError, match="pattern must be a glob"):
        experiments.load_csv_logs(tmp_path, pattern=None)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "log.csv").write_text("")
    with pytest.raises(ValueError, match="the log c/log.csv is empty"):
        experiments.load_csv_logs(tmp_path)


def test_fresh_run_dir_refuses_other_kinds(tmp_path):
    with pytest.raises(TypeError, match="root must be a path"):
        experiments.fresh_run_dir("15_tuning", root=123)
    with pytest.raises(TypeError, match="name must be a folder name"):
        experiments.fresh_run_dir(15, root=tmp_path)

